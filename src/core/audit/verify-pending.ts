/**
 * The record passes of verify (verify.ts), one page per step: every af-audit record outside the
 * snapshot's chain must be pending with its marker (or have been linked since, or lie below the
 * checkpoint with its link), and every marker must have its record. Records inside the chain are
 * counted, not looked up: the chain pass proved each of its seqs names a record holding that seq, so
 * more records claiming those seqs than the chain holds means one is not linked, and only then a
 * second walk reads links to name it.
 */
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type EntityPage, type KeyValueStore } from '../ports/store';
import { PENDING_PREFIX, TIME_INDEX, linkKey, pendingKey, skOfPendingKey } from './keys';
import { parseEntity } from './records';
import { linkSchema, purgeDetailsSchema, type PendingRecord } from './schema';
import { stopAt, type KeyProblem, type VerifyProgress } from './verify-progress';

/** Whether a seq belongs to the chain the chain pass verified. */
function inSnapshot(p: VerifyProgress, seq: number): boolean {
  return p.head !== undefined && seq >= p.anchor.firstSeq && seq <= p.head.seq;
}

/** Whether the link for this seq names this record. */
async function linkedSince(store: KeyValueStore, seq: number, key: string): Promise<boolean> {
  const link = linkSchema.safeParse((await store.get(linkKey(seq)))?.value);
  return link.success && link.data.k === key;
}

/** A purge deleted the record (with its link) after the index listed it. */
async function purgedSince(store: KeyValueStore, key: string): Promise<boolean> {
  return (await store.getEntities(AUDIT_ENTITY, [key])).length === 0;
}

/** The seq of the record if it is now chained and its link names it (it was sequenced while verify ran). */
async function sequencedSeq(store: KeyValueStore, key: string): Promise<number | undefined> {
  const [entity] = await store.getEntities(AUDIT_ENTITY, [key]);
  const stored = entity && parseEntity(entity);
  return stored && !stored.pending && (await linkedSince(store, stored.record.seq, key)) ? stored.record.seq : undefined;
}

/** The next page of records in key order (a range on the key, so the position survives between invocations). */
function recordPage(store: KeyValueStore, afterKey: string | undefined): Promise<EntityPage> {
  return store.queryEntity({
    entity: AUDIT_ENTITY,
    index: TIME_INDEX,
    partition: [],
    order: 'asc',
    limit: STORE_LIMITS.maxQueryLimit,
    ...(afterKey !== undefined ? { range: { op: 'gt' as const, value: afterKey } } : {}),
  });
}

/** Pending records must still have their marker, or have been sequenced meanwhile. */
async function checkMarkers(store: KeyValueStore, records: Array<{ key: string; rec: PendingRecord }>, p: VerifyProgress): Promise<KeyProblem | undefined> {
  for (let i = 0; i < records.length; i += STORE_LIMITS.maxBatchGet) {
    const chunk = records.slice(i, i + STORE_LIMITS.maxBatchGet);
    const markers = new Set((await store.getMany(chunk.map((r) => pendingKey(r.key)))).map((m) => skOfPendingKey(m.key)));
    for (const { key, rec } of chunk) {
      if (markers.has(key)) {
        p.pending.count++;
        p.pending.oldestAt = Math.min(p.pending.oldestAt ?? rec.at, rec.at);
        const purge = rec.action === 'audit.purged' ? purgeDetailsSchema.safeParse(rec.details) : undefined;
        if (purge?.success && (!p.pending.latestPurge || purge.data.firstKeptSeq >= p.pending.latestPurge.firstKeptSeq)) p.pending.latestPurge = purge.data;
        continue;
      }
      // the index showed it before the sequencer linked it (its marker is gone with that)
      const seq = await sequencedSeq(store, key);
      if (seq === undefined) return { key, reason: 'RECORD_UNLINKED' };
      if (inSnapshot(p, seq)) p.claimed++;
    }
  }
  return undefined;
}

/** Moves the record walk on after a page; at the end, to `next`. */
function turnPage(p: VerifyProgress, page: EntityPage, next: VerifyProgress['phase']): void {
  const last = page.items.at(-1)?.key;
  if (last !== undefined) p.afterKey = last;
  if (page.nextCursor && last !== undefined) return;
  delete p.afterKey;
  p.phase = next;
}

export async function recordsStep(store: KeyValueStore, p: VerifyProgress): Promise<void> {
  const page = await recordPage(store, p.afterKey);
  const pending: Array<{ key: string; rec: PendingRecord }> = [];
  for (const entity of page.items) {
    p.seen++;
    const stored = parseEntity(entity);
    if (!stored) return stopAt(p, { key: entity.key, reason: 'RECORD_ALTERED' });
    if (stored.pending) pending.push({ key: entity.key, rec: stored.record });
    else if (inSnapshot(p, stored.record.seq)) p.claimed++;
    // linked after the snapshot, or left below the checkpoint by an interrupted purge: its link must name it
    else if (!(await linkedSince(store, stored.record.seq, entity.key)) && !(await purgedSince(store, entity.key))) return stopAt(p, { key: entity.key, reason: 'RECORD_UNLINKED' });
  }
  const problem = await checkMarkers(store, pending, p);
  if (problem) return stopAt(p, problem);
  turnPage(p, page, p.claimed > p.checked ? 'identify' : 'markers');
}

/** Only after a count mismatch: the record that claims a seq of the chain whose link names another. */
export async function identifyStep(store: KeyValueStore, p: VerifyProgress): Promise<void> {
  const page = await recordPage(store, p.afterKey);
  const claims = page.items.flatMap((entity) => {
    const stored = parseEntity(entity);
    return stored && !stored.pending && inSnapshot(p, stored.record.seq) ? [{ key: entity.key, seq: stored.record.seq }] : [];
  });
  for (let i = 0; i < claims.length; i += STORE_LIMITS.maxBatchGet) {
    const chunk = claims.slice(i, i + STORE_LIMITS.maxBatchGet);
    const links = new Map((await store.getMany(chunk.map((c) => linkKey(c.seq)))).map((item) => [item.key, linkSchema.safeParse(item.value)]));
    const stray = chunk.find((c) => {
      const link = links.get(linkKey(c.seq));
      return !link?.success || link.data.k !== c.key;
    });
    if (stray) return stopAt(p, { key: stray.key, reason: 'RECORD_UNLINKED' });
  }
  turnPage(p, page, 'markers');
}

/** A marker whose record does not exist is a removed record. */
export async function markersStep(store: KeyValueStore, p: VerifyProgress): Promise<void> {
  const page = await store.query({ prefix: PENDING_PREFIX, limit: STORE_LIMITS.maxQueryLimit, ...(p.markerCursor ? { cursor: p.markerCursor } : {}) });
  const sks = page.items.map((m) => skOfPendingKey(m.key));
  for (let i = 0; i < sks.length; i += STORE_LIMITS.maxBatchGet) {
    const chunk = sks.slice(i, i + STORE_LIMITS.maxBatchGet);
    const found = new Set((await store.getEntities(AUDIT_ENTITY, chunk)).map((e) => e.key));
    const missing = chunk.find((sk) => !found.has(sk));
    if (missing) return stopAt(p, { key: missing, reason: 'RECORD_MISSING' });
  }
  if (page.nextCursor) p.markerCursor = page.nextCursor;
  else {
    delete p.markerCursor;
    p.phase = 'end';
  }
}
