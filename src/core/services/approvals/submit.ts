/** Page preflight and submit (SPEC 2.6): the shared submission path for one page. */
import { enqueueAfterCommit } from '../commit';
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { PageApproval, PreflightResult } from '../../domain/model';
import type { EngineContext } from '../context';
import { denial } from '../denials';
import { INSTALLATION_SPACE } from '../../audit';
import { loadPageContext } from '../page-context';
import { submissionJobs } from '../notifications';
import { preflightPages } from '../preflight';
import { eligibilityError, inputOf, stateIn, submitOne, type Alongside } from '../submission';
import { defineOperation } from '../operation';
import { shardSeed } from '../../domain/page-shard';

const choice = (workflowId?: string) => (workflowId !== undefined ? { chosenWorkflowId: workflowId } : {});

export const preflightPage = defineOperation({
  rights: 'An editor of the page. A page the caller cannot see answers PAGE_NOT_FOUND (404), like a missing one; other blocks are a result with canSubmit false and the eligibility code.',
  async execute(ctx: EngineContext, caller: Caller, pageId: string, workflowId?: string): Promise<PreflightResult> {
    const context = await loadPageContext(ctx, caller, [pageId], choice(workflowId));
    const [result] = await preflightPages(ctx, context, [pageId]);
    if (!result) throw new Error('preflightPages answers once per page');
    // One page asked for by id: a page the caller cannot see is missing, exactly as on submit and status (and audited alike).
    if (result.code === 'PAGE_NOT_FOUND') {
      const error = new DomainError('PAGE_NOT_FOUND', result.reason ?? 'Page not found');
      throw await denial(ctx, caller, error, context.pages.get(pageId)?.spaceId ?? INSTALLATION_SPACE, { operation: 'approval.preflight', pageId });
    }
    return result;
  },
});

/** Refusals are 4xx with the eligibility code; access refusals (no edit right, an invisible page) are audited, state conflicts are not. */
export const submitPage = defineOperation({
  rights: 'An editor of the page. Refused with the eligibility code (409; NO_EDIT_PERMISSION 403; PAGE_NOT_FOUND 404 for a page the caller cannot see); access refusals are audited.',
  /**
   * `alongside`: ops the caller needs committed atomically with the submission (an idempotent
   * request's recorded answer and claim), built from the approval being committed; asked again
   * for each attempt after a conflict.
   */
  async execute(ctx: EngineContext, caller: Caller, pageId: string, workflowId?: string, options: { alongside?: Alongside } = {}): Promise<PageApproval> {
    // the pending-count shard this submit writes is read with the space's workflows (issue 23: no read of its
    // own); the page's own shard: concurrent submits of different pages spread (one page's conflict on its state anyway)
    const shard = shardSeed(pageId);
    const context = await loadPageContext(ctx, caller, [pageId], { ...choice(workflowId), pendingShard: shard, forSubmit: true });
    const input = inputOf(context, pageId);
    const outcome = await submitOne(ctx, caller, input, stateIn(context, pageId), options.alongside, { shard, shards: context.pendingShards });
    if (!outcome.ok) {
      const error = eligibilityError(outcome);
      // A page the caller cannot see reads as missing (pages are read as them): filed under the installation.
      if (error.status === 403 || error.status === 404) {
        throw await denial(ctx, caller, error, input.page?.spaceId ?? INSTALLATION_SPACE, { operation: 'approval.submit', pageId });
      }
      throw error;
    }
    await enqueueAfterCommit(ctx, submissionJobs([outcome.approval], { sequenceAudit: true }));
    return outcome.approval;
  },
});
