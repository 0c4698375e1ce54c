/** Reading workflows: anyone who can view the space; nobody else learns a workflow or a space exists. */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { Workflow } from '../../domain/model';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { denial } from '../denials';
import { loadVisibleWorkflow } from './guards';
import { listSpaceWorkflows } from './store';

export async function listWorkflows(ctx: EngineContext, caller: Caller, spaceId: string): Promise<Workflow[]> {
  if (!(await new SpaceAccess(ctx, caller.accountId).canView(spaceId))) {
    // a space the caller cannot view answers exactly as one that does not exist
    throw await denial(ctx, caller, new DomainError('not_found', 'SPACE_NOT_FOUND', 'Space not found.'), spaceId, { operation: 'workflow.list' });
  }
  const workflows = await listSpaceWorkflows(ctx, spaceId);
  return workflows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export async function getWorkflow(ctx: EngineContext, caller: Caller, workflowId: string): Promise<Workflow> {
  return (await loadVisibleWorkflow(ctx, caller, new SpaceAccess(ctx, caller.accountId), workflowId, 'workflow.get')).workflow;
}
