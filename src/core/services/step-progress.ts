/** Per-group progress of a pending approval's active step (SPEC 2.1a), with its groups read now (group-listing.ts). */
import { activeStepOf, expandApprovers, groupsOfSteps } from '../domain/approvers';
import { stepPeople, type Decidable } from '../domain/decisions';
import type { PageApproval, WorkflowStep } from '../domain/model';
import { sodExcluded } from '../domain/sod';
import type { GroupProgress } from '../domain/step-composition';
import { evaluateStep, membersOf, slotHolder, stepDecisions, stepGroups, stepShortfalls } from '../domain/step-composition';
import type { EngineContext } from './context';
import { GroupListing } from './group-listing';
import { groupsOfAllGroups } from './group-membership';
import { namedProgress } from '../domain/named-progress';
import { unavailableAmong, type UnavailableApprover, type UnavailableCause } from '../domain/approver-availability';
import { accountUnavailability, coveredOn, delegateCovers, viewUnavailability } from './approver-availability';

/** Progress with the people separation of duties excludes left out of `waitingFor`; a read names at most 50 per group ("and more"). */
export async function activeStepProgress(ctx: EngineContext, approval: PageApproval, listing = new GroupListing(ctx)): Promise<GroupProgress[]> {
  await listing.readFor([approval]);
  return progressWith(approval, listing.members, listing.cutOf(activeStepOf(approval)));
}

/** The same progress from group members already read (lists read them once for many approvals); a set approval's too. */
export function progressWith(approval: Decidable & Pick<PageApproval, 'sodEditors'>, groupMembers: Map<string, string[]>, listingCut: readonly boolean[] = []): GroupProgress[] {
  const groups = evaluateStep(activeStepOf(approval), approval.decisions, approval.activeStep, stepPeople(approval, groupMembers, sodExcluded(approval, approval.activeStep))).groups;
  return namedProgress(groups, listingCut);
}

/** Issue 19: account states and page views of the active steps' approvers, read once for many approvals and extended as more are needed. */
export interface ApproverReach {
  accounts: ReadonlyMap<string, UnavailableCause>;
  /** person → pages they cannot view (people whose view could not be read are absent) */
  hidden: ReadonlyMap<string, Set<string>>;
  /** person → pages whose view was asked (accounts were asked for every person here) */
  asked: ReadonlyMap<string, ReadonlySet<string>>;
}

const NO_REACH: ApproverReach = { accounts: new Map(), hidden: new Map(), asked: new Map() };

/** `reach` and what it did not know yet about `people` on `pageIds`: one users-bulk lookup and one batched page read per person. */
async function extendReach(ctx: EngineContext, reach: ApproverReach, people: string[], pageIds: string[]): Promise<ApproverReach> {
  const newPeople = [...new Set(people)].filter((p) => !reach.asked.has(p));
  const unasked = [...new Set(people)].filter((p) => pageIds.some((page) => !reach.asked.get(p)?.has(page)));
  if (unasked.length === 0) return reach;
  const accounts = new Map([...reach.accounts, ...(await accountUnavailability(ctx, newPeople))]);
  const hidden = new Map([...reach.hidden, ...(await viewUnavailability(ctx, unasked.filter((p) => !accounts.has(p)), pageIds))]);
  const asked = new Map(reach.asked);
  for (const p of unasked) asked.set(p, new Set([...(asked.get(p) ?? []), ...pageIds]));
  return { accounts, hidden, asked };
}

/** Account states and views of the people the stuck check looks at first (its first window), for many approvals at once. */
export async function readApproverReach(ctx: EngineContext, approvals: PageApproval[], listing: GroupListing): Promise<ApproverReach> {
  await listing.readFor(approvals);
  const people = approvals.flatMap((a) => expandApprovers(activeStepOf(a), windowed(a, listing, firstWindow(activeStepOf(a)))));
  return extendReach(ctx, NO_REACH, people, [...new Set(approvals.map((a) => a.pageId))]);
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

/** The first members the stuck check looks at per Confluence group: twice the largest count, at least 10. */
const firstWindow = (step: WorkflowStep): number => Math.max(10, ...stepGroups(step).map((g) => (g.required === 'all' ? 0 : 2 * g.required)));

/**
 * Issue 23 (s-stuck): a read (status) looks at no more than this many members of the step's listed
 * groups, shared among them: one page read each, so a read stays under half of a 99-call cap
 * (docs/forge-platform.md U25) whatever the group's size. 40 is the window after one widening of a
 * step needing ≤ 5 approvals. Past it, a read takes the daily job's verdict (services/stuck-at-read.ts).
 */
export const READ_STUCK_MEMBERS = 40;

/** A widening adds at most this many members per group, so the daily job looks at its deadline every few thousand calls. */
const MOST_NEW_PER_WIDENING = 2_000;

/** How far the check may look: a member budget (reads) and a deadline (the daily job). */
export interface StuckLimits {
  members?: number;
  deadline?: number;
}

/** The verdict, or `judged: false` with the groups still short when a limit stopped the check first. */
export interface StuckCheck {
  groups: StuckGroup[];
  judged: boolean;
}

/** The widest window per listed group a member budget allows (no budget: unbounded). */
function windowCap(step: WorkflowStep, members: number | undefined): number {
  const listed = groupsOfSteps([step]).filter((g) => !groupsOfAllGroups(step).includes(g)).length;
  return members === undefined || listed === 0 ? Infinity : Math.max(1, Math.floor(members / listed));
}

const widened = (window: number, cap: number): number => Math.min(cap, window + Math.min(3 * window, MOST_NEW_PER_WIDENING));

/** The step's members up to `window` per group read in pages ("all" groups whole), the step's deciders always. */
function windowed(approval: PageApproval, listing: GroupListing, window: number): Map<string, string[]> {
  const step = activeStepOf(approval);
  const whole = new Set(groupsOfAllGroups(step));
  const holders = new Set(stepDecisions(approval.decisions, approval.activeStep).map(slotHolder));
  return new Map(
    groupsOfSteps([step]).map((g) => {
      const members = listing.members.get(g) ?? [];
      return [g, whole.has(g) ? members : [...members.slice(0, window), ...members.slice(window).filter((p) => holders.has(p))]] as const;
    }),
  );
}

/** Lists the step's groups cut short until `window` members are listed (or the group ends); true when every group is then looked at whole. */
async function listUpTo(listing: GroupListing, step: WorkflowStep, window: number): Promise<boolean> {
  const paged = groupsOfSteps([step]).filter((g) => !groupsOfAllGroups(step).includes(g));
  await Promise.all(
    paged.map(async (g) => {
      while (listing.isCut(g) && listing.listedCount(g) < window && (await listing.more(g)));
    }),
  );
  return paged.every((g) => !listing.isCut(g) && listing.listedCount(g) <= window);
}

/**
 * The groups of the active step that can no longer be filled by anyone eligible now (its approvals
 * so far count): empty while the approval can still complete. Only as many members are looked at
 * as it takes to find enough eligible ones (a window that grows 4× while a group is short, by at
 * most MOST_NEW_PER_WIDENING), so a big group costs a few calls, and a stuck group is judged on all
 * its members. `limits` stop the widening before that: the answer is then `judged: false`.
 */
export async function activeStepStuck(
  ctx: EngineContext,
  approval: PageApproval,
  /** members already read (a scan over many approvals reads each group once) */
  listing = new GroupListing(ctx),
  /** account states and views already read for a batch of approvals */
  reach: ApproverReach = NO_REACH,
  limits: StuckLimits = {},
): Promise<StuckCheck> {
  const step = activeStepOf(approval);
  await listing.readFor([approval]);
  const cap = windowCap(step, limits.members);
  let known = reach;
  for (let window = Math.min(firstWindow(step), cap); ; window = widened(window, cap)) {
    const whole = await listUpTo(listing, step, window);
    const members = windowed(approval, listing, window);
    known = await extendReach(ctx, known, expandApprovers(step, members), [approval.pageId]);
    const stuck = await stuckGroups(ctx, approval, members, known);
    if (stuck.length === 0 || whole) return { groups: stuck, judged: true };
    if (window >= cap || (limits.deadline !== undefined && ctx.clock.now() >= limits.deadline)) return { groups: stuck, judged: false };
  }
}

/** The stuck groups judged on `groupMembers`. */
async function stuckGroups(ctx: EngineContext, approval: PageApproval, groupMembers: Map<string, string[]>, reach: ApproverReach): Promise<StuckGroup[]> {
  const step = activeStepOf(approval);
  const unavailable = unavailableFor(approval, expandApprovers(step, groupMembers), reach);
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

/** Every approver of the active step, groups expanded as far as `listing` read them; `more` when a group was not read to the end. */
export function stepApprovers(approval: PageApproval, listing: GroupListing): { approvers: string[]; more: boolean } {
  const step = activeStepOf(approval);
  return { approvers: expandApprovers(step, listing.members), more: groupsOfSteps([step]).some(listing.isCut) };
}
