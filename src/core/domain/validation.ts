/**
 * Business-rule validation of workflow and change-set input (lengths, counts, uniqueness, URL shape),
 * re-checked by the engine behind the edge schemas of fields.ts, with the same limits.
 */
import type { ErrorDetail } from './errors';
import { DomainError } from './errors';
import type { WorkflowStep } from './model';
import { GROUP_PREFIX } from './approvers';
import { FIELD_LIMITS } from './limits';
import { accountId, confluenceId } from './fields';

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

export function validateWorkflowFields(input: { name: string; steps: WorkflowStep[]; owners: string[] }): void {
  const details: ErrorDetail[] = [];
  const name = input.name.trim();
  if (name.length < 1 || name.length > LIMITS.workflowName) {
    details.push({ field: 'name', code: 'LENGTH', reason: `must be 1..${LIMITS.workflowName} characters` });
  }
  if (input.steps.length < FIELD_LIMITS.steps.min || input.steps.length > LIMITS.steps) {
    details.push({ field: 'steps', code: 'COUNT', reason: `must have 1..${LIMITS.steps} steps` });
  }
  input.steps.forEach((step, i) => {
    const field = `steps[${i}]`;
    if (step.mode !== 'any' && step.mode !== 'all') details.push({ field: `${field}.mode`, code: 'ENUM', reason: 'must be any or all' });
    if (step.name !== undefined && step.name.length > LIMITS.stepName) {
      details.push({ field: `${field}.name`, code: 'LENGTH', reason: `at most ${LIMITS.stepName} characters` });
    }
    if (step.approvers.length < FIELD_LIMITS.approvers.min || step.approvers.length > LIMITS.approvers) {
      details.push({ field: `${field}.approvers`, code: 'COUNT', reason: `must have 1..${LIMITS.approvers} approvers` });
    }
    if (new Set(step.approvers).size !== step.approvers.length) {
      details.push({ field: `${field}.approvers`, code: 'DUPLICATE', reason: 'approvers must be unique' });
    }
    for (const a of step.approvers) {
      if (!isAccountOrGroup(a) || a === GROUP_PREFIX) {
        details.push({ field: `${field}.approvers`, code: 'FORMAT', reason: 'an approver is an account id or "group:<groupId>"' });
        break;
      }
    }
  });
  if (input.owners.some((o) => !isAccountOrGroup(o) || o.startsWith(GROUP_PREFIX))) {
    details.push({ field: 'owners', code: 'FORMAT', reason: 'owners are account ids' });
  }
  throwIfAny(details);
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
