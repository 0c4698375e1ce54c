/**
 * Explicit page → workflow assignment (SPEC 2.2): set, changed or cleared by space admins only. An
 * assignment binds: submit and preflight refuse any other workflow (domain/eligibility.ts). Each
 * change moves the space's submit epoch on in the same transaction: a submission planned on the
 * old assignment checks that epoch and fails, then re-reads (submit-epoch.ts).
 */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import { assignmentSchema, parseStored } from '../../domain/schemas';
import type { TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { withRetry } from '../retry';
import { keys } from '../keys';
import { getManyByKey } from '../store-reads';
import { epochBump } from '../submit-epoch';
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
        getManyByKey(ctx.store, [keys.assignment(pageId), keys.submitEpoch(page.spaceId)]),
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
      await commitWithAudit(ctx, [op, epochBump(ctx, page.spaceId, stored.get(keys.submitEpoch(page.spaceId)))], [
        auditEntry(caller, 'assignment.changed', page.spaceId, {
          pageId,
          ...(workflowId ? { workflowId } : {}),
          details: { from: current?.workflowId ?? null, to: workflowId },
        }),
      ]);
    });
  },
});
