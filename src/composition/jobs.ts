/**
 * The job consumer's handler table, shared by both composition roots (Forge and local): the
 * engine's handlers plus `audit.sequence`, whose implementation lives with the audit trail.
 */
import type { KeyValueStore } from '../core/ports/store';
import type { Clock } from '../core/ports/clock';
import type { JobHandlers } from '../core/ports/jobs';
import type { EngineDeps, EngineLogger } from '../core/services';
import { createJobHandlers } from '../core/services/jobs';

/** Integrates audit records committed unsequenced into the chain (the audit trail's group commit). */
export type SequencePendingAudit = (deps: { store: KeyValueStore; clock: Clock }) => Promise<unknown>;

/**
 * MERGE POINT: the audit trail on this branch sequences every record in its own transaction, so
 * there is nothing to integrate yet. When the group-commit audit lands, pass its
 * `sequencePendingAudit` (src/core/audit) wherever this placeholder is passed.
 */
export const SEQUENCE_PENDING_AUDIT_NOT_CONNECTED: SequencePendingAudit = () => Promise.resolve();

export function queueJobHandlers(deps: EngineDeps, sequencePendingAudit: SequencePendingAudit, log?: EngineLogger): JobHandlers {
  return createJobHandlers(deps, { 'audit.sequence': async () => void (await sequencePendingAudit({ store: deps.store, clock: deps.clock })) }, log);
}
