/**
 * Reading the event feed in chain order (SPEC 3a; docs/api.md "Event feed"). A reader's position is
 * an audit seq: everything up to it was handed out (or filtered away). Records after it are found
 * through their chain links (linksOf: what a bucket's query does not show yet is read by key) and
 * their events by key, so a lagging index can never skip an event, and the sequencer only ever appends after the head, so none appears
 * behind a reader. Only a reader's FIRST position comes from an index, and only from items older
 * than the settle window (docs/decisions.md "Issue 22").
 */
import { AUDIT_ENTITY, EVENT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { linksOf, newestSeqBefore } from '../audit/chain-read';
import { readChainState } from '../audit/chain-state';
import { TIME_INDEX, timeDigits } from '../audit/keys';
import type { EventEnvelope } from './catalog';
import { eventKey, parseStoredEvent } from './store';

/** Longer than a transaction can take from its audit time to its commit plus the index's lag. */
export const FEED_SETTLE_MS = 60_000;
/** Audit records one read scans at most (a link query per 100 seqs, what it does not show yet by key, + 10 event reads): bounded work per call. */
export const FEED_MAX_SCAN = 250;

export interface FeedPage {
  events: EventEnvelope[];
  /** the seq the next read continues after */
  position: number;
}

/** Where a reader without a cursor starts: just before the oldest kept event (see the file comment). */
export async function firstPosition(store: KeyValueStore, now: number): Promise<number> {
  const horizon = now - FEED_SETTLE_MS;
  const oldest = await store.queryEntity({ entity: EVENT_ENTITY, index: TIME_INDEX, partition: [], range: { op: 'lt', value: timeDigits(horizon) }, order: 'asc', limit: 1 });
  const first = oldest.items[0];
  if (first) {
    const [record] = await store.getEntities(AUDIT_ENTITY, [String(first.value.sk)]);
    const seq = record?.value.seq;
    if (typeof seq === 'number' && seq > 0) return seq - 1;
  }
  // no kept event old enough to trust the index: every later event is sequenced after this record
  return newestSeqBefore(store, horizon);
}

/**
 * Events after `position`, oldest first, that `accept` lets through, at most `limit`; scans at most
 * FEED_MAX_SCAN records and stops at the chain head (unsequenced records are read on a later call).
 */
export async function readFeed(
  store: KeyValueStore,
  position: number,
  limit: number,
  accept: (event: EventEnvelope) => Promise<boolean>,
): Promise<FeedPage> {
  const { head, anchor } = await readChainState(store);
  const end = Math.min(head?.seq ?? 0, position + FEED_MAX_SCAN);
  // below the retention checkpoint records and their events are gone
  const start = Math.max(position, Math.min(end, anchor.firstSeq - 1));
  const sks = await linksOf(store, Array.from({ length: Math.max(0, end - start) }, (_, i) => start + 1 + i));
  const events: EventEnvelope[] = [];
  let at = start;
  while (at < end) {
    const seqs = Array.from({ length: Math.min(STORE_LIMITS.maxBatchGet, end - at) }, (_, i) => at + 1 + i);
    const keys = seqs.flatMap((seq) => {
      const sk = sks.get(seq);
      return typeof sk === 'string' ? [eventKey(sk)] : [];
    });
    const stored = keys.length > 0 ? await store.getEntities(EVENT_ENTITY, keys) : [];
    const byKey = new Map(stored.map((item) => [item.key, parseStoredEvent(item)]));
    for (const seq of seqs) {
      const sk = sks.get(seq);
      const event = typeof sk === 'string' ? byKey.get(eventKey(sk)) : undefined;
      if (event && (await accept(event))) {
        events.push(event);
        if (events.length === limit) return { events, position: seq };
      }
      at = seq;
    }
  }
  return { events, position: at };
}
