/**
 * Business-rule validation of workflow and change-set input (lengths, counts, uniqueness, URL shape),
 * re-checked by the engine behind the edge schemas of fields.ts, with the same limits.
 */
import type { ErrorDetail } from './errors';
import { DomainError } from './errors';
import type { SodSettings, WorkflowStep } from './model';
import { distinctAcrossGroups, GROUP_PREFIX, groupIdOf, maximumMatching, stepGroups } from './step-composition';
import { FIELD_LIMITS } from './limits';
import { accountId, confluenceId } from './fields';
import { storedStepSignatureSchema } from './signature-fields';

const LIMITS = {
  workflowName: FIELD_LIMITS.workflowName.max,
  stepName: FIELD_LIMITS.stepName.max,
  steps: FIELD_LIMITS.steps.max,
  approvers: FIELD_LIMITS.approvers.max,
  changeSetTitle: FIELD_LIMITS.changeSetTitle.max,
  changeSetSummary: FIELD_LIMITS.changeSetSummary.max,
  referenceUrl: FIELD_LIMITS.referenceUrl.max,
  pageRefs: FIELD_LIMITS.pageRefs.max,
} as const;

function throwIfAny(details: ErrorDetail[]): void {
  if (details.length > 0) {
    throw new DomainError('INVALID_REQUEST', `Invalid input: ${details.map((d) => `${d.field}: ${d.reason}`).join('; ')}.`, details);
  }
}

const isAccountOrGroup = (value: string): boolean => accountId.safeParse(value).success;

export function validateWorkflowFields(input: { name: string; steps: WorkflowStep[]; owners: string[]; sod?: SodSettings | undefined }): void {
  const details: ErrorDetail[] = [];
  const name = input.name.trim();
  if (name.length < 1 || name.length > LIMITS.workflowName) {
    details.push({ field: 'name', code: 'LENGTH', reason: `must be 1..${LIMITS.workflowName} characters` });
  }
  if (input.steps.length < FIELD_LIMITS.steps.min || input.steps.length > LIMITS.steps) {
    details.push({ field: 'steps', code: 'COUNT', reason: `must have 1..${LIMITS.steps} steps` });
  }
  input.steps.forEach((step, i) => details.push(...stepDetails(step, `steps[${i}]`)));
  if (input.owners.some((o) => !isAccountOrGroup(o) || o.startsWith(GROUP_PREFIX))) {
    details.push({ field: 'owners', code: 'FORMAT', reason: 'owners are account ids' });
  }
  throwIfAny(details);
  checkQuorumReachable(input.steps);
  checkDistinctApproversReachable(input.steps, input.sod);
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

const GROUP_KEY = /^[a-z0-9][a-z0-9_]{0,31}$/;

function approverListDetails(approvers: string[], field: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (approvers.length < FIELD_LIMITS.approvers.min || approvers.length > LIMITS.approvers) {
    details.push({ field, code: 'COUNT', reason: `must have 1..${LIMITS.approvers} approvers` });
  }
  if (new Set(approvers).size !== approvers.length) details.push({ field, code: 'DUPLICATE', reason: 'approvers must be unique' });
  if (approvers.some((a) => !isAccountOrGroup(a) || a === GROUP_PREFIX)) {
    details.push({ field, code: 'FORMAT', reason: 'an approver is an account id or "group:<groupId>"' });
  }
  return details;
}

function rejectPolicyDetails(step: WorkflowStep, field: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const groups = stepGroups(step);
  const G = FIELD_LIMITS;
  const policy = step.rejectPolicy;
  if (policy !== undefined && policy !== 'any' && policy !== 'unreachable') {
    const t = policy.threshold;
    if (!Number.isInteger(t) || t < G.rejectThreshold.min || t > G.rejectThreshold.max) {
      details.push({ field: `${field}.rejectPolicy.threshold`, code: 'RANGE', reason: `must be ${G.rejectThreshold.min}..${G.rejectThreshold.max}` });
    } else if (groups.every((g) => g.approvers.every((a) => !a.startsWith(GROUP_PREFIX))) && t > new Set(groups.flatMap((g) => g.approvers)).size) {
      details.push({ field: `${field}.rejectPolicy.threshold`, code: 'RANGE', reason: 'must not exceed the number of approvers of the step' });
    }
  }
  return details;
}

/** One step: the short form `{approvers, mode}` or the group form of SPEC 2.1a, never both. */
function stepDetails(step: WorkflowStep, field: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (step.name !== undefined && step.name.length > LIMITS.stepName) {
    details.push({ field: `${field}.name`, code: 'LENGTH', reason: `at most ${LIMITS.stepName} characters` });
  }
  if (step.signature !== undefined && !storedStepSignatureSchema.safeParse(step.signature).success) {
    details.push({ field: `${field}.signature`, code: 'INVALID', reason: 'required, auth pin|totp|pin_or_totp, 1..8 meanings with unique codes' });
  }
  // a saved step of one "any"/"all" group carries the short form as a mirror: judge it (and name its fields) as written
  details.push(...rejectPolicyDetails(step, field));
  if (step.groups === undefined || step.mode !== undefined) {
    if (step.mode !== 'any' && step.mode !== 'all') details.push({ field: `${field}.mode`, code: 'ENUM', reason: 'must be any or all' });
    return [...details, ...approverListDetails(step.approvers ?? [], `${field}.approvers`)];
  }
  const groups = step.groups;
  const G = FIELD_LIMITS;
  if (groups.length < G.stepGroups.min || groups.length > G.stepGroups.max) {
    details.push({ field: `${field}.groups`, code: 'COUNT', reason: `must have ${G.stepGroups.min}..${G.stepGroups.max} groups` });
  }
  if (new Set(groups.map((g) => g.key)).size !== groups.length) details.push({ field: `${field}.groups`, code: 'DUPLICATE', reason: 'group keys must be unique in a step' });
  groups.forEach((g, j) => {
    const gf = `${field}.groups[${j}]`;
    if (!GROUP_KEY.test(g.key)) details.push({ field: `${gf}.key`, code: 'FORMAT', reason: 'must match ^[a-z0-9][a-z0-9_]{0,31}$' });
    const name = g.name.trim();
    if (name.length < G.groupName.min || name.length > G.groupName.max) details.push({ field: `${gf}.name`, code: 'LENGTH', reason: `must be ${G.groupName.min}..${G.groupName.max} characters` });
    details.push(...approverListDetails(g.approvers, `${gf}.approvers`));
    const r = g.required;
    if (r !== 'all' && (!Number.isInteger(r) || r < G.groupRequired.min || r > G.groupRequired.max)) {
      details.push({ field: `${gf}.required`, code: 'RANGE', reason: `must be ${G.groupRequired.min}..${G.groupRequired.max} or "all"` });
    }
  });
  return details;
}

/**
 * SPEC 2.1a: a step whose named users can never fill its groups is refused at save
 * (QUORUM_UNREACHABLE, field named). Only groups of explicit users are judged: a Confluence
 * group's membership changes over time. Call after validateWorkflowFields.
 */
export function checkQuorumReachable(steps: WorkflowStep[]): void {
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

export function validateChangeSetFields(input: {
  title?: string;
  summary?: string;
  referenceUrl?: string;
  pageRefs?: { pageId: string }[];
}): void {
  const details: ErrorDetail[] = [];
  if (input.title !== undefined) {
    const t = input.title.trim();
    if (t.length < 1 || t.length > LIMITS.changeSetTitle) details.push({ field: 'title', code: 'LENGTH', reason: `must be 1..${LIMITS.changeSetTitle} characters` });
  }
  if (input.summary !== undefined && input.summary.length > LIMITS.changeSetSummary) {
    details.push({ field: 'summary', code: 'LENGTH', reason: `at most ${LIMITS.changeSetSummary} characters` });
  }
  if (input.referenceUrl !== undefined && !isHttpUrl(input.referenceUrl)) {
    details.push({ field: 'referenceUrl', code: 'FORMAT', reason: `must be an http or https URL of at most ${LIMITS.referenceUrl} characters` });
  }
  if (input.pageRefs !== undefined) {
    if (input.pageRefs.length < FIELD_LIMITS.pageRefs.min || input.pageRefs.length > LIMITS.pageRefs) {
      details.push({ field: 'pageRefs', code: 'COUNT', reason: `must list 1..${LIMITS.pageRefs} pages` });
    }
    const ids = input.pageRefs.map((r) => r.pageId);
    if (new Set(ids).size !== ids.length) details.push({ field: 'pageRefs', code: 'DUPLICATE', reason: 'page ids must be unique' });
    if (ids.some((p) => !confluenceId.safeParse(p).success)) details.push({ field: 'pageRefs', code: 'FORMAT', reason: 'page ids are Confluence ids (decimal int64)' });
  }
  throwIfAny(details);
}

export function isHttpUrl(value: string): boolean {
  if (value.length > LIMITS.referenceUrl) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}
