/**
 * Filtered, paged reads, newest first (docs/audit.md "Querying"), on the af-audit entity indexes:
 * the most selective filter dimension present picks the index (else `by-time`), time range and
 * cursor become its range condition, and every other filter is re-checked on the record. Pending
 * (unsequenced) records are listed too, marked `pending`.
 */
import { DomainError, issueDetails } from '../domain/errors';
import { FIELD_LIMITS } from '../domain/limits';
import type { AuditFilter, AuditRecord } from '../domain/model';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type EntityItem, type KeyValueStore, type RangeCondition } from '../ports/store';
import { readChainState } from './chain-state';
import { decodeCursor, encodeCursor } from './cursor';
import { INDEXED_DIMENSIONS, TIME_INDEX, timeDigits } from './keys';
import { recordOfEntity } from './records';
import { auditFilterSchema } from './schema';

export const DEFAULT_LIST_LIMIT = FIELD_LIMITS.listPage.default;
export const MAX_LIST_LIMIT = FIELD_LIMITS.listPage.max;
/**
 * Index queries one list() call may spend before it returns a short page + cursor: a sparse combined
 * filter reads at most 500 records per page (issue 23: ≤ 5 queries, was 20), whatever the trail holds.
 */
export const MAX_SCAN_QUERIES_PER_PAGE = 5;

export interface AuditPage {
  items: AuditRecord[];
  nextCursor?: string;
}

export interface QueryDeps {
  store: KeyValueStore;
  maxScanQueries: number;
}

export function matchesFilter(x: AuditRecord, filter: AuditFilter): boolean {
  if (filter.from !== undefined && x.at < filter.from) return false;
  if (filter.to !== undefined && x.at > filter.to) return false;
  if (filter.source !== undefined && x.source !== filter.source) return false;
  return INDEXED_DIMENSIONS.every(({ field }) => filter[field] === undefined || x[field] === filter[field]);
}

function parseRequest(filter: AuditFilter, limit: number): AuditFilter {
  const parsed = auditFilterSchema.safeParse(filter);
  if (!parsed.success) {
    throw new DomainError(
      'INVALID_FILTER',
      'The audit filter is not valid.',
      issueDetails(parsed.error.issues),
    );
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new DomainError('INVALID_LIMIT', `The limit must be a whole number from 1 to ${MAX_LIST_LIMIT}.`);
  }
  return parsed.data;
}

/** Range on sk: from (inclusive), to (inclusive, via "below the next millisecond") and the cursor (exclusive). */
function rangeOf(filter: AuditFilter, before: string | undefined): { range?: RangeCondition; upper?: string } {
  const lower = filter.from === undefined ? undefined : timeDigits(filter.from);
  const toBound = filter.to === undefined ? undefined : timeDigits(filter.to + 1);
  const upper = before !== undefined && (toBound === undefined || before < toBound) ? before : toBound;
  if (lower !== undefined && upper !== undefined) return { range: { op: 'between', from: lower, to: upper }, upper };
  if (lower !== undefined) return { range: { op: 'gte', value: lower } };
  if (upper !== undefined) return { range: { op: 'lt', value: upper }, upper };
  return {};
}

/**
 * One page. It may be short (even empty) with a nextCursor when the scan budget ran out: callers
 * continue while nextCursor is present.
 */
export async function listRecords(deps: QueryDeps, filter: AuditFilter, options: { cursor?: string; limit?: number }): Promise<AuditPage> {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  const f = parseRequest(filter, limit);
  const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const { range, upper } = rangeOf(f, before);
  if (f.from !== undefined && upper !== undefined && timeDigits(f.from) >= upper) return { items: [] };
  // Records an interrupted purge left below the checkpoint are no longer part of the trail.
  const { anchor } = await readChainState(deps.store);
  const driving = INDEXED_DIMENSIONS.find(({ field }) => f[field] !== undefined);
  // Only the driving dimension and the range are served by the index: ask for a full page when more must be re-checked.
  const postFiltered = f.source !== undefined || INDEXED_DIMENSIONS.some((d) => d !== driving && f[d.field] !== undefined);
  const items: AuditRecord[] = [];
  let storeCursor: string | undefined;
  let lastScanned: string | undefined;
  for (let queries = 0; queries < deps.maxScanQueries; queries++) {
    const page = await deps.store.queryEntity({
      entity: AUDIT_ENTITY,
      index: driving?.index ?? TIME_INDEX,
      partition: driving ? [String(f[driving.field])] : [],
      ...(range ? { range } : {}),
      order: 'desc',
      limit: postFiltered ? STORE_LIMITS.maxQueryLimit : Math.min(STORE_LIMITS.maxQueryLimit, limit - items.length + 1),
      ...(storeCursor ? { cursor: storeCursor } : {}),
    });
    const filledAt = take(page.items, items, { filter: f, limit, upper, firstSeq: anchor.firstSeq });
    if (filledAt !== undefined) {
      const more = filledAt < page.items.length - 1 || page.nextCursor !== undefined;
      const filledKey = page.items[filledAt]?.key;
      return more && filledKey !== undefined ? { items, nextCursor: encodeCursor(filledKey) } : { items };
    }
    lastScanned = page.items.at(-1)?.key ?? lastScanned;
    storeCursor = page.nextCursor;
    if (!storeCursor) return { items };
  }
  return { items, nextCursor: lastScanned === undefined ? undefined : encodeCursor(lastScanned) };
}

/** Adds matching records to `items`; returns the position in `scanned` where the page became full, if it did. */
function take(scanned: EntityItem[], items: AuditRecord[], page: { filter: AuditFilter; limit: number; upper?: string; firstSeq: number }): number | undefined {
  const { filter, limit, upper, firstSeq } = page;
  for (const [i, entity] of scanned.entries()) {
    if (upper !== undefined && entity.key >= upper) continue; // `between` includes its upper bound
    const record = recordOfEntity(entity);
    if (!matchesFilter(record, filter) || (!record.pending && record.seq < firstSeq)) continue;
    items.push(record);
    if (items.length === limit) return i;
  }
  return undefined;
}

