/**
 * Retention purge (SPEC 2.10): removes records older than a cut-off, in chunks, and leaves a record
 * of itself plus a checkpoint so the kept chain still verifies (docs/audit.md "Retention purge").
 */
import { DomainError } from '../domain/errors';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore, type TxOp } from '../ports/store';
import { retryOnConflict, type RetryPolicy } from '../shared/retry-on-conflict';
import { prepareAppend, type AppendDeps } from './append';
import { newestSeqBefore, parseLinkItem, readRecordBySeq } from './chain-read';
import { readChainState } from './chain-state';
import { CHECKPOINT_KEY, LINK_PREFIX } from './keys';
import type { Checkpoint, PurgeDetails } from './schema';
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
 * afterwards. The purge record and the new checkpoint are committed first; deletion follows, each
 * link item with its records in one transaction. If deletion is interrupted or capped by
 * `maxDeletes`, the leftovers lie below the checkpoint, invisible to list and verify, and
 * deleteBelowCheckpoint() (or the next purge) removes them; `done` is false while any are left.
 */
export async function purgeBefore(deps: AppendDeps, before: number, actor: string, options: PurgeOptions = {}): Promise<{ removed: number; done: boolean }> {
  if (!Number.isSafeInteger(before) || before < 0) {
    throw new DomainError('INVALID_PURGE_TIME', 'The purge time must be a UTC time in milliseconds.');
  }
  // Records still pending may be older than the cut-off: link them first, so the cut sees them.
  await sequencePendingAudit(deps);
  const firstKeptSeq = await commitPurgeRecord(deps, before, actor);
  await sequencePendingAudit(deps); // the purge record joins the chain it now anchors
  return deleteBelow(deps.store, firstKeptSeq, options.maxDeletes ?? Number.POSITIVE_INFINITY);
}

/** Finishes an interrupted purge: deletes up to maxDeletes records left below the checkpoint; `done` when none remain. */
export async function deleteBelowCheckpoint(store: KeyValueStore, maxDeletes: number): Promise<{ removed: number; done: boolean }> {
  const { anchor } = await readChainState(store);
  return deleteBelow(store, anchor.firstSeq, maxDeletes);
}

/** Records of one link item to delete, and whether the item goes too (only when all its seqs are below the checkpoint). */
interface Deletion {
  key: string;
  sks: string[];
  whole: boolean;
}

async function existing(store: KeyValueStore, sks: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (let i = 0; i < sks.length; i += STORE_LIMITS.maxBatchGet) {
    for (const e of await store.getEntities(AUDIT_ENTITY, sks.slice(i, i + STORE_LIMITS.maxBatchGet))) found.add(e.key);
  }
  return sks.filter((sk) => found.has(sk));
}

/**
 * What to delete among the oldest link items (a page), within `budget` records; `finished` when the
 * scan reached the kept chain. Only the oldest item can have lost records already (a capped run
 * stopped inside it, or it straddles the checkpoint and keeps its kept seqs' links), so only its
 * records are read first. A damaged item ends the scan as kept data does (what it covers is unknown);
 * a key that is no link is passed over.
 */
async function scan(store: KeyValueStore, firstKeptSeq: number, budget: number): Promise<{ deletions: Deletion[]; finished: boolean }> {
  const page = await store.query({ prefix: LINK_PREFIX, order: 'asc', limit: STORE_LIMITS.maxQueryLimit });
  const deletions: Deletion[] = [];
  let left = budget;
  const links = page.items.flatMap((item) => parseLinkItem(item) ?? []);
  for (const [n, link] of links.entries()) {
    if (!link.sks || link.first >= firstKeptSeq) return { deletions, finished: true };
    const below = link.sks.slice(0, firstKeptSeq - link.first);
    const sks = n === 0 ? await existing(store, below) : below;
    const whole = below.length === link.sks.length;
    if (sks.length > left) {
      if (left > 0) deletions.push({ key: link.key, sks: sks.slice(0, left), whole: false });
      return { deletions, finished: false };
    }
    deletions.push({ key: link.key, sks, whole });
    left -= sks.length;
    if (!whole) return { deletions, finished: true };
  }
  return { deletions, finished: page.nextCursor === undefined };
}

/** Deletes in transactions of whole link items: an item and its records go together. */
async function commitDeletions(store: KeyValueStore, deletions: Deletion[]): Promise<void> {
  let ops: TxOp[] = [];
  for (const { key, sks, whole } of deletions) {
    const own: TxOp[] = [...sks.map((sk) => ({ op: 'delete' as const, key: sk, entity: AUDIT_ENTITY })), ...(whole ? [{ op: 'delete' as const, key }] : [])];
    if (ops.length + own.length > STORE_LIMITS.maxTransactionOps) {
      await store.transact(ops);
      ops = [];
    }
    ops.push(...own);
  }
  if (ops.length > 0) await store.transact(ops);
}

/** Deletes up to maxDeletes records with a seq below firstKeptSeq, oldest first; `done` when none is left. */
async function deleteBelow(store: KeyValueStore, firstKeptSeq: number, maxDeletes: number): Promise<{ removed: number; done: boolean }> {
  let removed = 0;
  for (;;) {
    // Always the oldest page: what was deleted is gone, so no cursor is carried across deletions.
    const { deletions, finished } = await scan(store, firstKeptSeq, maxDeletes - removed);
    await commitDeletions(store, deletions);
    removed += deletions.reduce((n, d) => n + d.sks.length, 0);
    if (finished) return { removed, done: true };
    // budget spent: no extra scan (a probe with maxDeletes = 0 still does its one)
    if (deletions.length === 0 || removed >= maxDeletes) return { removed, done: false };
  }
}
