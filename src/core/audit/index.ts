/**
 * Hash-chained, append-only audit trail (SPEC §5). The engine writes each change and its audit
 * records in ONE store transaction: it calls prepareAppend() and adds the returned ops to its own.
 * See docs/audit.md for the storage layout, query plan and costs.
 */
import { DomainError } from '../domain/errors';
import { FIELD_LIMITS } from '../domain/limits';
import type { AuditFilter, AuditRecord } from '../domain/model';
import type { Clock, IdGenerator } from '../ports/clock';
import { STORE_LIMITS, StoreError, type KeyValueStore, type StoredItem, type TxOp } from '../ports/store';
import { toCsv, toNdjson } from './export-format';
import { recordHash, toJsonValue } from './hash';
import {
  CHECKPOINT_KEY,
  GENESIS_HASH,
  HEAD_KEY,
  INDEXED_DIMENSIONS,
  RECORD_PREFIX,
  indexKey,
  indexValuePrefix,
  recordKey,
  seqOfKey,
  type IndexedDimension,
} from './keys';
import { BATCH_GET, QUERY_PAGE, firstSeqAtOrAfter, readRecords, scanIndexDesc, type ScanEnd } from './scan';
import {
  auditEntrySchema,
  auditFilterSchema,
  auditRecordSchema,
  checkpointSchema,
  headSchema,
  purgeDetailsSchema,
  type ChainHead,
  type Checkpoint,
  type IndexEntry,
  type PurgeDetails,
} from './schema';

/** What a caller records; the trail adds id, seq, at and the hash chain. */
export type AuditEntry = Omit<AuditRecord, 'id' | 'seq' | 'at' | 'prevHash' | 'hash'>;

/** The chain head as a committed transaction left it: lets a sequential writer skip re-reading it. */
export interface AuditHeadHint {
  head: ChainHead;
  version: number;
}

/** The head a successful transact(ops) leaves behind, given prepareAppend's ops (stores bump versions by one per put). */
export function headAfter(ops: TxOp[]): AuditHeadHint | undefined {
  const headOp = ops.find((op) => op.op === 'put' && op.key === HEAD_KEY);
  if (!headOp || headOp.op !== 'put') return undefined;
  const version = headOp.condition?.kind === 'version' ? headOp.condition.version + 1 : 1;
  return { head: headOp.value as ChainHead, version };
}

export interface AuditTrailDeps {
  store: KeyValueStore;
  clock: Clock;
  ids: IdGenerator;
  /** Store queries one list() call may spend scanning an index (default MAX_SCAN_QUERIES_PER_PAGE). */
  maxScanQueriesPerPage?: number;
}

export interface VerifyResult {
  ok: boolean;
  /** Records whose hash, link and seq were confirmed before the first bad one. */
  checked: number;
  firstBadSeq?: number;
  /** The chain head's hash: the digest an admin exports and keeps outside the app. */
  headHash: string;
}

/**
 * Ops one entry adds: its record + one index entry per indexed dimension (7, counted at the maximum
 * even though absent optional dimensions are skipped).
 */
export const AUDIT_OPS_PER_ENTRY = 1 + INDEXED_DIMENSIONS.length;

/** Ops prepareAppend returns for n entries: n × AUDIT_OPS_PER_ENTRY + 1 head update (0 for n = 0). */
export function auditOpsFor(entries: number): number {
  return entries === 0 ? 0 : entries * AUDIT_OPS_PER_ENTRY + 1;
}

export const DEFAULT_LIST_LIMIT = FIELD_LIMITS.listPage.default;
export const MAX_LIST_LIMIT = FIELD_LIMITS.listPage.max;
/** Store queries one list() call may spend scanning an index before it returns a short page + cursor. */
export const MAX_SCAN_QUERIES_PER_PAGE = 20;
/** Space id of records that concern the whole installation (same value the engine uses for global events). */
export const INSTALLATION_SPACE = 'global';
const MAX_APPEND_ATTEMPTS = 25;

/** Jittered, capped backoff between retries so contending appenders spread out instead of colliding again. */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
}

interface ChainState {
  headItem?: StoredItem<unknown>;
  head?: ChainHead;
  checkpointItem?: StoredItem<unknown>;
  /** Where verification and queries start: the checkpoint after a purge, else seq 1 on genesis. */
  anchor: Checkpoint;
}

function corrupt(what: string): DomainError {
  return new DomainError('internal', 'AUDIT_STATE_INVALID', `The audit ${what} is damaged; run the audit verification.`);
}

function indexEntryOf(record: AuditRecord): IndexEntry {
  const { seq, at, actor, action, spaceId, source, pageId, changeSetId, clientId } = record;
  return toJsonValue({ seq, at, actor, action, spaceId, source, pageId, changeSetId, clientId });
}

/** Index keys of the dimensions present on the record. */
function indexKeysOf(record: AuditRecord): string[] {
  const keys: string[] = [];
  for (const { dim, field } of INDEXED_DIMENSIONS) {
    const value = record[field];
    if (value !== undefined) keys.push(indexKey(dim, value, record.seq));
  }
  return keys;
}

function matchesFilter(x: IndexEntry | AuditRecord, filter: AuditFilter): boolean {
  if (filter.from !== undefined && x.at < filter.from) return false;
  if (filter.to !== undefined && x.at > filter.to) return false;
  return INDEXED_DIMENSIONS.every(({ field }) => filter[field] === undefined || x[field] === filter[field]);
}

function encodeCursor(before: number): string {
  return Buffer.from(JSON.stringify({ b: before }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const b = (value as { b?: unknown } | null)?.b;
    if (typeof b === 'number' && Number.isSafeInteger(b) && b >= 1) return b;
  } catch {
    // fall through to the stable error below
  }
  throw new DomainError('invalid', 'INVALID_CURSOR', 'The cursor is not valid for the audit list.');
}

function isConflict(error: unknown): boolean {
  return error instanceof StoreError && error.code === 'CONDITION_FAILED';
}

export class AuditTrail {
  private readonly store: KeyValueStore;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly maxScanQueries: number;

  constructor(deps: AuditTrailDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.maxScanQueries = Math.max(1, deps.maxScanQueriesPerPage ?? MAX_SCAN_QUERIES_PER_PAGE);
  }

  /**
   * Reads the chain head and returns the TxOps that append these entries (record + index entries +
   * head update with a version/absent condition). The caller includes them in the SAME
   * store.transact() as its change, and on StoreError CONDITION_FAILED re-runs its whole
   * read-decide-write step.
   */
  /**
   * `knownHead` (from headAfter() of the caller's previous commit) skips the head read; if another
   * writer moved the head meanwhile, the head condition fails and the caller's retry reads it afresh.
   */
  async prepareAppend(entries: AuditEntry[], knownHead?: AuditHeadHint): Promise<TxOp[]> {
    if (entries.length === 0) return [];
    if (auditOpsFor(entries.length) > STORE_LIMITS.maxTransactionOps) {
      throw new DomainError('internal', 'AUDIT_TOO_MANY_ENTRIES', 'Too many audit entries for one transaction.');
    }
    const parsed = entries.map((entry) => {
      const result = auditEntrySchema.safeParse(entry);
      if (!result.success) {
        throw new DomainError(
          'internal',
          'AUDIT_ENTRY_INVALID',
          'An audit entry is not valid.',
          result.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
        );
      }
      return result.data;
    });

    const headItem = knownHead ? { value: knownHead.head, version: knownHead.version } : await this.store.get(HEAD_KEY);
    const head = headItem ? this.parseHead(headItem.value) : undefined;
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    // Never earlier than the head, so seq order is time order even if the clock steps back.
    let at = head?.at ?? 0;
    const ops: TxOp[] = [];
    for (const entry of parsed) {
      seq += 1;
      at = Math.max(Math.floor(this.clock.now()), at);
      const unsigned = toJsonValue({ ...entry, id: this.ids.next('aud'), seq, at, prevHash });
      const record: AuditRecord = { ...unsigned, hash: recordHash(unsigned) };
      // 'absent' also refuses to overwrite history if the head was ever lost or rolled back.
      ops.push({ op: 'put', key: recordKey(seq), value: record, condition: { kind: 'absent' } });
      const indexValue = indexEntryOf(record);
      for (const key of indexKeysOf(record)) ops.push({ op: 'put', key, value: indexValue });
      prevHash = record.hash;
    }
    ops.push({
      op: 'put',
      key: HEAD_KEY,
      value: { seq, hash: prevHash, at } satisfies ChainHead,
      condition: headItem ? { kind: 'version', version: headItem.version } : { kind: 'absent' },
    });
    return ops;
  }

  /** Appends entries on their own (for events with no state change, e.g. access.denied), retrying on contention. */
  async append(entries: AuditEntry[]): Promise<AuditRecord[]> {
    for (let attempt = 1; ; attempt++) {
      const ops = await this.prepareAppend(entries);
      try {
        await this.store.transact(ops);
        return ops.filter((op) => op.op === 'put' && op.key.startsWith(RECORD_PREFIX)).map((op) => (op as { value: AuditRecord }).value);
      } catch (error) {
        if (!isConflict(error) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }

  /**
   * Newest first. The seq window comes from the head, the cursor and the time range; the most
   * selective filter dimension present drives an index scan, the others are checked on the index
   * value and again on the record. A page may be short (even empty) with a nextCursor when the scan
   * budget ran out: callers continue while nextCursor is present.
   */
  async list(filter: AuditFilter, options: { cursor?: string; limit?: number }): Promise<{ items: AuditRecord[]; nextCursor?: string }> {
    const parsedFilter = auditFilterSchema.safeParse(filter);
    if (!parsedFilter.success) {
      throw new DomainError(
        'invalid',
        'INVALID_FILTER',
        'The audit filter is not valid.',
        parsedFilter.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
      );
    }
    const f = parsedFilter.data;
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new DomainError('invalid', 'INVALID_LIMIT', `The limit must be a whole number from 1 to ${MAX_LIST_LIMIT}.`);
    }
    const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor);

    const { head, anchor } = await this.readState();
    if (!head) return { items: [] };
    let lo = anchor.firstSeq;
    let hi = before === undefined ? head.seq : Math.min(head.seq, before - 1);
    if (f.from !== undefined && lo <= hi) lo = await firstSeqAtOrAfter(this.store, f.from, lo, hi, 'low');
    if (f.to !== undefined && lo <= hi) hi = (await firstSeqAtOrAfter(this.store, f.to + 1, lo, hi, 'high')) - 1;
    if (lo > hi) return { items: [] };

    const driving = INDEXED_DIMENSIONS.find(({ field }) => f[field] !== undefined);
    return driving ? this.listByIndex(f, driving, lo, hi, limit) : this.listBySeq(f, lo, hi, limit);
  }

  /**
   * Walks the whole chain from the anchor in pages of 100, recomputing every hash and checking seq
   * continuity, prevHash links, the head and the purge checkpoint. Reports the first bad seq.
   */
  async verify(): Promise<VerifyResult> {
    const { head, checkpointItem, anchor } = await this.readState();
    const headHash = head?.hash ?? GENESIS_HASH;
    let expected = anchor.firstSeq;
    let prevHash = anchor.prevHash;
    let checked = 0;
    let latestPurge: PurgeDetails | undefined;
    const fail = (seq: number): VerifyResult => ({ ok: false, checked, firstBadSeq: seq, headHash });

    let cursor: string | undefined;
    do {
      const page = await this.store.query({ prefix: RECORD_PREFIX, order: 'asc', limit: QUERY_PAGE, cursor });
      for (const item of page.items) {
        const keySeq = seqOfKey(item.key);
        if (keySeq === undefined) return fail(expected);
        if (keySeq < anchor.firstSeq) continue; // left by an interrupted purge; outside the kept chain
        if (keySeq !== expected) return fail(expected); // a record is missing
        if (!head || keySeq > head.seq) return fail(keySeq); // a record the head does not cover
        const parsed = auditRecordSchema.safeParse(item.value);
        if (!parsed.success) return fail(keySeq);
        const record = parsed.data;
        if (record.seq !== keySeq || record.prevHash !== prevHash || recordHash(record) !== record.hash) return fail(keySeq);
        if (record.action === 'audit.purged') {
          const details = purgeDetailsSchema.safeParse(record.details);
          if (!details.success) return fail(keySeq);
          latestPurge = details.data;
        }
        prevHash = record.hash;
        expected++;
        checked++;
      }
      cursor = page.nextCursor;
    } while (cursor);

    if (head && expected <= head.seq) return fail(expected); // records missing at the tail
    if (head && prevHash !== head.hash) return fail(head.seq);
    if (!head && checkpointItem) return fail(anchor.firstSeq);
    // The checkpoint must be the one the latest purge record (inside the hashed chain) committed to.
    const purgeMatches = latestPurge
      ? latestPurge.firstKeptSeq === anchor.firstSeq && latestPurge.anchorHash === anchor.prevHash
      : checkpointItem === undefined;
    if (!purgeMatches) return fail(anchor.firstSeq);
    return { ok: true, checked, headHash };
  }

  /** All records matching the filter, newest first, as CSV (RFC 4180, ISO times, readable names) or NDJSON. */
  async export(filter: AuditFilter, format: 'csv' | 'ndjson', names?: Map<string, string>): Promise<string> {
    const records: AuditRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(filter, { cursor, limit: MAX_LIST_LIMIT });
      records.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return format === 'csv' ? toCsv(records, names) : toNdjson(records, names);
  }

  /**
   * Retention purge: removes records older than `before` and appends an `audit.purged` record;
   * verify() still passes afterwards (chain anchored at the first kept record via a stored checkpoint).
   *
   * The purge record and the new checkpoint are committed first, in one transaction; deletion follows
   * in transactions of whole records (record + its index entries). If deletion is interrupted or capped
   * by `maxDeletes`, the leftovers lie below the checkpoint, are invisible to list/verify, and the next
   * purge removes them.
   */
  async purge(before: number, actor: string, options: { maxDeletes?: number } = {}): Promise<{ removed: number }> {
    if (!Number.isSafeInteger(before) || before < 0) {
      throw new DomainError('invalid', 'INVALID_PURGE_TIME', 'The purge time must be a UTC time in milliseconds.');
    }
    for (let attempt = 1; ; attempt++) {
      const { head, checkpointItem, anchor } = await this.readState();
      const lastSeq = head?.seq ?? 0;
      const cut = lastSeq >= anchor.firstSeq ? (await firstSeqAtOrAfter(this.store, before, anchor.firstSeq, lastSeq, 'low')) - 1 : 0;
      let firstKeptSeq = anchor.firstSeq;
      let anchorHash = anchor.prevHash;
      if (cut >= anchor.firstSeq) {
        const last = (await readRecords(this.store, [cut])).get(cut);
        if (!last) throw corrupt(`record ${cut}`);
        firstKeptSeq = cut + 1;
        anchorHash = last.hash;
      }
      const details: PurgeDetails = { before, firstKeptSeq, anchorHash, records: firstKeptSeq - anchor.firstSeq };
      const ops = await this.prepareAppend([{ actor, action: 'audit.purged', spaceId: INSTALLATION_SPACE, source: 'ui', details }]);
      ops.push({
        op: 'put',
        key: CHECKPOINT_KEY,
        value: { firstSeq: firstKeptSeq, prevHash: anchorHash } satisfies Checkpoint,
        condition: checkpointItem ? { kind: 'version', version: checkpointItem.version } : { kind: 'absent' },
      });
      try {
        await this.store.transact(ops);
        return { removed: await this.deleteBelow(firstKeptSeq, options.maxDeletes ?? Number.POSITIVE_INFINITY) };
      } catch (error) {
        if (!isConflict(error) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }

  private async deleteBelow(firstKeptSeq: number, maxDeletes: number): Promise<number> {
    let removed = 0;
    while (removed < maxDeletes) {
      // Always the oldest page: what was deleted is gone, so no cursor is carried across deletions.
      const page = await this.store.query({ prefix: RECORD_PREFIX, order: 'asc', limit: QUERY_PAGE });
      const victims = page.items.filter((item) => (seqOfKey(item.key) ?? firstKeptSeq) < firstKeptSeq).slice(0, maxDeletes - removed);
      if (victims.length === 0) break;
      let ops: TxOp[] = [];
      for (const item of victims) {
        const parsed = auditRecordSchema.safeParse(item.value);
        const keys = [item.key, ...(parsed.success ? indexKeysOf(parsed.data) : [])];
        if (ops.length + keys.length > STORE_LIMITS.maxTransactionOps) {
          await this.store.transact(ops);
          ops = [];
        }
        ops.push(...keys.map((key): TxOp => ({ op: 'delete', key })));
      }
      if (ops.length > 0) await this.store.transact(ops);
      removed += victims.length;
    }
    return removed;
  }

  private parseHead(value: unknown): ChainHead {
    const parsed = headSchema.safeParse(value);
    if (!parsed.success) throw corrupt('chain head');
    return parsed.data;
  }

  private async readState(): Promise<ChainState> {
    const items = await this.store.getMany([HEAD_KEY, CHECKPOINT_KEY]);
    const headItem = items.find((i) => i.key === HEAD_KEY);
    const checkpointItem = items.find((i) => i.key === CHECKPOINT_KEY);
    let anchor: Checkpoint = { firstSeq: 1, prevHash: GENESIS_HASH };
    if (checkpointItem) {
      const parsed = checkpointSchema.safeParse(checkpointItem.value);
      if (!parsed.success) throw corrupt('retention checkpoint');
      anchor = parsed.data;
    }
    return { headItem, head: headItem ? this.parseHead(headItem.value) : undefined, checkpointItem, anchor };
  }

  /** No dimension filter: records are directly addressable by seq, so a page is ⌈limit/25⌉ getMany calls. */
  private async listBySeq(filter: AuditFilter, lo: number, hi: number, limit: number): Promise<{ items: AuditRecord[]; nextCursor?: string }> {
    const items: AuditRecord[] = [];
    let next = hi;
    while (items.length < limit && next >= lo) {
      const count = Math.min(BATCH_GET, limit - items.length, next - lo + 1);
      const seqs = Array.from({ length: count }, (_, i) => next - i);
      const records = await readRecords(this.store, seqs);
      for (const seq of seqs) {
        const record = records.get(seq);
        if (record && matchesFilter(record, filter)) items.push(record);
      }
      next -= count;
    }
    return { items, nextCursor: items.length === limit && next >= lo ? encodeCursor(next + 1) : undefined };
  }

  private async listByIndex(
    filter: AuditFilter,
    driving: IndexedDimension,
    lo: number,
    hi: number,
    limit: number,
  ): Promise<{ items: AuditRecord[]; nextCursor?: string }> {
    const value = filter[driving.field] as string;
    const scan = scanIndexDesc(this.store, indexValuePrefix(driving.dim, value), lo, hi, { used: 0, max: this.maxScanQueries });
    const items: AuditRecord[] = [];
    let pending: number[] = [];
    let end: ScanEnd | undefined;
    const flush = async (): Promise<void> => {
      const records = await readRecords(this.store, pending);
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

    if (items.length === limit) {
      const last = items[items.length - 1].seq;
      return { items, nextCursor: last > lo ? encodeCursor(last) : undefined };
    }
    if (end?.reason === 'budget' && end.coveredDownTo > lo) return { items, nextCursor: encodeCursor(end.coveredDownTo) };
    return { items };
  }
}
