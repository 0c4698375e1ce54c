/** Event retention (SPEC 3a): events older than 14 days are deleted by the daily job, in chunks. */
import { EVENT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { DAY_MS } from '../shared/time';
import { TIME_INDEX, timeDigits } from '../audit/keys';

/** How long events are kept; a cursor older than this is answered 410 CURSOR_EXPIRED. */
export const EVENT_RETENTION_DAYS = 14;

/** Deletes up to `maxDeletes` events older than the retention window; `done` when none is left. */
export async function purgeExpiredEvents(store: KeyValueStore, now: number, maxDeletes: number): Promise<{ removed: number; done: boolean }> {
  const before = timeDigits(now - EVENT_RETENTION_DAYS * DAY_MS);
  let removed = 0;
  while (removed < maxDeletes) {
    const page = await store.queryEntity({
      entity: EVENT_ENTITY,
      index: TIME_INDEX,
      partition: [],
      range: { op: 'lt', value: before },
      order: 'asc',
      limit: Math.min(STORE_LIMITS.maxTransactionOps, maxDeletes - removed),
    });
    if (page.items.length === 0) return { removed, done: true };
    // no condition: a concurrent purge deleting the same event is not a conflict
    await store.transact(page.items.map((item) => ({ op: 'delete' as const, entity: EVENT_ENTITY, key: item.key })));
    removed += page.items.length;
  }
  return { removed, done: false };
}
