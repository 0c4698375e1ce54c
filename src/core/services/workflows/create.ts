/** New workflows: create, duplicate (same space) and import (from a space the caller can view). All space admins only. */
import type { Caller } from '../../domain/caller';
import type { Workflow } from '../../domain/model';
import { checkWorkflowReachable } from '../../domain/quorum-reachability';
import { validateStalenessTerms } from '../../domain/staleness-terms';
import { validateReviewTerms } from '../../domain/review';
import { FIELD_LIMITS } from '../../domain/limits';
import type { SavedWorkflow, WorkflowInput } from './types';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { withRetry } from '../retry';
import { loadVisibleWorkflow, requireSpaceAdmin } from './guards';
import { checkParticipants } from './participants';
import { definitionOf, type WorkflowDefinition } from './definition';
import type { WorkflowFields } from './store';
import { normaliseInput, roomForWorkflow, workflowPuts } from './store';
import { defineOperation } from '../operation';

export async function createNew(
  ctx: EngineContext,
  caller: Caller,
  spaceId: string,
  fields: WorkflowFields & Partial<WorkflowDefinition>,
  action: 'workflow.created' | 'workflow.imported',
  details: Record<string, unknown>,
): Promise<SavedWorkflow> {
  const now = ctx.clock.now();
  const owners = fields.owners.length > 0 ? fields.owners : [caller.accountId];
  checkWorkflowReachable(fields);
  validateStalenessTerms(fields);
  validateReviewTerms(fields);
  const warnings = await checkParticipants(ctx, spaceId, { steps: fields.steps, owners });
  const workflow: Workflow = {
    id: ctx.ids.next('wf'),
    spaceId,
    ...fields,
    owners,
    createdAt: now,
    createdBy: caller.accountId,
    updatedAt: now,
    updatedBy: caller.accountId,
    version: 1,
  };
  // the limit is checked on the space's count key inside the retried step, and moves with the workflow
  await withRetry(ctx, async () =>
    commitWithAudit(ctx, [...workflowPuts(workflow), await roomForWorkflow(ctx, spaceId, workflow.id)], [
      auditEntry(caller, action, spaceId, { workflowId: workflow.id, details: { name: workflow.name, ...details } }),
    ]),
  );
  return warnings.length > 0 ? { ...workflow, warnings } : workflow;
}

export const createWorkflow = defineOperation({
  rights: 'A space admin (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string, input: WorkflowInput): Promise<SavedWorkflow> {
    await requireSpaceAdmin(ctx, caller, new SpaceAccess(ctx, caller.accountId), spaceId, 'workflow.create');
    return createNew(ctx, caller, spaceId, normaliseInput(input), 'workflow.created', {});
  },
});

/** A copy in the same space, disabled and owned by the caller: enabling it is a separate admin decision. */
export const duplicateWorkflow = defineOperation({
  rights: 'A space admin of its space (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller, workflowId: string, name?: string): Promise<SavedWorkflow> {
    const access = new SpaceAccess(ctx, caller.accountId);
    const { workflow: source } = await loadVisibleWorkflow(ctx, caller, access, workflowId, 'workflow.duplicate');
    await requireSpaceAdmin(ctx, caller, access, source.spaceId, 'workflow.duplicate', source.id);
    const copyName = (name?.trim() || `${source.name} (copy)`).slice(0, FIELD_LIMITS.workflowName.max);
    return createNew(
      ctx,
      caller,
      source.spaceId,
      { ...definitionOf(source), name: copyName, owners: [caller.accountId], enabled: false },
      'workflow.created',
      { duplicatedFrom: source.id },
    );
  },
});

/** Admin of the target space first (so a non-admin learns nothing about the source), then view of the source's space. */
export const importWorkflow = defineOperation({
  rights: 'A space admin of the target space who can view the source workflow.',
  async execute(ctx: EngineContext, caller: Caller, sourceWorkflowId: string, targetSpaceId: string): Promise<SavedWorkflow> {
    const access = new SpaceAccess(ctx, caller.accountId);
    await requireSpaceAdmin(ctx, caller, access, targetSpaceId, 'workflow.import');
    const { workflow: source } = await loadVisibleWorkflow(ctx, caller, access, sourceWorkflowId, 'workflow.import');
    // Imported disabled: silently adding an enabled workflow could change which workflow pages resolve to.
    return createNew(
      ctx,
      caller,
      targetSpaceId,
      { ...definitionOf(source), owners: [caller.accountId], enabled: false },
      'workflow.imported',
      { sourceWorkflowId: source.id, sourceSpaceId: source.spaceId },
    );
  },
});
