/**
 * Save-time reachability of a workflow (SPEC 2.1a, 2.3a): steps whose named people could never
 * complete them are refused with QUORUM_UNREACHABLE and the field named. Shapes, lengths and
 * uniqueness are the edge schemas' (fields.ts workflowFields); this is what they cannot say.
 */
import type { ErrorDetail } from './errors';
import { DomainError } from './errors';
import type { SodSettings, WorkflowStep } from './model';
import { distinctAcrossGroups, groupIdOf, maximumMatching, stepGroups } from './step-composition';

/** Refuses a workflow that could never complete a step or an atomic set's distinct-approver rule. */
export function checkWorkflowReachable(input: { steps: WorkflowStep[]; sod?: SodSettings | undefined }): void {
  checkQuorumReachable(input.steps);
  checkDistinctApproversReachable(input.steps, input.sod);
}

/**
 * SPEC 2.1a: a step whose named users can never fill its groups is refused at save
 * (QUORUM_UNREACHABLE, field named). Only groups of explicit users are judged: a Confluence
 * group's membership changes over time.
 */
function checkQuorumReachable(steps: WorkflowStep[]): void {
  const details: ErrorDetail[] = [];
  steps.forEach((step, i) => {
    const groups = stepGroups(step);
    const explicit = groups.map((g, j) => ({ g, j })).filter(({ g }) => g.approvers.every((a) => groupIdOf(a) === undefined));
    for (const { g, j } of explicit) {
      if (g.required !== 'all' && g.required > g.approvers.length) {
        details.push({ field: `steps[${i}].groups[${j}].required`, code: 'QUORUM_UNREACHABLE', reason: `${g.required} approvals needed but the group names ${g.approvers.length} people` });
      }
    }
    if (details.length > 0 || !distinctAcrossGroups(step) || explicit.length < 2) return;
    const capacity = explicit.map(({ g }) => (g.required === 'all' ? g.approvers.length : g.required));
    const people = [...new Set(explicit.flatMap(({ g }) => g.approvers))];
    const matched = maximumMatching(people, capacity, (p) => explicit.flatMap(({ g }, k) => (g.approvers.includes(p) ? [k] : [])));
    if (matched.size < capacity.reduce((n, c) => n + c, 0)) {
      details.push({ field: `steps[${i}].groups`, code: 'QUORUM_UNREACHABLE', reason: 'with distinctAcrossGroups one person fills one slot, and these groups share too few people to fill every slot' });
    }
  });
  if (details.length > 0) {
    throw new DomainError('QUORUM_UNREACHABLE', `A step can never complete: ${details.map((d) => `${d.field}: ${d.reason}`).join('; ')}.`, details);
  }
}

/**
 * SPEC 2.3a: an atomic set waits at its final approval for `changeSetMinDistinctApprovers` different
 * people; steps that name fewer explicit users than that (and no Confluence group, whose membership
 * changes) could never finish one, so the save is refused (QUORUM_UNREACHABLE, field named).
 */
function checkDistinctApproversReachable(steps: WorkflowStep[], sod: SodSettings | undefined): void {
  const min = sod?.changeSetMinDistinctApprovers ?? 0;
  const approvers = steps.flatMap((step) => stepGroups(step).flatMap((g) => g.approvers));
  if (min === 0 || approvers.some((a) => groupIdOf(a) !== undefined)) return;
  const people = new Set(approvers).size;
  if (people >= min) return;
  const detail = { field: 'sod.changeSetMinDistinctApprovers', code: 'QUORUM_UNREACHABLE', reason: `${min} different approvers needed but the steps name ${people} people` };
  throw new DomainError('QUORUM_UNREACHABLE', `An atomic change set could never be approved: ${detail.field}: ${detail.reason}.`, [detail]);
}
