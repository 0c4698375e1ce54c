/** Per-group progress of a pending approval's active step (SPEC 2.1a), with its groups expanded now. */
import { activeStepOf, expandApprovers, groupsOfSteps } from '../domain/approvers';
import { stepPeople, type Decidable } from '../domain/decisions';
import type { PageApproval } from '../domain/model';
import { sodExcluded } from '../domain/sod';
import type { GroupProgress } from '../domain/step-composition';
import { evaluateStep, membersOf, slotHolder, stepDecisions, stepGroups, stepShortfalls } from '../domain/step-composition';
import type { EngineContext } from './context';
import { expandGroups } from './page-context';
import { unavailableAmong, type UnavailableApprover, type UnavailableCause } from '../domain/approver-availability';
import { accountUnavailability, coveredOn, delegateCovers, viewUnavailability } from './approver-availability';

/** Progress with the people separation of duties excludes left out of `waitingFor`. */
export async function activeStepProgress(ctx: EngineContext, approval: PageApproval): Promise<GroupProgress[]> {
  const groupMembers = new Map<string, string[]>();
  await expandGroups(ctx, groupsOfSteps([activeStepOf(approval)]), groupMembers);
  return progressWith(approval, groupMembers);
}

/** The same progress from group members already expanded (lists expand them once for many approvals); a set approval's too. */
export function progressWith(approval: Decidable & Pick<PageApproval, 'sodEditors'>, groupMembers: Map<string, string[]>): GroupProgress[] {
  return evaluateStep(activeStepOf(approval), approval.decisions, approval.activeStep, stepPeople(approval, groupMembers, sodExcluded(approval, approval.activeStep))).groups;
}

/** Issue 19: account states and page views of the active steps' approvers, read once for many approvals. */
export interface ApproverReach {
  accounts: ReadonlyMap<string, UnavailableCause>;
  /** person → pages they cannot view (people whose view could not be read are absent) */
  hidden: ReadonlyMap<string, Set<string>>;
}

/** One users-bulk lookup and one batched page read per approver, for the active steps of `approvals`. */
export async function readApproverReach(ctx: EngineContext, approvals: PageApproval[], groupMembers: Map<string, string[]>): Promise<ApproverReach> {
  await expandGroups(ctx, groupsOfSteps(approvals.map((a) => activeStepOf(a))), groupMembers);
  const people = [...new Set(approvals.flatMap((a) => expandApprovers(activeStepOf(a), groupMembers)))];
  const pageIds = [...new Set(approvals.map((a) => a.pageId))];
  const accounts = await accountUnavailability(ctx, people);
  const hidden = await viewUnavailability(
    ctx,
    people.filter((p) => !accounts.has(p)),
    pageIds,
  );
  return { accounts, hidden };
}

/** Who of the approval's active step can no longer approve it, and why (the account first, then the page view). */
function unavailableFor(approval: PageApproval, people: string[], reach: ApproverReach): Map<string, UnavailableCause> {
  const out = new Map<string, UnavailableCause>();
  for (const p of people) {
    const cause = reach.accounts.get(p) ?? (reach.hidden.get(p)?.has(approval.pageId) ? 'cannot_view' : undefined);
    if (cause) out.set(p, cause);
  }
  return out;
}

/** SPEC 2.3b: an approver who can no longer act but whose slot an active, able delegate covers does not make the step stuck. */
async function dropCoveredByDelegates(ctx: EngineContext, approval: PageApproval, unavailable: Map<string, UnavailableCause>): Promise<void> {
  if (unavailable.size === 0) return;
  const cover = coveredOn(await delegateCovers(ctx, unavailable.keys(), [approval.pageId]), approval);
  for (const person of cover) unavailable.delete(person);
}

export interface StuckGroup {
  group: string;
  required: number;
  eligible: string[];
  /** members who can no longer approve (deactivated, removed, no view of the page) */
  unavailable?: UnavailableApprover[];
}

/**
 * The groups of the active step that can no longer be filled by anyone eligible now (its approvals
 * so far count): empty while the approval can still complete.
 */
export async function activeStepStuck(
  ctx: EngineContext,
  approval: PageApproval,
  /** members already read (a scan over many approvals reads each group once) */
  groupMembers = new Map<string, string[]>(),
  /** account states and views already read for a batch of approvals */
  reach?: ApproverReach,
): Promise<StuckGroup[]> {
  const step = activeStepOf(approval);
  const known = reach ?? (await readApproverReach(ctx, [approval], groupMembers));
  await expandGroups(ctx, groupsOfSteps([step]), groupMembers);
  const unavailable = unavailableFor(approval, expandApprovers(step, groupMembers), known);
  await dropCoveredByDelegates(ctx, approval, unavailable);
  const excluded = new Set([...sodExcluded(approval, approval.activeStep), ...unavailable.keys()]);
  const approved = stepDecisions(approval.decisions, approval.activeStep).filter((d) => d.decision === 'approve').map(slotHolder);
  const shortfalls = stepShortfalls(step, approval.activeStep, stepPeople(approval, groupMembers, excluded), approved);
  return shortfalls.map(({ group, required, eligible }) => {
    const members = stepGroups(step).find((g) => g.key === group);
    const gone = unavailableAmong(members ? membersOf(members, groupMembers) : [], unavailable);
    return { group, required, eligible, ...(gone.length > 0 ? { unavailable: gone } : {}) };
  });
}

/** Everyone the active step still waits for (each once, in group order). */
export const waitingFor = (groups: GroupProgress[]): string[] => [...new Set(groups.flatMap((g) => g.waitingFor))];

/** Every approver of the active step, groups expanded (status answers list them; progress says who still acts). */
export async function stepApprovers(ctx: EngineContext, approval: PageApproval): Promise<string[]> {
  const step = activeStepOf(approval);
  const groupMembers = new Map<string, string[]>();
  await expandGroups(ctx, groupsOfSteps([step]), groupMembers);
  return expandApprovers(step, groupMembers);
}
