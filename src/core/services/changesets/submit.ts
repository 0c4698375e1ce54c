/**
 * Change-set preflight (readers of the space) and submit (its creator or a space admin; each page
 * still needs the caller's edit right): the shared submission path, page by page, partial success.
 */
import type { Caller } from '../../domain/caller';
import { checkEligibility } from '../../domain/eligibility';
import type { ChangeSet, PageApproval, PreflightResult, SubmitResult } from '../../domain/model';
import type { StoredItem } from '../../ports/store';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { withRetry } from '../retry';
import type { PageContext } from '../page-context';
import { loadPageContext } from '../page-context';
import { notifySubmissions } from '../notifications';
import { inputOf, preflightPages, submitOne } from '../submission';
import { loadReadableChangeSet, requireManage } from './guards';
import { changeSetArchived } from './store';

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

export async function preflightChangeSet(
  ctx: EngineContext,
  caller: Caller,
  changeSetId: string,
): Promise<{ summary: { total: number; submittable: number; blocked: number }; results: PreflightResult[] }> {
  const { cs, context } = await loadForSubmission(ctx, caller, changeSetId, 'changeset.preflight');
  const results = await preflightPages(ctx, context, cs.pageRefs.map((r) => r.pageId));
  const submittable = results.filter((r) => r.canSubmit).length;
  return { summary: { total: results.length, submittable, blocked: results.length - submittable }, results };
}

export async function submitChangeSet(
  ctx: EngineContext,
  caller: Caller,
  changeSetId: string,
): Promise<{ submittedCount: number; skippedCount: number; results: SubmitResult[] }> {
  const { item, cs, context } = await loadForSubmission(ctx, caller, changeSetId, 'changeset.submit');
  const { results, submitted } = await submitPagesInOrder(ctx, caller, cs, item, context);
  const submittedCount = submitted.length;
  const skippedCount = results.length - submittedCount;
  await withRetry(ctx, () => {
    const details = { title: cs.title, summary: cs.summary, ...(cs.referenceUrl ? { referenceUrl: cs.referenceUrl } : {}), submittedCount, skippedCount };
    return commitWithAudit(ctx, [], [auditEntry(caller, 'changeset.submitted', cs.spaceId, { changeSetId, details })]);
  });
  await notifySubmissions(ctx, submitted);
  return { submittedCount, skippedCount, results };
}

/**
 * Sequential on purpose: every page transaction touches the change set and the audit head, so each
 * commit hands both versions to the next one instead of re-reading them.
 */
async function submitPagesInOrder(ctx: EngineContext, caller: Caller, cs: ChangeSet, item: StoredItem, context: PageContext) {
  const results: SubmitResult[] = [];
  const submitted: { approval: PageApproval; changeSet: ChangeSet }[] = [];
  let csItem: StoredItem = item;
  const failure = (pageId: string, r: { code: string; reason: string; workflowId?: string }): SubmitResult => ({
    pageId,
    success: false,
    code: r.code,
    reason: r.reason,
    ...(r.workflowId ? { workflowId: r.workflowId } : {}),
  });
  for (const { pageId } of cs.pageRefs) {
    const input = inputOf(context, pageId);
    const prior = checkEligibility(input);
    if (!prior.ok) {
      results.push(failure(pageId, prior));
      continue;
    }
    const state = { stateItem: context.pageStateItems.get(pageId), assignmentItem: context.assignmentItems.get(pageId), changeSetItem: csItem };
    const outcome = await submitOne(ctx, caller, input, state);
    if (!outcome.ok) {
      results.push(failure(pageId, outcome));
      continue;
    }
    results.push({ pageId, success: true, workflowId: outcome.approval.workflowId, approvalId: outcome.approval.id });
    submitted.push({ approval: outcome.approval, changeSet: outcome.changeSet ?? cs });
    csItem = outcome.changeSetItem ?? csItem;
  }
  return { results, submitted };
}
