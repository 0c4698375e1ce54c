/** Approver lists: account ids, or "group:<groupId>" entries expanded to their members at decision time. */
import type { WorkflowStep } from './model';

export const GROUP_PREFIX = 'group:';

export function groupIdOf(approver: string): string | undefined {
  return approver.startsWith(GROUP_PREFIX) ? approver.slice(GROUP_PREFIX.length) : undefined;
}

export function groupsOfSteps(steps: WorkflowStep[]): string[] {
  const groups = new Set<string>();
  for (const step of steps) {
    for (const approver of step.approvers) {
      const group = groupIdOf(approver);
      if (group) groups.add(group);
    }
  }
  return [...groups];
}

/** Unique account ids of a step, groups expanded through `groupMembers` (missing group → no members). */
export function expandApprovers(step: WorkflowStep, groupMembers: ReadonlyMap<string, string[]>): string[] {
  const out = new Set<string>();
  for (const approver of step.approvers) {
    const group = groupIdOf(approver);
    if (group) for (const member of groupMembers.get(group) ?? []) out.add(member);
    else out.add(approver);
  }
  return [...out];
}

/** Who can actually decide a step: the submitter is excluded unless self-approval is allowed. */
export function eligibleApprovers(
  step: WorkflowStep,
  groupMembers: ReadonlyMap<string, string[]>,
  submitter: string,
  allowSelfApproval: boolean,
): string[] {
  const all = expandApprovers(step, groupMembers);
  return allowSelfApproval ? all : all.filter((a) => a !== submitter);
}
