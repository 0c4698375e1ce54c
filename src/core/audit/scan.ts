/**
 * Index-backed reads. Every audit query is bounded by a seq window [lo, hi]: at is monotonic in seq,
 * so a time range maps to a seq window by a 25-ary search over the directly addressable record keys,
 * and index keys end in the zero-padded seq, so a decimal prefix of it selects an aligned seq block.
 */
import { DomainError } from '../domain/errors';
import type { AuditRecord } from '../domain/model';
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { recordKey, seqOfKey } from './keys';
import { auditRecordSchema, indexEntrySchema, type IndexEntry } from './schema';

export const QUERY_PAGE = STORE_LIMITS.maxQueryLimit;
export const BATCH_GET = STORE_LIMITS.maxBatchGet;

/** Reads records by seq in getMany batches of 25, re-validating each; missing seqs are absent from the map. */
export async function readRecords(store: KeyValueStore, seqs: number[]): Promise<Map<number, AuditRecord>> {
  const found = new Map<number, AuditRecord>();
  for (let i = 0; i < seqs.length; i += BATCH_GET) {
    const items = await store.getMany(seqs.slice(i, i + BATCH_GET).map(recordKey));
    for (const item of items) {
      const parsed = auditRecordSchema.safeParse(item.value);
      const keySeq = seqOfKey(item.key);
      if (!parsed.success || parsed.data.seq !== keySeq) {
        // Listing stops rather than silently showing or hiding a damaged record; verify() names it.
        throw new DomainError('internal', 'AUDIT_RECORD_INVALID', `Audit record ${keySeq ?? item.key} is damaged; run the audit verification.`);
      }
      found.set(parsed.data.seq, parsed.data);
    }
  }
  return found;
}

/**
 * Smallest seq in [a, b] whose record has at >= t (b + 1 when none), probing 24 evenly spaced records
 * per getMany: about ⌈log25(b - a + 1)⌉ round trips. If every probe of a round is missing (a concurrent
 * purge), it gives up toward `widen`, which only widens the caller's window: callers re-check `at` on
 * every record they return.
 */
export async function firstSeqAtOrAfter(
  store: KeyValueStore,
  t: number,
  a: number,
  b: number,
  widen: 'low' | 'high',
): Promise<number> {
  let lo = a;
  let hi = b + 1; // the answer is in [lo, hi]
  while (lo < hi) {
    const span = hi - lo;
    const probes =
      span <= BATCH_GET
        ? Array.from({ length: span }, (_, i) => lo + i)
        : Array.from({ length: BATCH_GET - 1 }, (_, i) => lo + Math.floor(((i + 1) * span) / BATCH_GET));
    const records = await readRecords(store, probes);
    let newLo = lo;
    let newHi = hi;
    for (const p of probes) {
      const record = records.get(p);
      if (!record) continue;
      if (record.at >= t) {
        newHi = p;
        break;
      }
      newLo = p + 1;
    }
    // A missing record in a full probe of the range cannot be returned anyway, so newHi is exact.
    if (span <= BATCH_GET) return newHi;
    if (newLo === lo && newHi === hi) return widen === 'low' ? lo : hi;
    lo = newLo;
    hi = newHi;
  }
  return lo;
}

export interface ScanBudget {
  used: number;
  readonly max: number;
}

export interface ScanEnd {
  reason: 'exhausted' | 'budget';
  /** Every index entry with seq in [coveredDownTo, hi] has been yielded. */
  coveredDownTo: number;
}

interface SeqBlock {
  digits: string;
  min: number;
  max: number;
}

function block(value: number, freeDigits: number): SeqBlock {
  const size = 10 ** freeDigits;
  return { digits: String(value).padStart(12 - freeDigits, '0'), min: value * size, max: (value + 1) * size - 1 };
}

/**
 * Aligned decimal blocks covering [lo, hi], newest first: the 100-wide block holding hi, then for each
 * higher digit the lower sibling blocks. At most 1 + 9 per significant digit of hi, and the walk stops
 * at the first block entirely below lo.
 */
export function* blocksDesc(lo: number, hi: number): Generator<SeqBlock> {
  yield block(Math.floor(hi / 100), 2);
  for (let free = 2; free < 12; free++) {
    const parent = Math.floor(hi / 10 ** (free + 1));
    const digit = Math.floor(hi / 10 ** free) % 10;
    for (let c = digit - 1; c >= 0; c--) {
      const b = block(parent * 10 + c, free);
      if (b.max < lo) return;
      yield b;
    }
  }
}

function parseEntries(items: { key: string; value: unknown }[]): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (const item of items) {
    const parsed = indexEntrySchema.safeParse(item.value);
    // Index entries are derived hints (the chain is the truth); a damaged one is skipped, never trusted.
    if (parsed.success && parsed.data.seq === seqOfKey(item.key)) entries.push(parsed.data);
  }
  return entries;
}

/**
 * Yields the index entries under `prefix` with seq in [lo, hi], newest first, spending about
 * budget.max store queries: it stops at the budget only once it has covered at least one seq, so every
 * page makes progress (overshoot ≤ 2 queries: the first 100-wide block). Starts with a plain descending scan (ideal when hi is near the newest
 * entry or the value is rare); if its first full page lies entirely above hi, the value is dense
 * above the window, so it seeks with seq blocks instead of paging through everything newer.
 */
export async function* scanIndexDesc(
  store: KeyValueStore,
  prefix: string,
  lo: number,
  hi: number,
  budget: ScanBudget,
): AsyncGenerator<IndexEntry, ScanEnd> {
  let covered = hi + 1;
  let cursor: string | undefined;
  let first = true;
  for (;;) {
    if (budget.used >= budget.max && covered <= hi) return { reason: 'budget', coveredDownTo: covered };
    budget.used++;
    const page = await store.query({ prefix, order: 'desc', limit: QUERY_PAGE, cursor });
    const entries = parseEntries(page.items);
    const last = entries[entries.length - 1];
    if (first && last && last.seq > hi && page.nextCursor) break;
    first = false;
    for (const entry of entries) {
      if (entry.seq > hi) continue;
      if (entry.seq < lo) return { reason: 'exhausted', coveredDownTo: lo };
      yield entry;
      covered = entry.seq;
    }
    if (!page.nextCursor) return { reason: 'exhausted', coveredDownTo: lo };
    cursor = page.nextCursor;
  }

  for (const b of blocksDesc(lo, hi)) {
    let blockCursor: string | undefined;
    do {
      if (budget.used >= budget.max && covered <= hi) return { reason: 'budget', coveredDownTo: covered };
      budget.used++;
      const page = await store.query({ prefix: prefix + b.digits, order: 'desc', limit: QUERY_PAGE, cursor: blockCursor });
      for (const entry of parseEntries(page.items)) {
        if (entry.seq > hi) continue;
        if (entry.seq < lo) return { reason: 'exhausted', coveredDownTo: lo };
        yield entry;
        covered = entry.seq;
      }
      blockCursor = page.nextCursor;
    } while (blockCursor);
    covered = Math.min(covered, Math.max(b.min, lo));
    if (b.min <= lo) break;
  }
  return { reason: 'exhausted', coveredDownTo: lo };
}
