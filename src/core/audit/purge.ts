/**
 * Retention purge (SPEC 2.10): removes records older than a cut-off, in chunks, and leaves a record
 * of itself plus a checkpoint so the kept chain still verifies (docs/audit.md "Retention purge").
 */
import { DomainError } from '../domain/errors';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore, type TxOp } from '../ports/store';
import { retryOnConflict, type RetryPolicy } from '../shared/retry-on-conflict';
import { prepareAppend, type AppendDeps } from './append';
import { newestSeqBefore, readRecordBySeq } from './chain-read';
import { readChainState } from './chain-state';
import { CHECKPOINT_KEY, LINK_PREFIX, seqOfLinkKey } from './keys';
import { linkSchema, type Checkpoint, type PurgeDetails } from './schema';
import { sequencePendingAudit } from './sequencer';

/** Space id of records that concern the whole installation (same value the engine uses for global events). */
export const INSTALLATION_SPACE = 'global';

/** Only concurrent purges contend (for the checkpoint): retry like an engine step. */
export const PURGE_RETRY: RetryPolicy = { maxAttempts: 25, baseDelayMs: 2, maxDelayMs: 100 };

export interface PurgeOptions {
  /** Stop deleting after this many records (to fit one invocation); the next purge finishes. */
  maxDeletes?: number;
}

/** Commits the purge record and the checkpoint it pins, in one transaction; returns the first kept seq. */
async function commitPurgeRecord(deps: AppendDeps, before: number, actor: string): Promise<number> {
  const { store } = deps;
  return retryOnConflict(PURGE_RETRY, async () => {
    const { checkpointItem, anchor } = await readChainState(store);
    const cut = await newestSeqBefore(store, before);
    let firstKeptSeq = anchor.firstSeq;
    let anchorHash = anchor.prevHash;
    if (cut >= anchor.firstSeq) {
      firstKeptSeq = cut + 1;
      anchorHash = (await readRecordBySeq(store, cut)).hash;
    }
    const details: PurgeDetails = { before, firstKeptSeq, anchorHash, records: firstKeptSeq - anchor.firstSeq };
    const ops = prepareAppend(deps, [{ actor, action: 'audit.purged', spaceId: INSTALLATION_SPACE, source: 'ui', details }]);
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
 * transactions of whole records (record + its link). If deletion is interrupted or capped by
 * `maxDeletes`, the leftovers lie below the checkpoint, invisible to list and verify, and
 * deleteBelowCheckpoint() (or the next purge) removes them.
 */
export async function purgeBefore(deps: AppendDeps, before: number, actor: string, options: PurgeOptions = {}): Promise<{ removed: number }> {
  if (!Number.isSafeInteger(before) || before < 0) {
    throw new DomainError('INVALID_PURGE_TIME', 'The purge time must be a UTC time in milliseconds.');
  }
  // Records still pending may be older than the cut-off: link them first, so the cut sees them.
  await sequencePendingAudit(deps);
  const firstKeptSeq = await commitPurgeRecord(deps, before, actor);
  await sequencePendingAudit(deps); // the purge record joins the chain it now anchors
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
  const page = await store.query({ prefix: LINK_PREFIX, order: 'asc', limit: 1 });
  return page.items[0] === undefined ? undefined : seqOfLinkKey(page.items[0].key);
}

async function deleteBelow(store: KeyValueStore, firstKeptSeq: number, maxDeletes: number): Promise<number> {
  let removed = 0;
  while (removed < maxDeletes) {
    // Always the oldest page: what was deleted is gone, so no cursor is carried across deletions.
    const page = await store.query({ prefix: LINK_PREFIX, order: 'asc', limit: STORE_LIMITS.maxQueryLimit });
    const victims = page.items.filter((item) => (seqOfLinkKey(item.key) ?? firstKeptSeq) < firstKeptSeq).slice(0, maxDeletes - removed);
    if (victims.length === 0) break;
    let ops: TxOp[] = [];
    for (const item of victims) {
      // The record and its link go together, so a half-deleted record never exists.
      const link = linkSchema.safeParse(item.value);
      const pair: TxOp[] = [{ op: 'delete', key: item.key }, ...(link.success ? [{ op: 'delete' as const, key: link.data.k, entity: AUDIT_ENTITY }] : [])];
      if (ops.length + pair.length > STORE_LIMITS.maxTransactionOps) {
        await store.transact(ops);
        ops = [];
      }
      ops.push(...pair);
    }
    if (ops.length > 0) await store.transact(ops);
    removed += victims.length;
  }
  return removed;
}
