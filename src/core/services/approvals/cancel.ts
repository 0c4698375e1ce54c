/** Ending a pending approval early: cancel (the submitter or a space admin) and reset (space admin, SPEC 2.9). */
import { onCancelled } from '../../records/lifecycle-schedule';
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { PageApproval } from '../../domain/model';
import type { TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit, enqueueAfterCommit } from '../commit';
import { denial } from '../denials';
import { withRetry } from '../retry';
import { keys } from '../keys';
import { PageCache } from '../page-cache';
import { parsePageState } from '../page-context';
import { decisionBody } from '../notifications';
import { queuedComment } from '../comments';
import type { Job } from '../../ports/jobs';
import { approvalUpdateOps, loadForUpdate, loadVisibleApproval, notPending, cancelledWithStateOps } from './records';
import { defineOperation } from '../operation';

export const cancel = defineOperation({
  rights: 'Anyone who can view the page (else APPROVAL_NOT_FOUND, audited, as for a missing approval); the submitter or a space admin (FORBIDDEN 403, audited); a pending approval only.',
  async execute(ctx: EngineContext, caller: Caller, approvalId: string): Promise<PageApproval> {
    let reply: Job | undefined;
    const access = new SpaceAccess(ctx, caller.accountId);
    // "missing" and "not yours" alike, before the submitter check tells the approval exists
    await loadVisibleApproval(ctx, caller, approvalId, 'approval.cancel');
    const result = await withRetry(ctx, async () => {
      const loaded = await loadForUpdate(ctx, approvalId);
      const approval = loaded.approval;
      if (approval.submittedBy !== caller.accountId && !(await access.isAdmin(approval.spaceId))) {
        throw await denial(ctx, caller, new DomainError('FORBIDDEN', 'Only the submitter or a space admin can cancel an approval.'), approval.spaceId, {
          operation: 'approval.cancel',
          pageId: approval.pageId,
          approvalId,
        });
      }
      if (approval.status !== 'pending') throw notPending();
      const next: PageApproval = { ...approval, status: 'cancelled', decidedAt: ctx.clock.now(), version: approval.version + 1 };
      const queued = queuedComment(next, 'cancelled', decisionBody(next, 'the approval request was cancelled', undefined, []), loaded.commentId, ctx.clock.now());
      await commitWithAudit(
        ctx,
        [
          ...(await approvalUpdateOps(ctx, loaded, next)),
          ...onCancelled(next),
          queued.op,
        ],
        [
          auditEntry(caller, 'approval.cancelled', next.spaceId, {
            pageId: next.pageId,
            pageVersion: next.pageVersion,
            workflowId: next.workflowId,
            approvalId,
            ...(next.changeSetId ? { changeSetId: next.changeSetId } : {}),
          }),
        ],
      );
      reply = queued.job;
      return next;
    });
    if (reply) await enqueueAfterCommit(ctx, [reply]);
    return result;
  },
});

/** An invisible page answers exactly like a missing one (404); a visible one needs a space admin (403). */
export const reset = defineOperation({
  rights: 'A space admin of the page (FORBIDDEN 403, audited); a page the caller cannot see answers PAGE_NOT_FOUND.',
  async execute(ctx: EngineContext, caller: Caller, pageId: string): Promise<void> {
    const page = await new PageCache(ctx, caller.accountId).visiblePage(caller, pageId, 'approval.reset');
    if (!(await new SpaceAccess(ctx, caller.accountId).isAdmin(page.spaceId))) {
      throw await denial(ctx, caller, new DomainError('FORBIDDEN', 'Only a space admin can reset a page.'), page.spaceId, { operation: 'approval.reset', pageId });
    }
    await withRetry(ctx, async () => {
      const stateItem = await ctx.store.get(keys.pageState(pageId));
      const latest = parsePageState(stateItem);
      if (!stateItem || !latest) return;
      const ops: TxOp[] = [{ op: 'delete', key: stateItem.key, condition: { kind: 'version', version: stateItem.version } }];
      if (latest.status === 'pending') {
        ops.push(...(await cancelledWithStateOps(ctx, latest)));
      }
      await commitWithAudit(ctx, ops, [
        auditEntry(caller, 'approval.reset', page.spaceId, {
          pageId,
          pageVersion: latest.pageVersion,
          workflowId: latest.workflowId,
          approvalId: latest.id,
          details: { previousStatus: latest.status },
        }),
      ]);
    });
  },
});

