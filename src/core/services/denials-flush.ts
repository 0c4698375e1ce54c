/**
 * Writes the refusals a flood left counted but unrecorded (denials.ts): a caller refused more than
 * DENIALS_RECORDED_PER_MINUTE times a minute who then stops would otherwise never have the count
 * recorded. Run by the daily job: each caller marked pending whose counting window has ended gets
 * one `access.denied` record carrying `suppressedDenials`, in the same transaction that clears the
 * count. Cheap when nothing is pending: one prefix query.
 */
import { parseStored } from '../domain/schemas';
import { StoreError, STORE_LIMITS, type TxOp } from '../ports/store';
import type { EngineContext } from './context';
import { auditEntry, commitWithAudit } from './commit';
import { DENIAL_WINDOW_MS, denialStateSchema, statePut } from './denials';
import { keys } from './keys';

/** Callers one run flushes at most (the rest wait for the next run). */
export const DENIAL_FLUSH_PER_RUN = STORE_LIMITS.maxQueryLimit;

export async function flushDenialCounts(ctx: EngineContext): Promise<{ flushed: number }> {
  const page = await ctx.store.query({ prefix: keys.denialPendingPrefix, limit: DENIAL_FLUSH_PER_RUN });
  const now = ctx.clock.now();
  let flushed = 0;
  for (const marker of page.items) {
    const stateKey = keys.denialState(marker.key.slice(keys.denialPendingPrefix.length));
    const item = await ctx.store.get(stateKey);
    const state = item ? parseStored(denialStateSchema, item.key, item.value) : undefined;
    const clear: TxOp = { op: 'delete', key: marker.key };
    if (!item || !state || state.suppressed === 0 || !state.lastRefused) {
      await ctx.store.transact([clear]);
      continue;
    }
    // a window still running may grow: its count is flushed by a later run (or carried by the next record)
    if (state.windowStart + DENIAL_WINDOW_MS > now) continue;
    const { lastRefused, suppressed, suppressedSince } = state;
    const caller = { accountId: lastRefused.accountId, source: lastRefused.source, ...(lastRefused.clientId ? { clientId: lastRefused.clientId } : {}) };
    const entry = auditEntry(caller, 'access.denied', lastRefused.spaceId, {
      details: { operation: 'denials.flush', suppressedDenials: suppressed, suppressedSince: suppressedSince ?? state.windowStart },
    });
    const reset = { windowStart: state.windowStart, recorded: state.recorded, suppressed: 0 };
    try {
      await commitWithAudit(ctx, [statePut(stateKey, reset, item), clear], [entry]);
      flushed += 1;
    } catch (err) {
      // the caller was refused again meanwhile: their next record or the next run carries the count
      if (!(err instanceof StoreError && err.code === 'CONDITION_FAILED')) throw err;
    }
  }
  return { flushed };
}
