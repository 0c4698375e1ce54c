/**
 * The audit sweep (manifest `scheduledTrigger` audit-sequencer, interval fiveMinute): links records
 * that no other invocation sequenced yet into the hash chain (docs/audit.md "Sequencing"), acting
 * as the app. Bounded per run; a run that loses the head to another invocation simply stops.
 */
import type { SequenceResult } from '../../core/audit';
import { LICENSE_INACTIVE_MESSAGE, licenceInactive } from '../licence';

export type AuditSequencer = () => Promise<SequenceResult>;

export function createAuditSequencerTrigger(run: AuditSequencer, log: (message: string) => void = console.warn) {
  return async (_event: unknown, context?: unknown): Promise<{ ok: boolean; code?: string; result?: SequenceResult }> => {
    if (licenceInactive(context)) {
      log(`[approvalflow] audit sequencing skipped: ${LICENSE_INACTIVE_MESSAGE}`);
      return { ok: false, code: 'LICENSE_INACTIVE' };
    }
    return { ok: true, result: await run() };
  };
}
