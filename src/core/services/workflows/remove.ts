/** Deleting a workflow: space admins only, refused while approvals under it are pending. */
import type { Caller } from '../../domain/caller';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { withRetry } from '../retry';
import { keys } from '../keys';
import { nothingPendingOps } from '../approvals/pending-count';
import { loadVisibleWorkflow, requireSpaceAdmin } from './guards';
import { workflowCountChange } from './store';
import { defineOperation } from '../operation';

export const removeWorkflow = defineOperation({
  rights: 'A space admin (FORBIDDEN 403, audited); refused while it has pending approvals.',
  async execute(ctx: EngineContext, caller: Caller, workflowId: string): Promise<void> {
    const access = new SpaceAccess(ctx, caller.accountId);
    await withRetry(ctx, async () => {
      const loaded = await loadVisibleWorkflow(ctx, caller, access, workflowId, 'workflow.delete');
      const wf = loaded.workflow;
      await requireSpaceAdmin(ctx, caller, access, wf.spaceId, 'workflow.delete', wf.id);
      // on the strongly consistent count key: the pending index may not show a submit made a moment ago
      const nothingPending = await nothingPendingOps(ctx, wf);
      await commitWithAudit(
        ctx,
        [
          { op: 'delete', key: keys.workflow(wf.id), condition: { kind: 'version', version: loaded.item.version } },
          { op: 'delete', key: keys.workflowBySpace(wf.spaceId, wf.id) },
          (await workflowCountChange(ctx, wf.spaceId, -1, wf.id)).op,
          ...nothingPending,
        ],
        [auditEntry(caller, 'workflow.deleted', wf.spaceId, { workflowId: wf.id, details: { name: wf.name } })],
      );
    });
  },
});
