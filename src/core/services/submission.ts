/**
 * Submission, shared by page submit and change-set submit: load context (page-context.ts) →
 * eligibility (domain/eligibility.ts, the one rule) → planSubmission (the ops and audit entries of
 * one page) → a transaction per page (submitOne) or per batch of pages (changesets/batches.ts).
 * Preflight lives in preflight.ts.
 */
import { LOCK, loadPointedSets, resolveLatest, setOf } from './changesets/atomic/resolve';
import { stalenessTermsOf } from '../domain/staleness-terms';
import { reviewTermsOf } from '../domain/review';
import { onSubmitted } from '../records/lifecycle-schedule';
import type { Caller } from '../domain/caller';
import type { AuditEntry } from '../audit';
import { DomainError, EligibilityError } from '../domain/errors';
import type { EligibilityCode, EligibilityInput, EligibilityResult, IneligibleGroup } from '../domain/eligibility';
import { excludesEditors } from '../domain/sod';
import { checkEligibility } from '../domain/eligibility';
import type { ChangeSet, PageApproval, SetApproval, Workflow } from '../domain/model';
import { assignmentSchema, parseStored } from '../domain/schemas';
import type { StoredItem, TxOp } from '../ports/store';
import type { EngineContext } from './context';
import { auditEntry, commitWithAudit } from './commit';
import { pendingCountOps, type ShardReads } from './approvals/pending-count';
import { epochCheck, pinsInFlight, readHoldingEpochs } from './submit-epoch';
import { withRetry } from './retry';
import { keys } from './keys';
import { approvalRecordOps } from './approvals/stored';
import type { PageContext } from './page-context';
import { parsePageState } from './page-context';
import { pageLatestOf } from '../domain/page-state';
import { UNAVAILABLE_WORDS } from '../domain/approver-availability';
import { ruleSource, type RoutedBy } from '../domain/routing';

/**
 * A refused single-page submit, its status from the registry (404 / 403 for access codes, else 409;
 * an EligibilityError: WORKFLOW_NOT_FOUND is 409 here, SPEC §3 "page not eligible on single submit").
 * Every refusal but a missing page names its code and reason in `details` (a page the caller cannot
 * see answers exactly like a missing one: no details).
 */
export function eligibilityError(result: SubmitRefusal): DomainError {
  const groups = (result.details ?? []).map((d) => ({ field: `steps[${d.step - 1}].groups.${d.group}`, code: result.code, reason: ineligibleReason(d) }));
  const details = result.code === 'PAGE_NOT_FOUND' ? undefined : [{ code: result.code, reason: result.reason }, ...groups];
  return new EligibilityError(result.code, result.reason, details);
}

/** "Step 1, group legal: needs 1 eligible approver; excluded (submitter or separation of duties): acc-alice" (SPEC 2.3a). */
export function ineligibleReason(d: IneligibleGroup): string {
  const excluded = d.excluded.length > 0 ? `; excluded (submitter or separation of duties): ${d.excluded.join(', ')}` : '';
  const gone = d.unavailable?.length ? `; can no longer approve: ${d.unavailable.map((u) => `${u.accountId} (${UNAVAILABLE_WORDS[u.cause]})`).join(', ')}` : '';
  return `Step ${d.step}, group ${d.group}: needs ${d.required} eligible approver${d.required === 1 ? '' : 's'}${excluded}${gone}`;
}

export function snapshotOf(workflow: Workflow): PageApproval['workflowSnapshot'] {
  return {
    id: workflow.id,
    name: workflow.name,
    steps: workflow.steps,
    allowSelfApproval: workflow.allowSelfApproval,
    version: workflow.version,
    ...reviewTermsOf(workflow),
    ...stalenessTermsOf(workflow),
    ...(workflow.sod ? { sod: workflow.sod } : {}),
  };
}

export type SubmitRefusal = { ok: false; code: EligibilityCode | 'CHANGE_SET_ARCHIVED'; reason: string; workflowId?: string; details?: IneligibleGroup[] };
export type SubmitOneResult = { ok: true; approval: PageApproval } | SubmitRefusal;

/** What one page's submission is conditioned on; re-read after a conflict. */
export interface PageState {
  stateItem?: StoredItem;
  assignmentItem?: StoredItem;
  /** the page's space's submit epoch, read with its assignment (absent: read, none yet; submit-epoch.ts) */
  epochItem?: StoredItem;
  /** SPEC 2.5a: the page's set-member pointer and the set approvals it names, newest first (a pending set blocks a single submit) */
  memberItem?: StoredItem;
  sets?: SetApproval[];
}

/** One page's share of a submission transaction; `epoch` is its space's epoch check, ONE per transaction and space (epochChecks). */
export type PagePlan = { ok: true; approval: PageApproval; ops: TxOp[]; epoch: TxOp; entries: AuditEntry[] } | SubmitRefusal;

/**
 * The ops of one page's submission: the approval (its record is its history and pending index
 * item, approvals/stored.ts), the page-state summary (domain/page-state.ts; version-conditioned: it is the per-page lock, so
 * two racing submits yield one approval), the first reminder and, on the first submission that
 * chose among several workflows, the assignment it creates (SPEC 2.2); plus its audit entries and
 * its space's submit epoch check (an assignment change or an atomic submit meanwhile fails it;
 * while an atomic submit may still be pinning, also the page's set-member check: submit-epoch.ts).
 * Written in ONE transaction with them, so a crash leaves the page fully submitted or untouched.
 */
export function planSubmission(ctx: EngineContext, caller: Caller, input: EligibilityInput, state: PageState, approvalId: string, changeSet?: ChangeSet, followUp = approvalId): PagePlan {
  const latest = resolveLatest(parsePageState(state.stateItem), state.sets ?? [], input.pageId, ctx.clock.now(), LOCK).latest;
  const current = { ...input, assigned: assignedWorkflow(input, state.assignmentItem), latest };
  const eligibility = checkEligibility(current);
  if (!eligibility.ok) {
    return { ok: false, code: eligibility.code, reason: eligibility.reason, ...(eligibility.workflowId ? { workflowId: eligibility.workflowId } : {}), ...(eligibility.details ? { details: eligibility.details } : {}) };
  }
  const approval = { ...newApproval(ctx, caller, approvalId, eligibility, changeSet), followUp, ...sodRecord(eligibility.workflow, input) };
  const assigns = assignmentSourceOf(current, state.assignmentItem, eligibility.routedBy);
  const pins = pinsInFlight(state.epochItem, ctx.clock.now()) ? [memberCheck(approval.pageId, state.memberItem)] : [];
  const ops = [...approvalOps(approval, state), ...assignmentPut(approval, assigns), ...pins];
  return { ok: true, approval, ops, epoch: epochCheck(approval.spaceId, state.epochItem), entries: submissionEntries(caller, approval, changeSet, assigns) };
}

/** Ops a caller commits with a page's submission, from the approval (may read: asked again after a conflict). */
export type Alongside = (approval: PageApproval) => TxOp[] | Promise<TxOp[]>;

/** A single page (page submit): one transaction (with the caller's `alongside` ops), re-planned on a conflict. */
export async function submitOne(
  ctx: EngineContext,
  caller: Caller,
  input: EligibilityInput,
  initial: PageState,
  alongside: Alongside = () => [],
  /** the pending-count shard to write and the shards read ahead for the first attempt */
  counts?: { shard: number; shards: ShardReads },
): Promise<SubmitOneResult> {
  let state = initial;
  const approvalId = ctx.ids.next('apr');
  return withRetry(ctx, async (attempt): Promise<SubmitOneResult> => {
    if (attempt > 1) state = (await rereadPages(ctx, [input.pageId], [], () => input.page?.spaceId)).pages.get(input.pageId) ?? {};
    const plan = planSubmission(ctx, caller, input, state, approvalId);
    if (!plan.ok) return plan;
    // a retry reads its shards afresh: the conflict may have been on one of them
    const [countOps, extra] = await Promise.all([pendingCountOps(ctx, { entering: [plan.approval] }, counts?.shard, attempt === 1 ? counts?.shards : undefined), alongside(plan.approval)]);
    await commitWithAudit(ctx, [...plan.ops, plan.epoch, ...countOps, ...extra], plan.entries);
    return { ok: true, approval: plan.approval };
  });
}

/** Fresh page states, assignments and their spaces' submit epochs (`spaceOf`) after a conflict, plus any extra keys (e.g. the change set). */
export async function rereadPages(ctx: EngineContext, pageIds: string[], extraKeys: string[], spaceOf: (pageId: string) => string | undefined): Promise<{ pages: Map<string, PageState>; extra: Map<string, StoredItem> }> {
  const epochKeys = [...new Set(pageIds.flatMap((id) => spaceOf(id) ?? []))].map(keys.submitEpoch);
  const fresh = await readHoldingEpochs(ctx, [...pageIds.flatMap((id) => [keys.pageState(id), keys.assignment(id), keys.setMember(id)]), ...epochKeys, ...extraKeys]);
  const sets = await loadPointedSets(ctx, pageIds.map((id) => fresh.get(keys.setMember(id))));
  const epochOf = (id: string) => { const space = spaceOf(id); return space === undefined ? undefined : fresh.get(keys.submitEpoch(space)); };
  const pages = new Map(pageIds.map((id) => [id, stateOf(fresh.get(keys.pageState(id)), fresh.get(keys.assignment(id)), fresh.get(keys.setMember(id)), sets, epochOf(id))]));
  const extra = new Map(extraKeys.flatMap((k) => { const item = fresh.get(k); return item ? [[k, item] as const] : []; }));
  return { pages, extra };
}

/** A page's submission state from its stored items. */
function stateOf(stateItem: StoredItem | undefined, assignmentItem: StoredItem | undefined, memberItem: StoredItem | undefined, sets: Map<string, { set: SetApproval }>, epochItem?: StoredItem): PageState {
  const pinning = setOf(memberItem, sets);
  return { ...(stateItem ? { stateItem } : {}), ...(assignmentItem ? { assignmentItem } : {}), ...(memberItem ? { memberItem } : {}), ...(pinning.length > 0 ? { sets: pinning } : {}), ...(epochItem ? { epochItem } : {}) };
}

/** A page's submission state as loadPageContext read it. */
export function stateIn(context: PageContext, pageId: string): PageState {
  const spaceId = context.inputs.get(pageId)?.page?.spaceId;
  const epochItem = spaceId === undefined ? undefined : context.submitEpochs.get(spaceId);
  return stateOf(context.pageStateItems.get(pageId), context.assignmentItems.get(pageId), context.memberItems.get(pageId), context.sets, epochItem);
}

function assignedWorkflow(input: EligibilityInput, item: StoredItem | undefined): Workflow | undefined {
  if (!item) return undefined;
  const assignment = parseStored(assignmentSchema, item.key, item.value);
  return input.spaceWorkflows.find((w) => w.id === assignment.workflowId);
}

/**
 * The assignment this submission creates, by its source, as resolution decided it (eligibility.ts
 * resolveWorkflow): the first time a routing rule decides (SPEC 2.2a, `rule:<id>`: binding from then
 * on), or an assignment routed without one stored, which is the first submission in which the author
 * had to choose (several enabled workflows, no assignment). undefined: it creates none.
 */
function assignmentSourceOf(input: EligibilityInput, assignmentItem: StoredItem | undefined, routedBy: RoutedBy): string | undefined {
  if (assignmentItem || !input.page) return undefined;
  if (routedBy.kind === 'rule') return ruleSource(routedBy.ruleId);
  return routedBy.kind === 'assignment' ? FIRST_SUBMISSION : undefined;
}

const FIRST_SUBMISSION = 'first-submission';

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
    routedBy: eligible.routedBy,
    version: 1,
  };
}

/** SPEC 2.3a: the editors read at submission travel with the approval (decisions are judged against them). */
export function sodRecord(workflow: Workflow, input: EligibilityInput): Pick<PageApproval, 'sodEditors' | 'sodUnverifiable'> {
  if (!excludesEditors(workflow.sod)) return {};
  const sod = input.sod?.workflowId === workflow.id ? input.sod : undefined;
  if (!sod?.verified) return { sodUnverifiable: true };
  return { sodEditors: sod.editors };
}

function approvalOps(approval: PageApproval, state: PageState): TxOp[] {
  const { pageId } = approval;
  return [
    ...approvalRecordOps(approval, { created: true }),
    { op: 'put', key: keys.pageState(pageId), value: pageLatestOf(approval), condition: state.stateItem ? { kind: 'version', version: state.stateItem.version } : { kind: 'absent' } },
    ...onSubmitted(approval),
  ];
}

/** An atomic submit pinning the page meanwhile (it rewrites the pointer) fails this submission (needed only while one may be pinning: submit-epoch.ts). */
function memberCheck(pageId: string, item: StoredItem | undefined): TxOp {
  return { op: 'check', key: keys.setMember(pageId), condition: item ? { kind: 'version', version: item.version } : { kind: 'absent' } };
}

/** The assignment a first submission creates (create-only: an admin's assignment meanwhile fails it). */
function assignmentPut(approval: PageApproval, source: string | undefined): TxOp[] {
  if (source === undefined) return [];
  const value = { pageId: approval.pageId, spaceId: approval.spaceId, workflowId: approval.workflowId, ...(source !== FIRST_SUBMISSION ? { source } : {}) };
  return [{ op: 'put', key: keys.assignment(approval.pageId), value, condition: { kind: 'absent' } }];
}


function submissionEntries(caller: Caller, approval: PageApproval, changeSet: ChangeSet | undefined, assigns: string | undefined): AuditEntry[] {
  const { pageId, spaceId, pageVersion, workflowId, id: approvalId } = approval;
  const submitted = auditEntry(caller, 'approval.submitted', spaceId, {
    pageId,
    pageVersion,
    workflowId,
    approvalId,
    ...(changeSet ? { changeSetId: changeSet.id } : {}),
    details: { workflowName: approval.workflowSnapshot.name, ...(changeSet ? { changeSetTitle: changeSet.title } : {}) },
  });
  if (assigns === undefined) return [submitted];
  return [auditEntry(caller, 'assignment.changed', spaceId, { pageId, workflowId, details: { from: null, to: workflowId, by: assigns } }), submitted];
}

/** The eligibility input loadPageContext gathered for a page it was asked about. */
export function inputOf(context: PageContext, pageId: string): EligibilityInput {
  const input = context.inputs.get(pageId);
  if (!input) throw new DomainError('INTERNAL_ERROR', 'The operation could not be completed.');
  return input;
}
