/** Reading workflows: anyone who can view the space; nobody else learns a workflow or a space exists. */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { Workflow } from '../../domain/model';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { denial } from '../denials';
import { loadVisibleWorkflow } from './guards';
import { listSpaceWorkflows } from './store';
import { defineOperation } from '../operation';

export const listWorkflows = defineOperation({
  rights: 'Anyone who can view the space (else SPACE_NOT_FOUND, audited).',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string): Promise<Workflow[]> {
    if (!(await new SpaceAccess(ctx, caller.accountId).canView(spaceId))) {
      // a space the caller cannot view answers exactly as one that does not exist
      throw await denial(ctx, caller, new DomainError('SPACE_NOT_FOUND', 'Space not found.'), spaceId, { operation: 'workflow.list' });
    }
    const workflows = await listSpaceWorkflows(ctx, spaceId);
    return workflows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  },
});

export const getWorkflow = defineOperation({
  rights: 'Anyone who can view its space (else WORKFLOW_NOT_FOUND, audited).',
  async execute(ctx: EngineContext, caller: Caller, workflowId: string): Promise<Workflow> {
    return (await loadVisibleWorkflow(ctx, caller, new SpaceAccess(ctx, caller.accountId), workflowId, 'workflow.get')).workflow;
  },
});
