/**
 * Reading the event feed in chain order (SPEC 3a; docs/api.md "Event feed"). A reader's position is
 * an audit seq: everything up to it was handed out (or filtered away). Records after it are found
 * through their chain links (linksOf: what a bucket's query does not show yet is read by key) and
 * read by key (strongly consistent), each with the event it carries, so a lagging index can never
 * skip an event, and the sequencer only ever appends after the head, so none appears behind a reader.
 * Only a reader's FIRST position comes from an index, from records 14 days old (long settled).
 */
import type { AuditRecord } from '../domain/model';
import { AUDIT_ENTITY, EVENT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { DAY_MS } from '../shared/time';
import { linksOf, newestSeqBefore } from '../audit/chain-read';
import { readChainState } from '../audit/chain-state';
import { parseEntity } from '../audit/records';
import { envelopeOf, eventPartSchema, eventTypeOf, publishes, type EventEnvelope } from './catalog';
import { legacyEventKey, legacyEventPart } from './store';

/** The feed's window: a cursor older than this is answered 410 CURSOR_EXPIRED, and older events are not handed out. */
export const EVENT_RETENTION_DAYS = 14;
/** Audit records one read scans at most (a link query per 100 seqs, what it does not show yet by key, + 10 record reads): bounded work per call. */
export const FEED_MAX_SCAN = 250;

/** A record's events and the (hashed) record they were derived from: who may read them is decided from the record. */
interface FeedEvents {
  events: EventEnvelope[];
  record: AuditRecord;
}

/** A reader's place: every record up to `seq` was handed out, and the first `skip` events of the next one. */
export interface FeedPosition {
  seq: number;
  skip: number;
}

export interface FeedPage {
  events: EventEnvelope[];
  /** where the next read continues */
  position: FeedPosition;
}

/** The oldest time whose events the feed still hands out at `now`. */
export function feedWindowStart(now: number): number {
  return now - EVENT_RETENTION_DAYS * DAY_MS;
}

/** Where a reader without a cursor starts: after the newest record older than the window (the audit's by-time index). */
export function firstPosition(store: KeyValueStore, now: number): Promise<number> {
  return newestSeqBefore(store, feedWindowStart(now));
}

/**
 * The envelopes of the event parts stored beside this record (one part, or a list of them; a JSON
 * value): each must be one (eventPartSchema) of a type the catalogue derives from the record's action,
 * else the record yields none; the rest of each envelope is the record's.
 */
function envelopesBeside(record: AuditRecord, stored: unknown): EventEnvelope[] {
  const parts = Array.isArray(stored) ? stored : [stored];
  const parsed = parts.map((part) => eventPartSchema.safeParse(part));
  if (!parsed.every((p) => p.success && publishes(record.action, p.data.type))) return [];
  return parsed.flatMap((p) => (p.success ? [envelopeOf(record, p.data)] : []));
}

/**
 * The events of these chained records (seq order), each once: the one a record carries, or for a record
 * written before events moved into the audit item (docs/decisions.md, issue 23 item 4) its af-event
 * item, read by key. Records older than `since`, damaged ones, an `ev` the catalogue's schema rejects
 * (storage is an external input; the record itself stays intact) and one of a type the catalogue does
 * not derive from its record's action (`publishes`) yield none.
 */
async function eventsOf(store: KeyValueStore, seqs: number[], sks: Map<number, string | null>, since: number): Promise<Map<number, FeedEvents>> {
  const keys = seqs.flatMap((seq) => {
    const sk = sks.get(seq);
    return typeof sk === 'string' ? [sk] : [];
  });
  const stored = keys.length > 0 ? await store.getEntities(AUDIT_ENTITY, keys) : [];
  const bySk = new Map(stored.map((item) => [item.key, parseEntity(item)]));
  const events = new Map<number, FeedEvents>();
  const legacy = new Map<string, { seq: number; record: AuditRecord }>();
  for (const seq of seqs) {
    const entry = bySk.get(sks.get(seq) ?? '');
    if (!entry || entry.pending || entry.record.seq !== seq || entry.record.at < since) continue;
    if (entry.event === undefined) {
      if (eventTypeOf(entry.record.action, entry.record.details)) legacy.set(legacyEventKey(sks.get(seq)!), { seq, record: entry.record });
      continue;
    }
    events.set(seq, { events: envelopesBeside(entry.record, entry.event), record: entry.record });
  }
  if (legacy.size > 0) {
    for (const item of await store.getEntities(EVENT_ENTITY, [...legacy.keys()])) {
      const { seq, record } = legacy.get(item.key)!;
      const part = legacyEventPart(item);
      if (part) events.set(seq, { events: envelopesBeside(record, part), record });
    }
  }
  return events;
}

/**
 * Events after `position`, oldest first, that `accept` (given each event's record) lets through, at
 * most `limit`; scans at most FEED_MAX_SCAN records and stops at the chain head (unsequenced records
 * are read on a later call). A page may end inside a record's events (`skip`). Events older than the
 * window at `now` are passed over.
 */
export async function readFeed(
  store: KeyValueStore,
  position: FeedPosition,
  limit: number,
  accept: (event: EventEnvelope, record: AuditRecord) => Promise<boolean>,
  now: number,
): Promise<FeedPage> {
  const { head, anchor } = await readChainState(store);
  const end = Math.min(head?.seq ?? 0, position.seq + FEED_MAX_SCAN);
  // below the retention checkpoint records and their events are gone
  const start = Math.max(position.seq, Math.min(end, anchor.firstSeq - 1));
  const sks = await linksOf(store, Array.from({ length: Math.max(0, end - start) }, (_, i) => start + 1 + i));
  const events: EventEnvelope[] = [];
  let at = start;
  while (at < end) {
    const seqs = Array.from({ length: Math.min(STORE_LIMITS.maxBatchGet, end - at) }, (_, i) => at + 1 + i);
    const found = await eventsOf(store, seqs, sks, feedWindowStart(now));
    for (const seq of seqs) {
      const { events: own = [], record } = found.get(seq) ?? {};
      for (let i = seq === position.seq + 1 ? position.skip : 0; i < own.length; i++) {
        if (!record || !(await accept(own[i]!, record))) continue;
        events.push(own[i]!);
        if (events.length === limit) return { events, position: i + 1 < own.length ? { seq: seq - 1, skip: i + 1 } : { seq, skip: 0 } };
      }
      at = seq;
    }
  }
  return { events, position: { seq: at, skip: 0 } };
}
