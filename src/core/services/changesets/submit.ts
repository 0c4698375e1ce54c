/**
 * Change-set preflight (readers of the space) and submit (its creator or a space admin; each page
 * still needs the caller's edit right): the shared submission path in batches (batches.ts),
 * partial success; the comments follow through the job queue.
 */
import type { Caller } from '../../domain/caller';
import { checkEligibility } from '../../domain/eligibility';
import type { EligibilityInput } from '../../domain/eligibility';
import { DomainError } from '../../domain/errors';
import type { ChangeSet, PageApproval, PreflightResult, SubmitResult } from '../../domain/model';
import type { StoredItem } from '../../ports/store';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { withRetry } from '../retry';
import type { PageContext } from '../page-context';
import { loadPageContext } from '../page-context';
import { submissionJobs } from '../notifications';
import { enqueueAfterCommit } from '../jobs';
import { preflightPages } from '../preflight';
import type { SubmitRefusal } from '../submission';
import { inputOf } from '../submission';
import { submitInBatches } from './batches';
import { loadReadableChangeSet, requireManage } from './guards';
import { changeSetArchived } from './store';
import { releaseLeaseOps, takeLease } from './submit-lease';
import { defineOperation } from '../operation';

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
  const context = await loadPageContext(ctx, caller, cs.pageRefs.map((r) => r.pageId), { expectedSpaceId: cs.spaceId });
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
    const results = await preflightPages(ctx, context, cs.pageRefs.map((r) => r.pageId));
    const submittable = results.filter((r) => r.canSubmit).length;
    return { summary: { total: results.length, submittable, blocked: results.length - submittable }, results };
  },
});

export const submitChangeSet = defineOperation({
  rights: 'Anyone who can view its space; each page is checked as a page submit by the caller (ineligible pages are skipped with their code).',
  async execute(
    ctx: EngineContext,
    caller: Caller,
    changeSetId: string,
  ): Promise<{ submittedCount: number; skippedCount: number; results: SubmitResult[] }> {
    // A concurrent update or archive fails the lease's `check` of the change set: load afresh and retry.
    const { item, cs, context, lease } = await withRetry(ctx, async () => {
      const loaded = await loadForSubmission(ctx, caller, changeSetId, 'changeset.submit');
      return { ...loaded, lease: await takeLease(ctx, changeSetId, loaded.item, caller.accountId) };
    });
    const pageIds = cs.pageRefs.map((r) => r.pageId);
    const eligible = pageIds.filter((pageId) => checkEligibility(inputOf(context, pageId)).ok);
    const committed: PageApproval[] = [];
    let outcomes;
    try {
      ({ outcomes } = await submitInBatches(ctx, caller, cs, item, context, eligible, (approvals) => committed.push(...approvals)));
    } finally {
      // Whatever committed is notified, even when a later batch failed; pages a failed earlier
      // attempt left pending through this change set are notified again (the job posts at most once).
      const earlier = pageIds.flatMap((pageId) => pendingThrough(inputOf(context, pageId), cs.id));
      await enqueueAfterCommit(ctx, [...submissionJobs([...earlier, ...committed]), ...(committed.length > 0 ? [{ kind: 'audit.sequence' } as const] : [])]);
    }
    const results = pageIds.map((pageId): SubmitResult => {
      const outcome = outcomes.get(pageId) ?? refusalOf(inputOf(context, pageId));
      if (outcome.ok) return { pageId, success: true, workflowId: outcome.approval.workflowId, approvalId: outcome.approval.id };
      return { pageId, success: false, code: outcome.code, reason: outcome.reason, ...(outcome.workflowId ? { workflowId: outcome.workflowId } : {}) };
    });
    const submittedCount = committed.length;
    const skippedCount = results.length - submittedCount;
    const details = { title: cs.title, summary: cs.summary, ...(cs.referenceUrl ? { referenceUrl: cs.referenceUrl } : {}), submittedCount, skippedCount };
    await withRetry(ctx, async () => {
      // released only if it is still ours (a second submit of the same change set may have taken it over)
      const current = await ctx.store.get(lease.key);
      const release = releaseLeaseOps(current?.version === lease.version ? current : undefined);
      await commitWithAudit(ctx, release, [auditEntry(caller, 'changeset.submitted', cs.spaceId, { changeSetId, details })]);
    });
    return { submittedCount, skippedCount, results };
  },
});

function pendingThrough(input: EligibilityInput, changeSetId: string): PageApproval[] {
  return input.latest?.status === 'pending' && input.latest.changeSetId === changeSetId ? [input.latest] : [];
}

/** Why the loaded context already refused a page. */
function refusalOf(input: EligibilityInput): SubmitRefusal {
  const result = checkEligibility(input);
  if (result.ok) throw new DomainError('INTERNAL_ERROR', 'The operation could not be completed.');
  return { ok: false, code: result.code, reason: result.reason, ...(result.workflowId ? { workflowId: result.workflowId } : {}) };
}
