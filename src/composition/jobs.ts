/**
 * The job consumer's handler table, shared by both composition roots (Forge and local): the
 * engine's handlers plus `audit.sequence`, which links audit records committed unsequenced into
 * the hash chain (the audit trail's group commit, docs/audit.md "Sequencing").
 */
import type { JobHandlers } from '../core/ports/jobs';
import type { EngineDeps, EngineLogger } from '../core/services';
import { createJobHandlers } from '../core/services/jobs';
import { sequenceAlone } from '../core/audit';

/** Sequencing from the queue runs one at a time (a lease): a burst of commits never races on the chain head. */
export function queueJobHandlers(deps: EngineDeps, log?: EngineLogger): JobHandlers {
  return createJobHandlers(deps, { 'audit.sequence': async () => void (await sequenceAlone({ store: deps.store, clock: deps.clock })) }, log);
}
