/** Approver lists: account ids, or "group:<groupId>" entries expanded to their members at decision time. */
import type { PageApproval, WorkflowStep } from './model';
import { groupIdOf, membersOf, stepGroups, stepPrincipals } from './step-composition';

export { GROUP_PREFIX, groupIdOf } from './step-composition';

/**
 * Step `index` of an approval's workflow snapshot. Indexes come from the approval itself (`activeStep`,
 * a decision's `step`, 0) and a snapshot has at least one step, so a miss means corrupt data.
 */
export function stepOf(approval: Pick<PageApproval, 'workflowSnapshot'>, index: number): WorkflowStep {
  const step = approval.workflowSnapshot.steps[index];
  if (!step) throw new Error(`step ${index} is outside a ${approval.workflowSnapshot.steps.length}-step workflow snapshot`);
  return step;
}

/** The step a pending approval waits on (a finished one stays on its last step). */
export function activeStepOf(approval: Pick<PageApproval, 'workflowSnapshot' | 'activeStep'>): WorkflowStep {
  return stepOf(approval, approval.activeStep);
}

export function groupsOfSteps(steps: WorkflowStep[]): string[] {
  const groups = new Set<string>();
  for (const step of steps) {
    for (const approver of stepPrincipals(step)) {
      const group = groupIdOf(approver);
      if (group) groups.add(group);
    }
  }
  return [...groups];
}

/** Unique account ids of a step, groups expanded through `groupMembers` (missing group → no members). */
export function expandApprovers(step: WorkflowStep, groupMembers: ReadonlyMap<string, string[]>): string[] {
  return [...new Set(stepGroups(step).flatMap((g) => membersOf(g, groupMembers)))];
}
