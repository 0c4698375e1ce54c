/** Page approvals (SPEC 2.3, 2.4, 2.6): one use case per module. */
import type { ApprovalService } from '../engine';
import type { EngineContext } from '../context';
import { preflightPage, submitPage } from './submit';
import { decide } from './decide';
import { cancel, reset } from './cancel';
import { history, pageStatus, queue } from './read';

export function createApprovalService(ctx: EngineContext): ApprovalService {
  return {
    preflightPage: (caller, pageId, workflowId) => preflightPage(ctx, caller, pageId, workflowId),
    submitPage: (caller, pageId, workflowId, options) => submitPage(ctx, caller, pageId, workflowId, options?.alongside),
    decide: (caller, approvalId, decision, comment, signing) => decide(ctx, caller, approvalId, decision, comment, signing),
    cancel: (caller, approvalId) => cancel(ctx, caller, approvalId),
    reset: (caller, pageId) => reset(ctx, caller, pageId),
    pageStatus: (caller, pageId) => pageStatus(ctx, caller, pageId),
    history: (caller, pageId) => history(ctx, caller, pageId),
    queue: (caller, spaceId, options) => queue(ctx, caller, spaceId, options),
  };
}
