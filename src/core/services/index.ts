/** Engine composition: createEngine (what transports call) and seedWorkflows (local runtime start-up). */
import { UNAVAILABLE_LIFECYCLE, createLifecycleService } from '../lifecycle';
import type { Workflow } from '../domain/model';
import { parseStored, workflowSchema } from '../domain/schemas';
import type { Engine } from './engine';
import type { EngineDeps, EngineLogger } from './context';
import { createContext } from './context';
import type { EngineContext } from './context';
import { inlineJobQueue } from './jobs';
import { commitWithAudit } from './commit';
import { withRetry } from './retry';
import { createWorkflowService, workflowPuts } from './workflows';
import { createApprovalService } from './approvals';
import { createChangeSetService } from './changesets';
import { createAuditService } from './audit-service';
import { createPeopleService } from './people';
import { createCapabilityService } from './capabilities';
import { createDirectoryService } from './directory-search';
import { keys } from './keys';
import { listEvents } from './events/list';
import { listRoutingRules } from './routing/list';
import { saveRoutingRules } from './routing/save';
import { explainRouting } from './routing/explain';

export type { EngineDeps, EngineLogger } from './context';
export type { Engine } from './engine';

/** The engine's context; without a configured queue, jobs run inline right after their commit. */
function engineContext(deps: EngineDeps, log?: EngineLogger): EngineContext {
  const ctx = createContext(deps, log);
  if (!deps.jobs) ctx.jobs = inlineJobQueue(ctx);
  return ctx;
}

export function createEngine(deps: EngineDeps, options: { log?: EngineLogger } = {}): Engine {
  const ctx = engineContext(deps, options.log);
  const workflows = createWorkflowService(ctx);
  const approvals = createApprovalService(ctx);
  const changeSets = createChangeSetService(ctx);
  return {
    workflows,
    approvals,
    changeSets,
    audit: createAuditService(ctx),
    people: createPeopleService(ctx),
    capabilities: createCapabilityService(ctx, approvals, workflows, changeSets),
    directory: createDirectoryService(ctx, deps.directory),
    lifecycle: createLifecycleService(ctx, deps.lifecycle ?? UNAVAILABLE_LIFECYCLE),
    events: { list: (caller, query) => listEvents(ctx, caller, query) },
    routing: {
      list: (caller, spaceId) => listRoutingRules(ctx, caller, spaceId),
      save: (caller, spaceId, rules, expectedVersion) => saveRoutingRules(ctx, caller, spaceId, rules, expectedVersion),
      explain: (caller, pageId) => explainRouting(ctx, caller, pageId),
    },
  };
}

/**
 * Create-if-absent of fixed-id workflows (idempotent): an existing workflow is left untouched; a
 * created one gets a `workflow.created` record by actor 'system' in the same transaction.
 */
export async function seedWorkflows(deps: EngineDeps, workflows: Workflow[]): Promise<void> {
  const ctx = engineContext(deps);
  for (const input of workflows) {
    const workflow = parseStored(workflowSchema, keys.workflow(input.id), input);
    await withRetry(ctx, async () => {
      if (await deps.store.get(keys.workflow(workflow.id))) return;
      await commitWithAudit(ctx, workflowPuts(workflow), [
        { actor: 'system', action: 'workflow.created', spaceId: workflow.spaceId, workflowId: workflow.id, source: 'ui', details: { name: workflow.name, seeded: true } },
      ]);
    });
  }
}
