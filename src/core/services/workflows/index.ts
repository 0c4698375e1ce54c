/** Workflows (SPEC 2.1) and explicit page assignments (SPEC 2.2): one use case per module. */
import type { WorkflowService } from './types';
import type { EngineContext } from '../context';
import { getWorkflow, listWorkflows } from './read';
import { createWorkflow, duplicateWorkflow, importWorkflow } from './create';
import { setWorkflowEnabled, updateWorkflow } from './edit';
import { removeWorkflow } from './remove';
import { assignWorkflow } from './assign';
import { exportWorkflow } from './export-document';
import { importDocument, previewImport } from './import-document';

export { listSpaceWorkflows, loadWorkflow, workflowPuts } from './store';

export function createWorkflowService(ctx: EngineContext): WorkflowService {
  return {
    list: (caller, spaceId) => listWorkflows(ctx, caller, spaceId),
    get: (caller, workflowId) => getWorkflow(ctx, caller, workflowId),
    create: (caller, spaceId, input) => createWorkflow(ctx, caller, spaceId, input),
    update: (caller, workflowId, patch, expectedVersion) => updateWorkflow(ctx, caller, workflowId, patch, expectedVersion),
    duplicate: (caller, workflowId, name) => duplicateWorkflow(ctx, caller, workflowId, name),
    setEnabled: (caller, workflowId, enabled) => setWorkflowEnabled(ctx, caller, workflowId, enabled),
    remove: (caller, workflowId) => removeWorkflow(ctx, caller, workflowId),
    importFrom: (caller, sourceWorkflowId, targetSpaceId) => importWorkflow(ctx, caller, sourceWorkflowId, targetSpaceId),
    assign: (caller, pageId, workflowId) => assignWorkflow(ctx, caller, pageId, workflowId),
    exportDocument: (caller, workflowId, site) => exportWorkflow(ctx, caller, workflowId, site),
    previewImport: (caller, spaceId, document, principalMap) => previewImport(ctx, caller, spaceId, document, principalMap),
    importDocument: (caller, spaceId, document, principalMap) => importDocument(ctx, caller, spaceId, document, principalMap),
  };
}
