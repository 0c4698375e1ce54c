/**
 * Retention purge (SPEC 2.10): removes records older than a cut-off, in chunks, and leaves a record
 * of itself plus a checkpoint so the kept chain still verifies (docs/audit.md "Retention purge").
 */
import { DomainError } from '../domain/errors';
import { STORE_LIMITS, type KeyValueStore, type TxOp } from '../ports/store';
import { retryOnConflict, type RetryPolicy } from '../shared/retry-on-conflict';
import { prepareAppend, type AppendDeps } from './append';
import { corrupt, readChainState } from './chain-state';
import { indexKeysOf } from './entries';
import { CHECKPOINT_KEY, RECORD_PREFIX, seqOfKey } from './keys';
import { QUERY_PAGE, firstSeqAtOrAfter, readRecords } from './scan';
import { auditRecordSchema, type Checkpoint, type PurgeDetails } from './schema';

/** Space id of records that concern the whole installation (same value the engine uses for global events). */
export const INSTALLATION_SPACE = 'global';

/** The purge record contends with every audited write for the head: retry like an engine step. */
export const PURGE_RETRY: RetryPolicy = { maxAttempts: 25, baseDelayMs: 2, maxDelayMs: 100 };

export interface PurgeOptions {
  /** Stop deleting after this many records (to fit one invocation); the next purge finishes. */
  maxDeletes?: number;
}

/** Commits the purge record and the checkpoint it pins, in one transaction; returns the first kept seq. */
async function commitPurgeRecord(deps: AppendDeps, before: number, actor: string): Promise<number> {
  const { store } = deps;
  return retryOnConflict(PURGE_RETRY, async () => {
    const { head, checkpointItem, anchor } = await readChainState(store);
    const lastSeq = head?.seq ?? 0;
    const cut = lastSeq >= anchor.firstSeq ? (await firstSeqAtOrAfter(store, before, anchor.firstSeq, lastSeq, 'low')) - 1 : 0;
    let firstKeptSeq = anchor.firstSeq;
    let anchorHash = anchor.prevHash;
    if (cut >= anchor.firstSeq) {
      const last = (await readRecords(store, [cut])).get(cut);
      if (!last) throw corrupt(`record ${cut}`);
      firstKeptSeq = cut + 1;
      anchorHash = last.hash;
    }
    const details: PurgeDetails = { before, firstKeptSeq, anchorHash, records: firstKeptSeq - anchor.firstSeq };
    const ops = await prepareAppend(deps, [{ actor, action: 'audit.purged', spaceId: INSTALLATION_SPACE, source: 'ui', details }]);
    ops.push({
      op: 'put',
      key: CHECKPOINT_KEY,
      value: { firstSeq: firstKeptSeq, prevHash: anchorHash } satisfies Checkpoint,
      condition: checkpointItem ? { kind: 'version', version: checkpointItem.version } : { kind: 'absent' },
    });
    await store.transact(ops);
    return firstKeptSeq;
  });
}

/**
 * Removes records with `at < before` and appends an `audit.purged` record; verify() still passes
 * afterwards. The purge record and the new checkpoint are committed first; deletion follows in
 * transactions of whole records (record + its index entries). If deletion is interrupted or capped by
 * `maxDeletes`, the leftovers lie below the checkpoint, invisible to list and verify, and
 * deleteBelowCheckpoint() (or the next purge) removes them.
 */
export async function purgeBefore(deps: AppendDeps, before: number, actor: string, options: PurgeOptions = {}): Promise<{ removed: number }> {
  if (!Number.isSafeInteger(before) || before < 0) {
    throw new DomainError('invalid', 'INVALID_PURGE_TIME', 'The purge time must be a UTC time in milliseconds.');
  }
  const firstKeptSeq = await commitPurgeRecord(deps, before, actor);
  return { removed: await deleteBelow(deps.store, firstKeptSeq, options.maxDeletes ?? Number.POSITIVE_INFINITY) };
}

/** Finishes an interrupted purge: deletes up to maxDeletes records left below the checkpoint; `done` when none remain. */
export async function deleteBelowCheckpoint(store: KeyValueStore, maxDeletes: number): Promise<{ removed: number; done: boolean }> {
  const { anchor } = await readChainState(store);
  const removed = await deleteBelow(store, anchor.firstSeq, maxDeletes);
  const oldest = await oldestRecordSeq(store);
  return { removed, done: oldest === undefined || oldest >= anchor.firstSeq };
}

async function oldestRecordSeq(store: KeyValueStore): Promise<number | undefined> {
  const page = await store.query({ prefix: RECORD_PREFIX, order: 'asc', limit: 1 });
  return page.items[0] === undefined ? undefined : seqOfKey(page.items[0].key);
}

async function deleteBelow(store: KeyValueStore, firstKeptSeq: number, maxDeletes: number): Promise<number> {
  let removed = 0;
  while (removed < maxDeletes) {
    // Always the oldest page: what was deleted is gone, so no cursor is carried across deletions.
    const page = await store.query({ prefix: RECORD_PREFIX, order: 'asc', limit: QUERY_PAGE });
    const victims = page.items.filter((item) => (seqOfKey(item.key) ?? firstKeptSeq) < firstKeptSeq).slice(0, maxDeletes - removed);
    if (victims.length === 0) break;
    let ops: TxOp[] = [];
    for (const item of victims) {
      const parsed = auditRecordSchema.safeParse(item.value);
      const keys = [item.key, ...(parsed.success ? indexKeysOf(parsed.data) : [])];
      if (ops.length + keys.length > STORE_LIMITS.maxTransactionOps) {
        await store.transact(ops);
        ops = [];
      }
      ops.push(...keys.map((key): TxOp => ({ op: 'delete', key })));
    }
    if (ops.length > 0) await store.transact(ops);
    removed += victims.length;
  }
  return removed;
}
