/**
 * Filtered, paged reads, newest first (docs/audit.md "Querying"). The seq window comes from the head,
 * the cursor and the time range; the most selective filter dimension present drives an index scan,
 * the others are checked on the index value and again on the record.
 */
import { DomainError } from '../domain/errors';
import { FIELD_LIMITS } from '../domain/limits';
import type { AuditFilter, AuditRecord } from '../domain/model';
import type { KeyValueStore } from '../ports/store';
import { readChainState } from './chain-state';
import { decodeCursor, encodeCursor } from './cursor';
import { INDEXED_DIMENSIONS, indexValuePrefix, type IndexedDimension } from './keys';
import { BATCH_GET, firstSeqAtOrAfter, readRecords, scanIndexDesc, type ScanEnd } from './scan';
import { auditFilterSchema, type IndexEntry } from './schema';

export const DEFAULT_LIST_LIMIT = FIELD_LIMITS.listPage.default;
export const MAX_LIST_LIMIT = FIELD_LIMITS.listPage.max;
/** Store queries one list() call may spend scanning an index before it returns a short page + cursor. */
export const MAX_SCAN_QUERIES_PER_PAGE = 20;

export interface AuditPage {
  items: AuditRecord[];
  nextCursor?: string;
}

export interface QueryDeps {
  store: KeyValueStore;
  maxScanQueries: number;
}

export function matchesFilter(x: IndexEntry | AuditRecord, filter: AuditFilter): boolean {
  if (filter.from !== undefined && x.at < filter.from) return false;
  if (filter.to !== undefined && x.at > filter.to) return false;
  return INDEXED_DIMENSIONS.every(({ field }) => filter[field] === undefined || x[field] === filter[field]);
}

function parseRequest(filter: AuditFilter, limit: number): AuditFilter {
  const parsed = auditFilterSchema.safeParse(filter);
  if (!parsed.success) {
    throw new DomainError(
      'invalid',
      'INVALID_FILTER',
      'The audit filter is not valid.',
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
    );
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new DomainError('invalid', 'INVALID_LIMIT', `The limit must be a whole number from 1 to ${MAX_LIST_LIMIT}.`);
  }
  return parsed.data;
}

/**
 * One page. It may be short (even empty) with a nextCursor when the scan budget ran out: callers
 * continue while nextCursor is present.
 */
export async function listRecords(deps: QueryDeps, filter: AuditFilter, options: { cursor?: string; limit?: number }): Promise<AuditPage> {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  const f = parseRequest(filter, limit);
  const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor);

  const { head, anchor } = await readChainState(deps.store);
  if (!head) return { items: [] };
  let lo = anchor.firstSeq;
  let hi = before === undefined ? head.seq : Math.min(head.seq, before - 1);
  if (f.from !== undefined && lo <= hi) lo = await firstSeqAtOrAfter(deps.store, f.from, lo, hi, 'low');
  if (f.to !== undefined && lo <= hi) hi = (await firstSeqAtOrAfter(deps.store, f.to + 1, lo, hi, 'high')) - 1;
  if (lo > hi) return { items: [] };

  const driving = INDEXED_DIMENSIONS.find(({ field }) => f[field] !== undefined);
  return driving ? listByIndex(deps, f, driving, lo, hi, limit) : listBySeq(deps.store, f, lo, hi, limit);
}

/** No dimension filter: records are directly addressable by seq, so a page is ⌈limit/25⌉ getMany calls. */
async function listBySeq(store: KeyValueStore, filter: AuditFilter, lo: number, hi: number, limit: number): Promise<AuditPage> {
  const items: AuditRecord[] = [];
  let next = hi;
  while (items.length < limit && next >= lo) {
    const count = Math.min(BATCH_GET, limit - items.length, next - lo + 1);
    const seqs = Array.from({ length: count }, (_, i) => next - i);
    const records = await readRecords(store, seqs);
    for (const seq of seqs) {
      const record = records.get(seq);
      if (record && matchesFilter(record, filter)) items.push(record);
    }
    next -= count;
  }
  return { items, nextCursor: items.length === limit && next >= lo ? encodeCursor(next + 1) : undefined };
}

async function listByIndex(deps: QueryDeps, filter: AuditFilter, driving: IndexedDimension, lo: number, hi: number, limit: number): Promise<AuditPage> {
  const value = filter[driving.field] as string;
  const scan = scanIndexDesc(deps.store, indexValuePrefix(driving.dim, value), lo, hi, { used: 0, max: deps.maxScanQueries });
  const items: AuditRecord[] = [];
  let pending: number[] = [];
  let end: ScanEnd | undefined;
  const flush = async (): Promise<void> => {
    const records = await readRecords(deps.store, pending);
    for (const seq of pending) {
      const record = records.get(seq);
      if (record && matchesFilter(record, filter)) items.push(record);
    }
    pending = [];
  };
  while (items.length < limit) {
    const step = await scan.next();
    if (step.done) {
      end = step.value;
      break;
    }
    if (matchesFilter(step.value, filter)) pending.push(step.value.seq);
    // Never fetch more than the page still needs, so the page ends exactly at a returned record.
    if (pending.length >= Math.min(BATCH_GET, limit - items.length)) await flush();
  }
  if (pending.length > 0) await flush();

  const last = items.at(-1)?.seq;
  if (items.length === limit && last !== undefined) {
    return { items, nextCursor: last > lo ? encodeCursor(last) : undefined };
  }
  if (end?.reason === 'budget' && end.coveredDownTo > lo) return { items, nextCursor: encodeCursor(end.coveredDownTo) };
  return { items };
}

/** Every record matching the filter, newest first (export; O(matching records)). */
export async function listAllRecords(deps: QueryDeps, filter: AuditFilter): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRecords(deps, filter, { cursor, limit: MAX_LIST_LIMIT });
    records.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return records;
}
