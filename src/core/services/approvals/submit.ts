/** Page preflight and submit (SPEC 2.6): the shared submission path for one page. */
import type { Caller } from '../../domain/caller';
import type { PageApproval, PreflightResult } from '../../domain/model';
import type { TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { denial } from '../denials';
import { INSTALLATION_SPACE } from '../../audit';
import { loadPageContext } from '../page-context';
import { submissionJobs } from '../notifications';
import { enqueueAfterCommit } from '../jobs';
import { preflightPages } from '../preflight';
import { eligibilityError, inputOf, stateOf, submitOne } from '../submission';

const choice = (workflowId?: string) => (workflowId !== undefined ? { chosenWorkflowId: workflowId } : {});

export async function preflightPage(ctx: EngineContext, caller: Caller, pageId: string, workflowId?: string): Promise<PreflightResult> {
  const context = await loadPageContext(ctx, caller, [pageId], choice(workflowId));
  const [result] = await preflightPages(ctx, context, [pageId]);
  if (!result) throw new Error('preflightPages answers once per page');
  return result;
}

/** Refusals are 4xx with the eligibility code; access refusals (no edit right, an invisible page) are audited, state conflicts are not. */
export async function submitPage(ctx: EngineContext, caller: Caller, pageId: string, workflowId?: string, alongside?: (approval: PageApproval) => TxOp[]): Promise<PageApproval> {
  const context = await loadPageContext(ctx, caller, [pageId], choice(workflowId));
  const input = inputOf(context, pageId);
  const outcome = await submitOne(ctx, caller, input, stateOf(context.pageStateItems.get(pageId), context.assignmentItems.get(pageId), context.memberItems.get(pageId), context.sets), alongside);
  if (!outcome.ok) {
    const error = eligibilityError(outcome);
    // A page the caller cannot see reads as missing (pages are read as them): filed under the installation.
    if (error.kind === 'forbidden' || error.kind === 'not_found') {
      throw await denial(ctx, caller, error, input.page?.spaceId ?? INSTALLATION_SPACE, { operation: 'approval.submit', pageId });
    }
    throw error;
  }
  await enqueueAfterCommit(ctx, [...submissionJobs([outcome.approval]), { kind: 'audit.sequence' }]);
  return outcome.approval;
}
