/**
 * Explicit page → workflow assignment (SPEC 2.2): set, changed or cleared by space admins only. An
 * assignment binds: submit and preflight refuse any other workflow (domain/eligibility.ts). Each
 * change bumps the space's assignment epoch in the same transaction: a submission planned on the
 * old assignment checks that epoch and fails (submission.ts epochCheck), then re-reads.
 */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import { assignmentSchema, parseStored } from '../../domain/schemas';
import type { StoredItem, TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { withRetry } from '../retry';
import { keys } from '../keys';
import { getManyByKey } from '../store-reads';
import { PageCache } from '../page-cache';
import { requireSpaceAdmin } from './guards';
import { loadWorkflow, workflowNotFound } from './store';
import { defineOperation } from '../operation';

export const assignWorkflow = defineOperation({
  rights: 'A space admin of the page (FORBIDDEN 403, audited); a page the caller cannot see answers PAGE_NOT_FOUND.',
  async execute(ctx: EngineContext, caller: Caller, pageId: string, workflowId: string | null): Promise<void> {
    const page = await new PageCache(ctx, caller.accountId).visiblePage(caller, pageId, 'assignment.change');
    const access = new SpaceAccess(ctx, caller.accountId);
    await requireSpaceAdmin(ctx, caller, access, page.spaceId, 'assignment.change', workflowId ?? undefined);
    await withRetry(ctx, async () => {
      const [target, stored] = await Promise.all([
        workflowId === null ? Promise.resolve(undefined) : loadWorkflow(ctx, workflowId),
        getManyByKey(ctx.store, [keys.assignment(pageId), keys.assignmentEpoch(page.spaceId)]),
      ]);
      const currentItem = stored.get(keys.assignment(pageId));
      if (workflowId !== null && (!target || !(await access.canView(target.workflow.spaceId)))) throw workflowNotFound();
      if (target && target.workflow.spaceId !== page.spaceId) {
        throw new DomainError('WRONG_SPACE', "The workflow is not in the page's space.");
      }
      const current = currentItem ? parseStored(assignmentSchema, currentItem.key, currentItem.value) : undefined;
      if ((current?.workflowId ?? null) === workflowId) return;
      const condition = currentItem ? ({ kind: 'version', version: currentItem.version } as const) : ({ kind: 'absent' } as const);
      const op: TxOp =
        workflowId === null
          ? { op: 'delete', key: keys.assignment(pageId), condition }
          : { op: 'put', key: keys.assignment(pageId), value: { pageId, spaceId: page.spaceId, workflowId }, condition };
      await commitWithAudit(ctx, [op, epochBump(ctx, page.spaceId, stored.get(keys.assignmentEpoch(page.spaceId)))], [
        auditEntry(caller, 'assignment.changed', page.spaceId, {
          pageId,
          ...(workflowId ? { workflowId } : {}),
          details: { from: current?.workflowId ?? null, to: workflowId },
        }),
      ]);
    });
  },
});

/** The space's assignment epoch, one version on (a concurrent change in the space conflicts and retries). */
function epochBump(ctx: EngineContext, spaceId: string, item: StoredItem | undefined): TxOp {
  const condition = item ? ({ kind: 'version', version: item.version } as const) : ({ kind: 'absent' } as const);
  return { op: 'put', key: keys.assignmentEpoch(spaceId), value: { changedAt: ctx.clock.now() }, condition };
}
