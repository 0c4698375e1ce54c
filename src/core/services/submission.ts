/**
 * Submission, shared by page submit and change-set submit (and their preflights):
 * load context (page-context.ts) → eligibility (domain/eligibility.ts, the one rule) → one
 * transaction per page (submitOne) → a result per page.
 */
import { reviewTermsOf } from '../lifecycle/review';
import { onSubmitted } from '../lifecycle/schedule';
import type { Caller } from '../domain/caller';
import type { AuditEntry } from '../audit';
import { DomainError } from '../domain/errors';
import type { DomainErrorKind } from '../domain/errors';
import type { EligibilityCode, EligibilityInput, EligibilityResult } from '../domain/eligibility';
import { checkEligibility } from '../domain/eligibility';
import { expandApprovers, groupsOfSteps } from '../domain/approvers';
import type { ChangeSet, EligibilityIssue, PageApproval, PreflightResult, Workflow } from '../domain/model';
import { assignmentSchema, changeSetSchema, parseStored } from '../domain/schemas';
import type { StoredItem, TxOp } from '../ports/store';
import type { EngineContext } from './context';
import { auditEntry, commitWithAudit } from './commit';
import { getManyByKey } from './store-reads';
import { withRetry } from './retry';
import { approvalIndexOp, keys } from './keys';
import type { PageContext } from './page-context';
import { expandGroups, parsePageState } from './page-context';

const KIND_OF_CODE: Partial<Record<string, DomainErrorKind>> = {
  PAGE_NOT_FOUND: 'not_found',
  WORKFLOW_NOT_FOUND: 'not_found',
  NO_EDIT_PERMISSION: 'forbidden',
};

/** A refused single-page submit: 404 / 403 for access codes, else 409 with the eligibility code. */
export function eligibilityError(result: { code: string; reason: string }): DomainError {
  return new DomainError(KIND_OF_CODE[result.code] ?? 'conflict', result.code, result.reason, [{ code: result.code, reason: result.reason }]);
}

export function snapshotOf(workflow: Workflow): PageApproval['workflowSnapshot'] {
  return { id: workflow.id, name: workflow.name, steps: workflow.steps, allowSelfApproval: workflow.allowSelfApproval, version: workflow.version, ...reviewTermsOf(workflow) };
}

export type SubmitOneResult =
  | { ok: true; approval: PageApproval; changeSet?: ChangeSet; changeSetItem?: StoredItem }
  | { ok: false; code: EligibilityCode | 'CHANGE_SET_ARCHIVED'; reason: string; workflowId?: string };

/** What a submission's transaction is conditioned on; re-read after a conflict. */
export interface SubmitState {
  stateItem?: StoredItem;
  assignmentItem?: StoredItem;
  changeSetItem?: StoredItem;
}

/**
 * One page's submission = one transaction: the approval, the page's create-if-absent pending lock,
 * the page-state copy (version-conditioned), history and pending indexes, a condition on the page's
 * assignment (or, on the first submission that chose among several workflows, the assignment it
 * creates, SPEC 2.2), the change set touched with a version condition (so archive/update and submit
 * serialise), and the audit records. A crash leaves the page either fully submitted or untouched;
 * two racing submits yield one approval.
 */
export async function submitOne(ctx: EngineContext, caller: Caller, input: EligibilityInput, initial: SubmitState): Promise<SubmitOneResult> {
  let state = initial;
  let current = input;
  let attempt = 0;
  const approvalId = ctx.ids.next('apr');
  return withRetry(ctx, async (): Promise<SubmitOneResult> => {
    if (attempt++ > 0) {
      state = await reread(ctx, input.pageId, state);
      current = { ...input, assigned: assignedWorkflow(input, state.assignmentItem) };
      const cs = state.changeSetItem ? parseStored(changeSetSchema, state.changeSetItem.key, state.changeSetItem.value) : undefined;
      if (initial.changeSetItem && (!cs || cs.status === 'archived')) return { ok: false, code: 'CHANGE_SET_ARCHIVED', reason: 'The change set was archived.' };
    }
    const eligibility = checkEligibility({ ...current, latest: parsePageState(state.stateItem) });
    if (!eligibility.ok) return { ok: false, code: eligibility.code, reason: eligibility.reason, ...(eligibility.workflowId ? { workflowId: eligibility.workflowId } : {}) };
    const changeSet = state.changeSetItem ? parseStored(changeSetSchema, state.changeSetItem.key, state.changeSetItem.value) : undefined;
    const approval = newApproval(ctx, caller, approvalId, eligibility, changeSet);
    const assigns = createsAssignment(current, state.assignmentItem);
    const ops = [...approvalOps(approval, state), assignmentOp(approval, state.assignmentItem, assigns)];
    if (state.changeSetItem && changeSet) ops.push({ op: 'put', key: state.changeSetItem.key, value: changeSet, condition: { kind: 'version', version: state.changeSetItem.version } });
    await commitWithAudit(ctx, ops, submissionEntries(caller, approval, changeSet, assigns));
    // the store bumps the version on every put: the caller can chain the next page without a re-read
    const csItem = state.changeSetItem;
    return {
      ok: true,
      approval,
      ...(changeSet && csItem ? { changeSet, changeSetItem: { ...csItem, version: csItem.version + 1 } } : {}),
    };
  });
}

async function reread(ctx: EngineContext, pageId: string, state: SubmitState): Promise<SubmitState> {
  const csKey = state.changeSetItem?.key;
  const fresh = await getManyByKey(ctx.store, [keys.pageState(pageId), keys.assignment(pageId), ...(csKey ? [csKey] : [])]);
  return { stateItem: fresh.get(keys.pageState(pageId)), assignmentItem: fresh.get(keys.assignment(pageId)), changeSetItem: csKey ? fresh.get(csKey) : undefined };
}

function assignedWorkflow(input: EligibilityInput, item: StoredItem | undefined): Workflow | undefined {
  if (!item) return undefined;
  const assignment = parseStored(assignmentSchema, item.key, item.value);
  return input.spaceWorkflows.find((w) => w.id === assignment.workflowId);
}

/** The first submission in which the author had to choose (several enabled workflows, no assignment) records the choice. */
function createsAssignment(input: EligibilityInput, assignmentItem: StoredItem | undefined): boolean {
  if (input.chosenWorkflowId === undefined || assignmentItem || !input.page) return false;
  const spaceId = input.page.spaceId;
  return input.spaceWorkflows.filter((w) => w.enabled && w.spaceId === spaceId).length > 1;
}

function newApproval(ctx: EngineContext, caller: Caller, approvalId: string, eligible: Extract<EligibilityResult, { ok: true }>, changeSet?: ChangeSet): PageApproval {
  const { page, workflow } = eligible;
  return {
    id: approvalId,
    pageId: page.id,
    spaceId: page.spaceId,
    pageVersion: page.version,
    workflowId: workflow.id,
    workflowSnapshot: snapshotOf(workflow),
    status: 'pending',
    activeStep: 0,
    decisions: [],
    submittedBy: caller.accountId,
    submittedAt: ctx.clock.now(),
    source: caller.source,
    ...(caller.source === 'api' && caller.clientId ? { clientId: caller.clientId } : {}),
    ...(changeSet ? { changeSetId: changeSet.id } : {}),
    version: 1,
  };
}

function approvalOps(approval: PageApproval, state: SubmitState): TxOp[] {
  const { id: approvalId, pageId } = approval;
  return [
    { op: 'put', key: keys.approval(approvalId), value: approval, condition: { kind: 'absent' } },
    { op: 'put', key: keys.pagePending(pageId), value: { approvalId, ...(approval.changeSetId ? { changeSetId: approval.changeSetId } : {}) }, condition: { kind: 'absent' } },
    { op: 'put', key: keys.pageState(pageId), value: approval, condition: state.stateItem ? { kind: 'version', version: state.stateItem.version } : { kind: 'absent' } },
    approvalIndexOp(approval, 'pending'),
    ...onSubmitted(approval),
  ];
}

/** The assignment the submission resolved under must still hold at commit (an admin may change it meanwhile). */
function assignmentOp(approval: PageApproval, item: StoredItem | undefined, creates: boolean): TxOp {
  const key = keys.assignment(approval.pageId);
  if (creates) return { op: 'put', key, value: { pageId: approval.pageId, spaceId: approval.spaceId, workflowId: approval.workflowId }, condition: { kind: 'absent' } };
  return { op: 'check', key, condition: item ? { kind: 'version', version: item.version } : { kind: 'absent' } };
}

function submissionEntries(caller: Caller, approval: PageApproval, changeSet: ChangeSet | undefined, assigns: boolean): AuditEntry[] {
  const { pageId, spaceId, pageVersion, workflowId, id: approvalId } = approval;
  const submitted = auditEntry(caller, 'approval.submitted', spaceId, {
    pageId,
    pageVersion,
    workflowId,
    approvalId,
    ...(changeSet ? { changeSetId: changeSet.id } : {}),
    details: { workflowName: approval.workflowSnapshot.name, ...(changeSet ? { changeSetTitle: changeSet.title } : {}) },
  });
  if (!assigns) return [submitted];
  return [auditEntry(caller, 'assignment.changed', spaceId, { pageId, workflowId, details: { from: null, to: workflowId, by: 'first-submission' } }), submitted];
}

/** APPROVER_CANNOT_VIEW warnings: every approver (groups expanded) who cannot read the page. */
export async function approverWarnings(
  ctx: EngineContext,
  items: { pageId: string; workflow: Workflow }[],
  groupMembers: Map<string, string[]>,
): Promise<Map<string, EligibilityIssue[]>> {
  await expandGroups(ctx, items.flatMap((i) => groupsOfSteps(i.workflow.steps)), groupMembers);
  const checks = items.flatMap(({ pageId, workflow }) => {
    const approvers = new Set(workflow.steps.flatMap((s) => expandApprovers(s, groupMembers)));
    return [...approvers].map((accountId) => ({ pageId, accountId }));
  });
  const results = await Promise.all(checks.map((c) => ctx.confluence.checkPagePermission(c.accountId, c.pageId, 'read')));
  const out = new Map<string, EligibilityIssue[]>();
  checks.forEach((c, i) => {
    if (results[i]) return;
    const list = out.get(c.pageId) ?? [];
    list.push({ code: 'APPROVER_CANNOT_VIEW', reason: `Approver ${c.accountId} cannot view the page` });
    out.set(c.pageId, list);
  });
  return out;
}

export function preflightOf(pageId: string, result: EligibilityResult, warnings?: EligibilityIssue[]): PreflightResult {
  if (result.ok) return { pageId, canSubmit: true, workflowId: result.workflow.id, ...(warnings?.length ? { warnings } : {}) };
  return { pageId, canSubmit: false, code: result.code, reason: result.reason, ...(result.workflowId ? { workflowId: result.workflowId } : {}) };
}


/** Preflight of pages whose context is loaded: eligibility per page, then approver warnings for the eligible ones. */
export async function preflightPages(ctx: EngineContext, context: PageContext, pageIds: string[]): Promise<PreflightResult[]> {
  const outcomes = pageIds.map((pageId) => ({ pageId, result: checkEligibility(inputOf(context, pageId)) }));
  const okItems = outcomes.flatMap(({ pageId, result }) => (result.ok ? [{ pageId, workflow: result.workflow }] : []));
  const warnings = await approverWarnings(ctx, okItems, context.groupMembers);
  return outcomes.map(({ pageId, result }) => preflightOf(pageId, result, warnings.get(pageId)));
}

/** The eligibility input loadPageContext gathered for a page it was asked about. */
export function inputOf(context: PageContext, pageId: string): EligibilityInput {
  const input = context.inputs.get(pageId);
  if (!input) throw new DomainError('internal', 'INTERNAL_ERROR', 'The operation could not be completed.');
  return input;
}
