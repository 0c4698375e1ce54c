/** Engine composition: createEngine (what transports call) and seedWorkflows (local runtime start-up). */
import type { Workflow } from '../domain/model';
import { parseStored, workflowSchema } from '../domain/schemas';
import { bindOperations, type Engine } from './engine';
import type { EngineDeps, EngineLogger } from './context';
import { createContext } from './context';
import type { EngineContext } from './context';
import { inlineJobQueue } from './jobs';
import { commitWithAudit } from './commit';
import { withRetry } from './retry';
import { keys } from './keys';
import { workflowPuts } from './workflows/store';

export type { EngineDeps, EngineLogger } from './context';
export type { Engine } from './engine';

/** The engine's context; without a configured queue, jobs run inline right after their commit. */
function engineContext(deps: EngineDeps, log?: EngineLogger): EngineContext {
  const ctx = createContext(deps, log);
  if (!deps.jobs) ctx.jobs = inlineJobQueue(ctx);
  return ctx;
}

export function createEngine(deps: EngineDeps, options: { log?: EngineLogger } = {}): Engine {
  return bindOperations(engineContext(deps, options.log));
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
