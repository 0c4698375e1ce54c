/**
 * The daily signed checkpoint (manifest `scheduledTrigger` audit-checkpoint, interval day; SPEC 5a):
 * links pending audit records, then signs `{seq, headHash, at}` of the chain head with the
 * installation key, as the app. Nothing new since the last checkpoint: nothing is signed.
 */
import type { SignedCheckpoint } from '../../core/evidence/checkpoint';
import { LICENSE_INACTIVE_MESSAGE, licenceInactive } from '../licence';

export function createAuditCheckpointTrigger(run: () => Promise<SignedCheckpoint | undefined>, log: (message: string) => void = console.warn) {
  return async (_event: unknown, context?: unknown): Promise<{ ok: boolean; code?: string; seq?: number }> => {
    if (licenceInactive(context)) {
      log(`[approvalflow] audit checkpoint skipped: ${LICENSE_INACTIVE_MESSAGE}`);
      return { ok: false, code: 'LICENSE_INACTIVE' };
    }
    const checkpoint = await run();
    return { ok: true, ...(checkpoint ? { seq: checkpoint.seq } : {}) };
  };
}
