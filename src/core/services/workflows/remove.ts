/** Deleting a workflow: space admins only, refused while approvals under it are pending. */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { withRetry } from '../retry';
import { approvalIndex, keys } from '../keys';
import { loadVisibleWorkflow, requireSpaceAdmin } from './guards';
import { defineOperation } from '../operation';

export const removeWorkflow = defineOperation({
  rights: 'A space admin (FORBIDDEN 403, audited); refused while it has pending approvals.',
  async execute(ctx: EngineContext, caller: Caller, workflowId: string): Promise<void> {
    const access = new SpaceAccess(ctx, caller.accountId);
    await withRetry(ctx, async () => {
      const loaded = await loadVisibleWorkflow(ctx, caller, access, workflowId, 'workflow.delete');
      const wf = loaded.workflow;
      await requireSpaceAdmin(ctx, caller, access, wf.spaceId, 'workflow.delete', wf.id);
      const pending = await ctx.store.queryEntity({ ...approvalIndex.pendingOfWorkflow(workflowId), limit: 1 });
      if (pending.items.length > 0) {
        throw new DomainError('WORKFLOW_HAS_PENDING', 'The workflow has pending approvals; it cannot be deleted until they finish.');
      }
      await commitWithAudit(
        ctx,
        [
          { op: 'delete', key: keys.workflow(wf.id), condition: { kind: 'version', version: loaded.item.version } },
          { op: 'delete', key: keys.workflowBySpace(wf.spaceId, wf.id) },
        ],
        [auditEntry(caller, 'workflow.deleted', wf.spaceId, { workflowId: wf.id, details: { name: wf.name } })],
      );
    });
  },
});
