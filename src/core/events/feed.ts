/**
 * Reading the event feed in chain order (SPEC 3a; docs/api.md "Event feed"). A reader's position is
 * an audit seq: everything up to it was handed out (or filtered away). Records after it are found
 * through their chain links and their events by key, both strongly consistent, so a lagging index
 * can never skip an event, and the sequencer only ever appends after the head, so none appears
 * behind a reader. Only a reader's FIRST position comes from an index, and only from items older
 * than the settle window (docs/decisions.md "Issue 22").
 */
import { AUDIT_ENTITY, EVENT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { newestSeqBefore } from '../audit/chain-read';
import { readChainState } from '../audit/chain-state';
import { TIME_INDEX, linkKey, timeDigits } from '../audit/keys';
import { linkSchema } from '../audit/schema';
import type { EventEnvelope } from './catalog';
import { eventKey, parseStoredEvent } from './store';

/** Longer than a transaction can take from its audit time to its commit plus the index's lag. */
export const FEED_SETTLE_MS = 60_000;
/** Audit records one read scans at most (10 link reads + 10 event reads): bounded work per call. */
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
  const { head } = await readChainState(store);
  const end = Math.min(head?.seq ?? 0, position + FEED_MAX_SCAN);
  const events: EventEnvelope[] = [];
  let at = position;
  while (at < end) {
    const seqs = Array.from({ length: Math.min(STORE_LIMITS.maxBatchGet, end - at) }, (_, i) => at + 1 + i);
    const links = new Map((await store.getMany(seqs.map(linkKey))).map((item) => [item.key, linkSchema.safeParse(item.value)]));
    const skOf = new Map<number, string>();
    for (const seq of seqs) {
      const link = links.get(linkKey(seq));
      // a link below the retention checkpoint is gone, and so is its event
      if (link?.success) skOf.set(seq, link.data.k);
    }
    const stored = skOf.size > 0 ? await store.getEntities(EVENT_ENTITY, [...skOf.values()].map(eventKey)) : [];
    const byKey = new Map(stored.map((item) => [item.key, parseStoredEvent(item)]));
    for (const seq of seqs) {
      const sk = skOf.get(seq);
      const event = sk === undefined ? undefined : byKey.get(eventKey(sk));
      if (event && (await accept(event))) {
        events.push(event);
        if (events.length === limit) return { events, position: seq };
      }
      at = seq;
    }
  }
  return { events, position: at };
}
