/**
 * Deleting the af-event items written before events moved into their audit records (store.ts): the
 * daily job deletes those older than the feed's window, in chunks. Once the last of them is gone (15
 * days after the release that stopped writing them) each run is one empty index query; the purge, the
 * entity and its index are then removed together (docs/decisions.md, issue 23 item 4).
 */
import { EVENT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { TIME_INDEX, timeDigits } from '../audit/keys';
import { feedWindowStart } from './feed';

/**
 * Deletes up to `maxDeletes` af-event items older than the feed's window; `done` when none is left.
 * Pages follow on by cursor: an index that lags (U22) still lists the items just deleted, which a
 * walk from the start would delete (and count) again until `maxDeletes`.
 */
export async function purgeExpiredEvents(store: KeyValueStore, now: number, maxDeletes: number): Promise<{ removed: number; done: boolean }> {
  const before = timeDigits(feedWindowStart(now));
  let removed = 0;
  let cursor: string | undefined;
  while (removed < maxDeletes) {
    const page = await store.queryEntity({
      entity: EVENT_ENTITY,
      index: TIME_INDEX,
      partition: [],
      range: { op: 'lt', value: before },
      order: 'asc',
      limit: Math.min(STORE_LIMITS.maxTransactionOps, maxDeletes - removed),
      ...(cursor ? { cursor } : {}),
    });
    // no condition: a concurrent purge deleting the same event is not a conflict
    if (page.items.length > 0) await store.transact(page.items.map((item) => ({ op: 'delete' as const, entity: EVENT_ENTITY, key: item.key })));
    removed += page.items.length;
    cursor = page.nextCursor;
    if (!cursor) return { removed, done: true };
  }
  return { removed, done: false };
}
