/**
 * The second half of verify: every af-audit record outside the chain must be pending with its
 * marker, and every marker must have its record. Records sequenced while verify runs are accepted
 * once their link is there.
 */
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { PENDING_PREFIX, TIME_INDEX, linkKey, pendingKey, skOfPendingKey } from './keys';
import { parseEntity } from './records';
import { linkSchema, purgeDetailsSchema, type PendingRecord, type PurgeDetails } from './schema';

/** Why verification failed (stable codes, shown to admins). */
export type VerifyFailure =
  | 'RECORD_ALTERED' // invalid, wrong seq, broken link or hash, or attributes that disagree with the record
  | 'RECORD_MISSING' // a seq without its record, or a pending marker without its record
  | 'RECORD_BEYOND_HEAD' // a link the head does not cover
  | 'RECORD_UNLINKED' // a record neither in the chain nor pending
  | 'HEAD_MISMATCH'
  | 'CHECKPOINT_MISMATCH'; // not the checkpoint the latest audit.purged record committed to

/** Whether a link for this seq now names this record (it was sequenced while verify ran). */
async function linkedSince(store: KeyValueStore, seq: number, key: string): Promise<boolean> {
  const link = linkSchema.safeParse((await store.get(linkKey(seq)))?.value);
  return link.success && link.data.k === key;
}

export interface KeyProblem {
  key: string;
  reason: VerifyFailure;
}

export interface PendingWalk {
  /** Every record key seen. */
  keys: Set<string>;
  count: number;
  oldestAt?: number;
  /** The latest pending audit.purged record's details (its checkpoint may already be written). */
  latestPurge?: PurgeDetails;
  problem?: KeyProblem;
}

/** Pending records must still have their marker, or have been sequenced meanwhile. */
async function checkMarkers(store: KeyValueStore, records: Array<{ key: string; rec: PendingRecord }>, walk: PendingWalk): Promise<void> {
  for (let i = 0; i < records.length && !walk.problem; i += STORE_LIMITS.maxBatchGet) {
    const chunk = records.slice(i, i + STORE_LIMITS.maxBatchGet);
    const markers = new Set((await store.getMany(chunk.map((r) => pendingKey(r.key)))).map((m) => skOfPendingKey(m.key)));
    for (const { key, rec } of chunk) {
      if (markers.has(key)) {
        walk.count++;
        walk.oldestAt = Math.min(walk.oldestAt ?? rec.at, rec.at);
        const purge = rec.action === 'audit.purged' ? purgeDetailsSchema.safeParse(rec.details) : undefined;
        if (purge?.success && (!walk.latestPurge || purge.data.firstKeptSeq >= walk.latestPurge.firstKeptSeq)) walk.latestPurge = purge.data;
      } else if (!(await sequencedSince(store, key, 0))) {
        walk.problem = { key, reason: 'RECORD_UNLINKED' };
        return;
      }
    }
  }
}

/** Whether the record now carries a seq above `above` whose link names it. */
async function sequencedSince(store: KeyValueStore, key: string, above: number): Promise<boolean> {
  const [entity] = await store.getEntities(AUDIT_ENTITY, [key]);
  const stored = entity && parseEntity(entity);
  return !!stored && !stored.pending && stored.record.seq > above && (await linkedSince(store, stored.record.seq, key));
}

export async function walkPending(store: KeyValueStore, linked: Set<string>, snapshotHeadSeq: number): Promise<PendingWalk> {
  const walk: PendingWalk = { keys: new Set(), count: 0 };
  let cursor: string | undefined;
  do {
    const page = await store.queryEntity({ entity: AUDIT_ENTITY, index: TIME_INDEX, partition: [], order: 'asc', limit: STORE_LIMITS.maxQueryLimit, cursor });
    const pending: Array<{ key: string; rec: PendingRecord }> = [];
    for (const entity of page.items) {
      walk.keys.add(entity.key);
      if (linked.has(entity.key)) continue;
      const stored = parseEntity(entity);
      if (!stored) return { ...walk, problem: { key: entity.key, reason: 'RECORD_ALTERED' } };
      if (stored.pending) pending.push({ key: entity.key, rec: stored.record });
      else if (!(await sequencedSince(store, entity.key, snapshotHeadSeq))) return { ...walk, problem: { key: entity.key, reason: 'RECORD_UNLINKED' } };
    }
    await checkMarkers(store, pending, walk);
    if (walk.problem) return walk;
    cursor = page.nextCursor;
  } while (cursor);
  return walk;
}

/** A marker whose record does not exist (now) is a removed record. */
export async function walkMarkers(store: KeyValueStore, keys: Set<string>): Promise<KeyProblem | undefined> {
  let cursor: string | undefined;
  do {
    const page = await store.query({ prefix: PENDING_PREFIX, order: 'asc', limit: STORE_LIMITS.maxQueryLimit, cursor });
    const unknown = page.items.map((m) => skOfPendingKey(m.key)).filter((sk) => !keys.has(sk));
    for (let i = 0; i < unknown.length; i += STORE_LIMITS.maxBatchGet) {
      const chunk = unknown.slice(i, i + STORE_LIMITS.maxBatchGet);
      const found = new Set((await store.getEntities(AUDIT_ENTITY, chunk)).map((e) => e.key));
      const missing = chunk.find((sk) => !found.has(sk));
      if (missing) return { key: missing, reason: 'RECORD_MISSING' };
    }
    cursor = page.nextCursor;
  } while (cursor);
  return undefined;
}
