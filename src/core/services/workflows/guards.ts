/**
 * Who may touch a workflow (SPEC 2.1). Reading needs view of the workflow's space; anyone else gets
 * the answer a missing workflow gets (404) and an access.denied record. Governance (create,
 * duplicate, import, enable/disable, delete, assignment) is for space admins; editing the definition
 * also for the workflow's owners.
 */
import type { Caller } from '../../domain/caller';
import type { EngineContext } from '../context';
import type { SpaceAccess } from '../access';
import { denial, requireVisible } from '../denials';
import type { LoadedWorkflow } from './store';
import { loadWorkflow, spaceAdminsOnly, workflowNotFound } from './store';

/** The workflow if it exists and the caller can view its space; otherwise a 404 (audited when it exists). */
export async function loadVisibleWorkflow(ctx: EngineContext, caller: Caller, access: SpaceAccess, workflowId: string, operation: string): Promise<LoadedWorkflow> {
  const record = await loadWorkflow(ctx, workflowId);
  return requireVisible(ctx, caller, access, { record, spaceIdOf: (l) => l.workflow.spaceId, notFound: workflowNotFound }, { operation, workflowId });
}

export async function requireSpaceAdmin(ctx: EngineContext, caller: Caller, access: SpaceAccess, spaceId: string, operation: string, workflowId?: string): Promise<void> {
  if (await access.isAdmin(spaceId)) return;
  throw await denial(ctx, caller, spaceAdminsOnly(), spaceId, { operation, ...(workflowId ? { workflowId } : {}) });
}
