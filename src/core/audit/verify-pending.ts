/**
 * The record passes of verify. The single pass (verify-scan.ts) shares the walk in key order and the
 * pending records' check; the rest runs only to name a problem the single pass met (docs/audit.md
 * "Verify"): every af-audit record outside the snapshot's chain must be pending with its marker (or
 * have been linked since, or lie below the checkpoint with its link), and every marker must have its
 * record. Records inside the chain are counted, not looked up: the chain pass proved each of its
 * seqs names a record holding that seq, so more records claiming those seqs than the chain holds
 * means one is not linked, and only then a second walk reads links to name it.
 */
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type EntityPage, type KeyValueStore } from '../ports/store';
import { linksOf } from './chain-read';
import { HEAD_KEY, PENDING_PREFIX, TIME_INDEX, pendingKey, skOfPendingKey, timeDigits } from './keys';
import { sksOfMarker } from './markers';
import { parseEntity } from './records';
import { purgeDetailsSchema, type PendingRecord } from './schema';
import type { AuditRecord } from '../domain/model';
import { MAX_CARRIED_KEYS, stopAt, type KeyProblem, type VerifyProgress } from './verify-progress';

/** A chained record as read, with its key. */
export interface ChainedRead {
  key: string;
  record: AuditRecord;
}

/** Whether a seq belongs to the chain of the snapshot. */
export function inSnapshot(p: VerifyProgress, seq: number): boolean {
  return p.head !== undefined && seq >= p.anchor.firstSeq && seq <= p.head.seq;
}

/** Whether the link for this seq names this record. */
async function linkedSince(store: KeyValueStore, seq: number, key: string): Promise<boolean> {
  return (await linksOf(store, [seq])).get(seq) === key;
}

/** A purge deleted the record (with its link) after the index listed it. */
async function purgedSince(store: KeyValueStore, key: string): Promise<boolean> {
  return (await store.getEntities(AUDIT_ENTITY, [key])).length === 0;
}

/** A chained record outside the snapshot's chain (linked after it, or left below the checkpoint by an interrupted purge) must be named by its link. */
export async function accountedOutside(store: KeyValueStore, seq: number, key: string): Promise<boolean> {
  return (await linkedSince(store, seq, key)) || (await purgedSince(store, key));
}

/** The record read again by key if it is now chained and its link names it (it was sequenced while verify ran). */
async function sequencedRecord(store: KeyValueStore, key: string): Promise<AuditRecord | undefined> {
  const [entity] = await store.getEntities(AUDIT_ENTITY, [key]);
  const stored = entity && parseEntity(entity);
  return stored && !stored.pending && (await linkedSince(store, stored.record.seq, key)) ? stored.record : undefined;
}

/** The next page of records in key order (a range on the key, so the position survives between invocations). */
export function recordPage(store: KeyValueStore, afterKey: string | undefined, limit: number = STORE_LIMITS.maxQueryLimit): Promise<EntityPage> {
  return store.queryEntity({
    entity: AUDIT_ENTITY,
    index: TIME_INDEX,
    partition: [],
    order: 'asc',
    limit,
    ...(afterKey !== undefined ? { range: { op: 'gt' as const, value: afterKey } } : {}),
  });
}

/** The records these markers name (a damaged marker names none). */
function namedBy(markers: Array<{ key: string; value: unknown }>): string[] {
  return markers.flatMap((m) => sksOfMarker(m.key, m.value) ?? []);
}

/**
 * The pending records of a page that a marker names. An append's marker is keyed by its first
 * record (an older marker by its own), which comes first in key order: so the markers keyed by the
 * page's pending records, plus the names a previous page's markers carried over, cover them. A
 * record still unnamed is looked for once more among the markers of its millisecond (its first
 * record may not show in the index yet), before it counts as unmarked.
 */
async function markedRecords(store: KeyValueStore, records: Array<{ key: string; rec: PendingRecord }>, p: VerifyProgress): Promise<Set<string>> {
  const named = new Set(p.marked ?? []);
  for (let i = 0; i < records.length; i += STORE_LIMITS.maxBatchGet) {
    for (const sk of namedBy(await store.getMany(records.slice(i, i + STORE_LIMITS.maxBatchGet).map((r) => pendingKey(r.key))))) named.add(sk);
  }
  for (const at of new Set(records.filter((r) => !named.has(r.key)).map((r) => r.rec.at))) {
    for (const sk of namedBy((await store.query({ prefix: `${PENDING_PREFIX}${timeDigits(at)}-`, limit: STORE_LIMITS.maxQueryLimit })).items)) named.add(sk);
  }
  return named;
}

/**
 * Pending records must still have their marker, or have been sequenced meanwhile: those now in the
 * snapshot's chain (the index showed them before their rewrite) go to `chained`, as read by key.
 */
export async function checkMarkers(store: KeyValueStore, records: Array<{ key: string; rec: PendingRecord }>, lastKey: string | undefined, p: VerifyProgress, chained: ChainedRead[]): Promise<KeyProblem | undefined> {
  const named = await markedRecords(store, records, p);
  const ahead = [...named].filter((sk) => lastKey !== undefined && sk > lastKey).sort().slice(0, MAX_CARRIED_KEYS);
  if (ahead.length > 0) p.marked = ahead;
  else delete p.marked;
  for (const { key, rec } of records) {
    if (named.has(key)) {
      p.pending.count++;
      p.pending.oldestAt = Math.min(p.pending.oldestAt ?? rec.at, rec.at);
      const purge = rec.action === 'audit.purged' ? purgeDetailsSchema.safeParse(rec.details) : undefined;
      if (purge?.success && (!p.pending.latestPurge || purge.data.firstKeptSeq >= p.pending.latestPurge.firstKeptSeq)) p.pending.latestPurge = purge.data;
      continue;
    }
    // the index showed it before the sequencer linked it (its marker is gone with that)
    const record = await sequencedRecord(store, key);
    if (!record) return { key, reason: 'RECORD_UNLINKED' };
    if (inSnapshot(p, record.seq)) chained.push({ key, record });
  }
  return undefined;
}

/** Moves the record walk on after a page; at the end, to `next`. */
export function turnPage(p: VerifyProgress, page: EntityPage, next: VerifyProgress['phase']): void {
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
    else if (!(await accountedOutside(store, stored.record.seq, entity.key))) return stopAt(p, { key: entity.key, reason: 'RECORD_UNLINKED' });
  }
  const sequenced: ChainedRead[] = [];
  const problem = await checkMarkers(store, pending, page.items.at(-1)?.key, p, sequenced);
  if (problem) return stopAt(p, problem);
  p.claimed += sequenced.length;
  turnPage(p, page, p.claimed > p.checked ? 'identify' : 'markers');
}

/** Only after a count mismatch: the record that claims a seq of the chain whose link names another. */
export async function identifyStep(store: KeyValueStore, p: VerifyProgress): Promise<void> {
  const page = await recordPage(store, p.afterKey);
  const claims = page.items.flatMap((entity) => {
    const stored = parseEntity(entity);
    return stored && !stored.pending && inSnapshot(p, stored.record.seq) ? [{ key: entity.key, seq: stored.record.seq }] : [];
  });
  const sks = await linksOf(store, claims.map((c) => c.seq));
  const stray = claims.find((c) => sks.get(c.seq) !== c.key);
  if (stray) return stopAt(p, { key: stray.key, reason: 'RECORD_UNLINKED' });
  turnPage(p, page, 'markers');
}

/** Whether the head is still the snapshot's: nothing was sequenced since, so no marker was deleted. */
async function headUnmoved(store: KeyValueStore, p: VerifyProgress): Promise<boolean> {
  const head = (await store.get<{ seq?: unknown; hash?: unknown }>(HEAD_KEY))?.value;
  return head?.seq === p.head?.seq && head?.hash === p.head?.hash;
}

/**
 * After the single pass, the markers are first only counted (`markerNames`): when the head has not
 * moved (no marker deleted since the pass) and the markers name exactly as many records as the pass
 * met pending and named, every name is a record the pass read, so none is read again. Otherwise (a
 * sequencer ran meanwhile, an append arrived, a marker is damaged) the walk runs again reading the
 * named records by key, as before.
 */
async function countMarkers(store: KeyValueStore, p: VerifyProgress, names: string[] | undefined, last: boolean): Promise<void> {
  const counted = (p.markerNames ?? 0) + (names?.length ?? 0);
  if (names && !last) return void (p.markerNames = counted);
  delete p.markerNames;
  delete p.markerCursor;
  if (names && counted === p.pending.count && (counted === 0 || (await headUnmoved(store, p)))) p.phase = 'end';
}

/** A marker must be sound and every record it names must exist (else a record was removed). */
export async function markersStep(store: KeyValueStore, p: VerifyProgress): Promise<void> {
  const page = await store.query({ prefix: PENDING_PREFIX, limit: STORE_LIMITS.maxQueryLimit, ...(p.markerCursor ? { cursor: p.markerCursor } : {}) });
  const sks: string[] = [];
  for (const item of page.items) {
    const named = sksOfMarker(item.key, item.value);
    if (!named && p.markerNames !== undefined) return countMarkers(store, p, undefined, true);
    if (!named) return stopAt(p, { key: skOfPendingKey(item.key), reason: 'RECORD_ALTERED' });
    sks.push(...named);
  }
  if (p.markerNames !== undefined) {
    if (page.nextCursor) p.markerCursor = page.nextCursor;
    return countMarkers(store, p, sks, !page.nextCursor);
  }
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
