/** `workflow.export {workflowId}` (SPEC 2.1b): anyone who may read the workflow may export it as a document. */
import type { Caller } from '../../domain/caller';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { GROUP_PREFIX } from '../../domain/approvers';
import { loadVisibleWorkflow } from './guards';
import { definitionOf } from './definition';
import { mapApprovers, toDocument, type WorkflowDocument } from './document';
import { defineOperation } from '../operation';

export const exportWorkflow = defineOperation({
  rights: 'Readers of the workflow (viewers of its space); others get WORKFLOW_NOT_FOUND (404), like a missing one.',
  async execute(ctx: EngineContext, caller: Caller, workflowId: string, site: { cloudId?: string } = {}): Promise<WorkflowDocument> {
    const { workflow } = await loadVisibleWorkflow(ctx, caller, new SpaceAccess(ctx, caller.accountId), workflowId, 'workflow.export');
    const definition = definitionOf(workflow);
    const ids = new Set<string>();
    mapApprovers(definition.steps, (id) => (ids.add(id), id));
    const [space, users] = await Promise.all([ctx.confluence.getSpace(workflow.spaceId), ctx.confluence.getUsers([...ids].filter((id) => !id.startsWith(GROUP_PREFIX)))]);
    const names = new Map([...users].map(([id, u]) => [id, u.displayName] as const));
    return toDocument(definition, { ...(site.cloudId ? { cloudId: site.cloudId } : {}), spaceKey: space?.key ?? workflow.spaceId }, ctx.clock.now(), names);
  },
});
