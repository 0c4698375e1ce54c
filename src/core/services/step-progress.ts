/** Per-group progress of a pending approval's active step (SPEC 2.1a), with its groups expanded now. */
import { activeStepOf, expandApprovers, groupsOfSteps } from '../domain/approvers';
import { stepPeople } from '../domain/decisions';
import type { PageApproval } from '../domain/model';
import { sodExcluded } from '../domain/sod';
import type { GroupProgress } from '../domain/step-composition';
import { evaluateStep, slotHolder, stepDecisions, stepShortfalls } from '../domain/step-composition';
import type { EngineContext } from './context';
import { expandGroups } from './page-context';

/** Progress with the people separation of duties excludes left out of `waitingFor`. */
export async function activeStepProgress(ctx: EngineContext, approval: PageApproval): Promise<GroupProgress[]> {
  const groupMembers = new Map<string, string[]>();
  await expandGroups(ctx, groupsOfSteps([activeStepOf(approval)]), groupMembers);
  return progressWith(approval, groupMembers);
}

/** The same progress from group members already expanded (lists expand them once for many approvals). */
export function progressWith(approval: PageApproval, groupMembers: Map<string, string[]>): GroupProgress[] {
  return evaluateStep(activeStepOf(approval), approval.decisions, approval.activeStep, stepPeople(approval, groupMembers, sodExcluded(approval, approval.activeStep))).groups;
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
): Promise<{ group: string; required: number; eligible: string[] }[]> {
  const step = activeStepOf(approval);
  await expandGroups(ctx, groupsOfSteps([step]), groupMembers);
  const approved = stepDecisions(approval.decisions, approval.activeStep).filter((d) => d.decision === 'approve').map(slotHolder);
  const shortfalls = stepShortfalls(step, approval.activeStep, stepPeople(approval, groupMembers, sodExcluded(approval, approval.activeStep)), approved);
  return shortfalls.map(({ group, required, eligible }) => ({ group, required, eligible }));
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
