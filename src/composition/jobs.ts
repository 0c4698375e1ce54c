/**
 * The job consumer's handler table, shared by both composition roots (Forge and local): the
 * engine's handlers plus `audit.sequence`, which links audit records committed unsequenced into
 * the hash chain (the audit trail's group commit, docs/audit.md "Sequencing").
 */
import type { JobHandlers } from '../core/ports/jobs';
import type { EngineDeps, EngineLogger } from '../core/services';
import { createJobHandlers } from '../core/services/jobs';
import { sequencePendingAudit } from '../core/audit';

export function queueJobHandlers(deps: EngineDeps, log?: EngineLogger): JobHandlers {
  return createJobHandlers(deps, { 'audit.sequence': async () => void (await sequencePendingAudit({ store: deps.store, clock: deps.clock })) }, log);
}
