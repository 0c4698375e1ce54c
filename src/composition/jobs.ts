/**
 * The job consumer's handler table, shared by both composition roots (Forge and local): the
 * engine's handlers plus `audit.sequence`, which links audit records committed unsequenced into
 * the hash chain (the audit trail's group commit, docs/audit.md "Sequencing"), and the diagnostics
 * record an API invocation left riding on its follow-up job (transport/diagnostics/job-ride.ts).
 */
import type { JobHandlers } from '../core/ports/jobs';
import type { EngineDeps, EngineLogger } from '../core/services';
import { createJobHandlers } from '../core/services/jobs';
import { sequenceAlone } from '../core/audit';
import type { DiagnosticsLog } from '../transport/diagnostics/diagnostics-log';

/** Sequencing from the queue runs one at a time (a lease): a burst of commits never races on the chain head. */
export function queueJobHandlers(deps: EngineDeps, diagnostics: DiagnosticsLog, log?: EngineLogger): JobHandlers {
  const handlers = createJobHandlers(deps, { 'audit.sequence': async () => void (await sequenceAlone({ store: deps.store, clock: deps.clock })) }, log);
  return {
    ...handlers,
    // an API invocation's diagnostics record rode on this job (issue 23); written once the follow-up succeeded, never failing it
    'submission.followUp': async (job) => {
      await handlers['submission.followUp'](job);
      if (job.diagnostics) await diagnostics.recordRidden(job.diagnostics).catch(() => undefined);
    },
  };
}
