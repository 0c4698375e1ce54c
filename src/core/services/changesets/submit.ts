/**
 * Change-set preflight (readers of the space) and submit (its creator or a space admin; each page
 * still needs the caller's edit right): the shared submission path in batches (batches.ts),
 * partial success; the comments follow through the job queue.
 */
import type { Caller } from '../../domain/caller';
import { checkEligibility } from '../../domain/eligibility';
import type { EligibilityInput } from '../../domain/eligibility';
import { DomainError } from '../../domain/errors';
import type { ChangeSet, PreflightResult, SubmitResult } from '../../domain/model';
import type { PageLatest } from '../../domain/page-state';
import type { StoredItem, TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit, enqueueAfterCommit } from '../commit';
import { withRetry } from '../retry';
import type { PageContext } from '../page-context';
import { loadPageContext } from '../page-context';
import { PageCache } from '../page-cache';
import { submissionJobs } from '../notifications';
import { preflightPages } from '../preflight';
import type { SubmitRefusal } from '../submission';
import { inputOf } from '../submission';
import { submitInBatches, type BatchOutcome, type BatchOptions, type Extra } from './batches';
import { loadReadableChangeSet, requireManage } from './guards';
import { changeSetArchived } from './store';
import { releaseLeaseOps, takeLease } from './submit-lease';
import { atomicPreflight, submitAtomic, type AtomicSubmitResult } from './atomic/submit';
import { setNoticeJob } from './atomic/notify';

export type PerPageSubmitResult = { submittedCount: number; skippedCount: number; results: SubmitResult[] };
/**
 * SPEC 2.5a: an atomic change set answers with its one set approval (`setApprovalId`, `status`),
 * and, for clients written for per-page sets, every page submitted under it.
 */
export type ChangeSetSubmitResult = PerPageSubmitResult & Partial<AtomicSubmitResult>;
import { defineOperation } from '../operation';

type Outcomes = BatchOutcome['outcomes'];

interface Loaded {
  item: StoredItem;
  cs: ChangeSet;
  context: PageContext;
}

/** The common start: load, authorize (read, or manage for submit), refuse archived, then gather every page's eligibility inputs in one batch. */
async function loadForSubmission(ctx: EngineContext, caller: Caller, changeSetId: string, operation: 'changeset.preflight' | 'changeset.submit'): Promise<Loaded> {
  const access = new SpaceAccess(ctx, caller.accountId);
  const { item, cs } = await loadReadableChangeSet(ctx, caller, access, changeSetId, operation);
  if (operation === 'changeset.submit') await requireManage(ctx, caller, access, cs, operation);
  if (cs.status === 'archived') throw changeSetArchived();
  const pageIds = cs.pageRefs.map((r) => r.pageId);
  // U25: a change set too big for the invocation's Confluence calls is refused before its pages are read
  const cache = new PageCache(ctx, caller.accountId);
  cache.requireCallsFor(pageIds, `Checking the ${pageIds.length} pages of this change set`);
  // an atomic submit may take over this change set's own set approval left `submitting` by a crash
  const context = await loadPageContext(ctx, caller, pageIds, { expectedSpaceId: cs.spaceId, forSubmit: operation === 'changeset.submit', ...(cs.approvalMode === 'atomic' ? { replacing: cs.id } : {}) }, cache);
  return { item, cs, context };
}

export const preflightChangeSet = defineOperation({
  rights: 'Anyone who can view its space; writes nothing.',
  async execute(
    ctx: EngineContext,
    caller: Caller,
    changeSetId: string,
  ): Promise<{ summary: { total: number; submittable: number; blocked: number }; results: PreflightResult[] }> {
    const { cs, context } = await loadForSubmission(ctx, caller, changeSetId, 'changeset.preflight');
    const perPage = await preflightPages(ctx, context, cs.pageRefs.map((r) => r.pageId));
    const results = cs.approvalMode === 'atomic' ? atomicPreflight(cs, context, perPage) : perPage;
    const submittable = results.filter((r) => r.canSubmit).length;
    return { summary: { total: results.length, submittable, blocked: results.length - submittable }, results };
  },
});

/** The approval id a keyed request gives a page: the same on every run of that request. */
function requestApprovalId(requestToken: string, pageId: string): string {
  return `apr_req_${requestToken}_${pageId}`;
}

/**
 * `requestToken` (an idempotent API request) makes the approval ids deterministic, so a re-run after
 * a crash reports the pages the first run submitted as submitted; `alongside` ops (the request's
 * recorded answer) commit in the submit's closing write, with its `changeset.submitted` record
 * (in the last page batch's transaction when it fits, batches.ts).
 */
export interface ChangeSetSubmitOptions {
  requestToken?: string;
  alongside?: (result: ChangeSetSubmitResult) => TxOp[];
}

export const submitChangeSet = defineOperation({
  rights: 'Its creator or a space admin (FORBIDDEN 403, audited); each page is checked as a page submit by the caller (per-page mode: ineligible pages are skipped with their code; atomic mode: all or nothing, CHANGESET_NOT_ELIGIBLE / MIXED_WORKFLOWS 409).',
  async execute(ctx: EngineContext, caller: Caller, changeSetId: string, options: ChangeSetSubmitOptions = {}): Promise<ChangeSetSubmitResult> {
    if (options.requestToken !== undefined && !/^[0-9a-f]{32}$/.test(options.requestToken)) {
      throw new DomainError('INVALID_REQUEST_TOKEN', 'The operation could not be completed.');
    }
    const first = await loadForSubmission(ctx, caller, changeSetId, 'changeset.submit');
    if (first.cs.approvalMode === 'atomic') {
      // the atomic submit is crash-safe in its own steps; a keyed request's answer commits in its last one
      const answer = (atomic: AtomicSubmitResult): ChangeSetSubmitResult => {
        const results = first.cs.pageRefs.map(({ pageId }): SubmitResult => ({ pageId, success: true, approvalId: atomic.setApprovalId }));
        return { ...atomic, submittedCount: results.length, skippedCount: 0, results };
      };
      const atomic = await submitAtomic(ctx, caller, first.item, first.cs, first.context, (result) => options.alongside?.(answer(result)) ?? []);
      await enqueueAfterCommit(ctx, [setNoticeJob(atomic.setApprovalId, 0), { kind: 'audit.sequence' }]);
      return answer(atomic);
    }
    return submitPerPage(ctx, caller, changeSetId, first, options);
  },
});

/** Per-page mode (SPEC 2.5): partial success, ineligible pages skipped with their reason. */
async function submitPerPage(ctx: EngineContext, caller: Caller, changeSetId: string, first: Loaded, options: ChangeSetSubmitOptions): Promise<PerPageSubmitResult> {
  const { requestToken } = options;
  let preloaded: Loaded | undefined = first;
  // A concurrent update or archive fails the lease's `check` of the change set: load afresh and retry.
  const { item, cs, context, lease } = await withRetry(ctx, async () => {
    const loaded = preloaded ?? (await loadForSubmission(ctx, caller, changeSetId, 'changeset.submit'));
    preloaded = undefined;
    return { ...loaded, lease: await takeLease(ctx, changeSetId, loaded.item, caller.accountId) };
  });
  const pageIds = cs.pageRefs.map((r) => r.pageId);
  // a re-run of a keyed request that died after its batches: the pages it submitted are its own
  const earlierRun = new Map(pageIds.flatMap((pageId) => submittedBy(inputOf(context, pageId), requestToken)));
  const eligible = pageIds.filter((pageId) => !earlierRun.has(pageId) && checkEligibility(inputOf(context, pageId)).ok);
  const committed: PageLatest[] = [...earlierRun.values()];
  const answerOf = (outcomes: Outcomes) => answer(context, pageIds, earlierRun, outcomes);
  const closingOf = (result: PerPageSubmitResult, ours: StoredItem | undefined): Extra => ({
    // the request's answer commits with its record: no crash can leave one without the other
    ops: [...releaseLeaseOps(ours), ...(options.alongside?.(result) ?? [])],
    entries: [auditEntry(caller, 'changeset.submitted', cs.spaceId, { changeSetId, details: submittedDetails(cs, result) })],
  });
  const batchOptions: BatchOptions = {
    ...(requestToken ? { approvalIdOf: (pageId: string) => requestApprovalId(requestToken, pageId) } : {}),
    // with the lease as taken: if another submit took it over meanwhile, the joined transaction fails and the closing write goes alone
    closing: (outcomes) => closingOf(answerOf(outcomes), lease),
  };
  let batched: BatchOutcome;
  try {
    batched = await submitInBatches(ctx, caller, cs, item, context, eligible, (approvals) => committed.push(...approvals), batchOptions);
  } finally {
    // Whatever committed is notified, even when a later batch failed; pages a failed earlier
    // attempt left pending through this change set are notified again (the job posts at most once).
    const earlier = pageIds.flatMap((pageId) => (earlierRun.has(pageId) ? [] : pendingThrough(inputOf(context, pageId), cs.id)));
    await enqueueAfterCommit(ctx, submissionJobs([...earlier, ...committed], { sequenceAudit: committed.length > 0 }));
  }
  const result = answerOf(batched.outcomes);
  if (!batched.closed) {
    await withRetry(ctx, async () => {
      // released only if it is still ours (a second submit of the same change set may have taken it over)
      const current = await ctx.store.get(lease.key);
      const { ops, entries } = closingOf(result, current?.version === lease.version ? current : undefined);
      await commitWithAudit(ctx, ops, entries);
    });
  }
  return result;
}

/** The submit's answer: per page its approval (this run's or an earlier run's of the same request) or why it was skipped. */
function answer(context: PageContext, pageIds: string[], earlierRun: Map<string, PageLatest>, outcomes: Outcomes): PerPageSubmitResult {
  const results = pageIds.map((pageId): SubmitResult => {
    const mine = earlierRun.get(pageId);
    const outcome = mine ? { ok: true as const, approval: mine } : (outcomes.get(pageId) ?? refusalOf(inputOf(context, pageId)));
    if (outcome.ok) return { pageId, success: true, workflowId: outcome.approval.workflowId, approvalId: outcome.approval.id };
    return { pageId, success: false, code: outcome.code, reason: outcome.reason, ...(outcome.workflowId ? { workflowId: outcome.workflowId } : {}) };
  });
  const submittedCount = results.filter((r) => r.success).length;
  return { submittedCount, skippedCount: results.length - submittedCount, results };
}

/** The `changeset.submitted` record's details. */
function submittedDetails(cs: ChangeSet, { submittedCount, skippedCount }: PerPageSubmitResult) {
  return { title: cs.title, summary: cs.summary, ...(cs.referenceUrl ? { referenceUrl: cs.referenceUrl } : {}), submittedCount, skippedCount };
}

/** The page's latest approval, if this keyed request (an earlier run of it) created it. */
function submittedBy(input: EligibilityInput, requestToken: string | undefined): Array<[string, PageLatest]> {
  const latest = input.latest;
  return requestToken && latest && latest.id === requestApprovalId(requestToken, latest.pageId) ? [[latest.pageId, latest]] : [];
}

function pendingThrough(input: EligibilityInput, changeSetId: string): PageLatest[] {
  return input.latest?.status === 'pending' && input.latest.changeSetId === changeSetId ? [input.latest] : [];
}

/** Why the loaded context already refused a page. */
function refusalOf(input: EligibilityInput): SubmitRefusal {
  const result = checkEligibility(input);
  if (result.ok) throw new DomainError('INTERNAL_ERROR', 'The operation could not be completed.');
  return { ok: false, code: result.code, reason: result.reason, ...(result.workflowId ? { workflowId: result.workflowId } : {}) };
}
