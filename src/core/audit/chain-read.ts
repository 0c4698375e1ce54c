/** Reads along the chain: a record by seq (through its link), the newest sequenced record before a time. */
import type { AuditRecord } from '../domain/model';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { corrupt } from './chain-state';
import { TIME_INDEX, linkKey, timeDigits } from './keys';
import { parseEntity } from './records';
import { linkSchema } from './schema';

export async function readRecordBySeq(store: KeyValueStore, seq: number): Promise<AuditRecord> {
  const link = linkSchema.safeParse((await store.get(linkKey(seq)))?.value);
  if (!link.success) throw corrupt(`link of record ${seq}`);
  const [entity] = await store.getEntities(AUDIT_ENTITY, [link.data.k]);
  const stored = entity && parseEntity(entity);
  if (!stored || stored.pending || stored.record.seq !== seq) throw corrupt(`record ${seq}`);
  return stored.record;
}

/** Pages of pending records one search reads past before giving up (they are rare: the sweep runs every 5 minutes). */
const MAX_PAGES = 20;

/**
 * The seq of the newest sequenced record with at < before (0 when none). Seq order follows time
 * order (the sequencer links markers oldest first), so every record up to it is older too, except a
 * commit stalled across the cut-off by milliseconds (docs/audit.md "Retention purge").
 */
export async function newestSeqBefore(store: KeyValueStore, before: number): Promise<number> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await store.queryEntity({
      entity: AUDIT_ENTITY,
      index: TIME_INDEX,
      partition: [],
      range: { op: 'lt', value: timeDigits(before) },
      order: 'desc',
      limit: STORE_LIMITS.maxQueryLimit,
      ...(cursor ? { cursor } : {}),
    });
    const sequenced = result.items.find((item) => typeof item.value.seq === 'number' && item.value.seq > 0);
    if (sequenced) return sequenced.value.seq as number;
    cursor = result.nextCursor;
    if (!cursor) return 0;
  }
  return 0;
}
