/**
 * Reads along the chain: which record holds a seq (the ONE lookup of chain links, for every reader),
 * a record by seq, the newest sequenced record before a time.
 */
import type { AuditRecord } from '../domain/model';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore, type StoredItem } from '../ports/store';
import { corrupt } from './chain-state';
import { LINK_BLOCK, MAX_LINKS_PER_BLOCK, TIME_INDEX, legacyLinkKey, linkBlockKey, linkBlockPrefix, parseLinkKey, timeDigits } from './keys';
import { parseEntity } from './records';
import { legacyLinkSchema, linkBlockSchema } from './schema';

/** A stored link item: the records of seqs first, first + 1, …; `sks` undefined when the item is damaged. */
export interface LinkItem {
  key: string;
  first: number;
  sks?: string[];
}

/** A link item as stored (a block, or a per-seq link of older data); undefined for a key that is not a link. */
export function parseLinkItem(item: Pick<StoredItem, 'key' | 'value'>): LinkItem | undefined {
  const key = parseLinkKey(item.key);
  if (!key) return undefined;
  if (key.kind === 'seq') {
    const link = legacyLinkSchema.safeParse(item.value);
    return { key: item.key, first: key.seq, ...(link.success ? { sks: [link.data.k] } : {}) };
  }
  const block = linkBlockSchema.safeParse(item.value);
  // a block never leaves its bucket (the sequencer writes one per bucket it touches)
  const sound = block.success && block.data.first === key.seq && (key.seq % LINK_BLOCK) + block.data.sks.length <= LINK_BLOCK;
  return { key: item.key, first: key.seq, ...(sound ? { sks: block.data.sks } : {}) };
}

/** Every key that could hold the link of `seq`: its per-seq key (older data) and each block of its bucket that can reach it. */
function keysThatCouldLink(seq: number): string[] {
  const lowest = Math.max(1, seq - (seq % LINK_BLOCK), seq - MAX_LINKS_PER_BLOCK + 1);
  return [legacyLinkKey(seq), ...Array.from({ length: seq - lowest + 1 }, (_, i) => linkBlockKey(lowest + i))];
}

/** What the items say per seq: the record's key, or null when the seq's link is damaged or two links claim it. */
function claims(items: Iterable<LinkItem>): Map<number, string | null> {
  const out = new Map<number, string | null>();
  for (const { first, sks } of items) {
    if (!sks) out.set(first, null);
    else sks.forEach((sk, i) => out.set(first + i, out.has(first + i) ? null : sk));
  }
  return out;
}

function byBucket(seqs: number[]): number[][] {
  const buckets = new Map<number, number[]>();
  for (const seq of seqs) {
    const bucket = Math.floor(seq / LINK_BLOCK);
    const list = buckets.get(bucket);
    if (list) list.push(seq);
    else buckets.set(bucket, [seq]);
  }
  return [...buckets.values()];
}

/**
 * Which record holds each of these seqs: its sk; null when its link is damaged (or claimed twice);
 * absent when no link names it. A bucket of 100 seqs is one prefix query, all run together (blocks and older per-seq
 * links alike); a bucket whose few seqs fit one batched read by key, and any seq a query does not
 * show (Forge's index lags writes: docs/forge-platform.md U22), are read by key (strongly consistent),
 * so a link written a moment ago is never taken for a missing one.
 */
export async function linksOf(store: KeyValueStore, seqs: readonly number[]): Promise<Map<number, string | null>> {
  const wanted = [...new Set(seqs)].filter((seq) => Number.isSafeInteger(seq) && seq >= 1).sort((a, b) => a - b);
  const items = new Map<string, LinkItem>();
  const add = (item: StoredItem) => {
    const parsed = parseLinkItem(item);
    if (parsed) items.set(parsed.key, parsed);
  };
  const queried = byBucket(wanted).flatMap((bucket) => {
    const [first] = bucket;
    if (first === undefined || new Set(bucket.flatMap(keysThatCouldLink)).size <= STORE_LIMITS.maxBatchGet) return [];
    return [store.query({ prefix: linkBlockPrefix(first), limit: STORE_LIMITS.maxQueryLimit })];
  });
  for (const page of await Promise.all(queried)) for (const item of page.items) add(item);
  const seen = claims(items.values());
  const unread = [...new Set(wanted.filter((seq) => !seen.has(seq)).flatMap(keysThatCouldLink))].filter((key) => !items.has(key));
  for (let i = 0; i < unread.length; i += STORE_LIMITS.maxBatchGet) for (const item of await store.getMany(unread.slice(i, i + STORE_LIMITS.maxBatchGet))) add(item);
  const all = claims(items.values());
  return new Map(wanted.filter((seq) => all.has(seq)).map((seq) => [seq, all.get(seq)!]));
}

export async function readRecordBySeq(store: KeyValueStore, seq: number): Promise<AuditRecord> {
  const sk = (await linksOf(store, [seq])).get(seq);
  if (typeof sk !== 'string') throw corrupt(`link of record ${seq}`);
  const [entity] = await store.getEntities(AUDIT_ENTITY, [sk]);
  const stored = entity && parseEntity(entity);
  if (!stored || stored.pending || stored.record.seq !== seq) throw corrupt(`record ${seq}`);
  return stored.record;
}

/** Pages of pending records one search reads past before giving up (they are rare: a job links them after each commit, the sweep hourly). */
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
