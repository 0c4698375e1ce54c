/**
 * Verification (SPEC §5): walks every record of the kept chain (hash, link, gapless seq, head,
 * purge checkpoint) and then every index entry, so that a missing, extra or altered index entry is
 * reported like an altered record: a deleted index entry cannot hide a record from a filtered list
 * or export while verify says OK. docs/audit.md "Verify" gives the rules and the cost.
 */
import type { AuditRecord } from '../domain/model';
import type { KeyValueStore } from '../ports/store';
import { readChainState, type ChainState } from './chain-state';
import { indexFieldsOf } from './entries';
import { recordHash } from './hash';
import { GENESIS_HASH, HEAD_KEY, INDEX_PREFIX, INDEXED_DIMENSIONS, RECORD_PREFIX, indexKey, parseIndexKey, seqOfKey, type IndexedDimension } from './keys';
import { QUERY_PAGE } from './scan';
import { auditRecordSchema, headSchema, purgeDetailsSchema, type PurgeDetails } from './schema';

/** Why verification failed at firstBadSeq (stable codes, shown to admins). */
export type VerifyFailure =
  | 'RECORD_ALTERED' // invalid, wrong seq, broken link or hash
  | 'RECORD_MISSING'
  | 'RECORD_BEYOND_HEAD' // a record the head does not cover
  | 'HEAD_MISMATCH'
  | 'CHECKPOINT_MISMATCH' // not the checkpoint the latest audit.purged record committed to
  | 'INDEX_ENTRY_MISSING'
  | 'INDEX_ENTRY_EXTRA' // no record owns it, or it sits under another value's key
  | 'INDEX_ENTRY_ALTERED';

export interface VerifyResult {
  ok: boolean;
  /** Records whose hash, link, seq and index entries were confirmed before the first bad one. */
  checked: number;
  firstBadSeq?: number;
  reason?: VerifyFailure;
  /** The chain head's hash: the digest an admin exports and keeps outside the app. */
  headHash: string;
}

interface Problem {
  seq: number;
  reason: VerifyFailure;
}

/** The index value append wrote for a record, minus the JSON round trip (a parsed record is JSON already). */
function expectedIndexValue(record: AuditRecord): Record<string, string | number> {
  const value: Record<string, string | number> = {};
  for (const [name, field] of Object.entries(indexFieldsOf(record))) if (field !== undefined) value[name] = field;
  return value;
}

/** Per kept seq: the index value its entries must hold and which dimensions it must be indexed under. */
class IndexExpectations {
  private readonly values: Record<string, string | number>[] = [];
  private readonly expected: Uint8Array;
  private readonly found: Uint8Array;

  constructor(
    readonly firstSeq: number,
    lastSeq: number,
  ) {
    const size = Math.max(0, lastSeq - firstSeq + 1);
    this.expected = new Uint8Array(size);
    this.found = new Uint8Array(size);
  }

  add(record: AuditRecord): void {
    const i = record.seq - this.firstSeq;
    this.values[i] = expectedIndexValue(record);
    let mask = 0;
    INDEXED_DIMENSIONS.forEach(({ field }, bit) => {
      if (record[field] !== undefined) mask |= 1 << bit;
    });
    this.expected[i] = mask;
  }

  /** Checks one stored index entry of a confirmed record. */
  check(key: string, value: unknown, seq: number, dimension: IndexedDimension): VerifyFailure | undefined {
    const i = seq - this.firstSeq;
    const expected = this.values[i];
    // Exactly the same members with the same (primitive) values: the canonical forms are then equal too.
    if (expected === undefined || !isPlainObject(value) || !sameMembers(value, expected)) return 'INDEX_ENTRY_ALTERED';
    // The value is exactly the record's index value, so it names the one key the entry may have.
    const fieldValue = expected[dimension.field];
    if (typeof fieldValue !== 'string' || indexKey(dimension.dim, fieldValue, seq) !== key) return 'INDEX_ENTRY_EXTRA';
    this.found[i] = (this.found[i] ?? 0) | (1 << INDEXED_DIMENSIONS.indexOf(dimension));
    return undefined;
  }

  /** First seq in [firstSeq, before) missing one of its index entries. */
  firstIncomplete(before: number): number | undefined {
    for (let i = 0; i < Math.min(before - this.firstSeq, this.expected.length); i++) {
      if (this.found[i] !== this.expected[i]) return this.firstSeq + i;
    }
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameMembers(actual: Record<string, unknown>, expected: Record<string, string | number>): boolean {
  const names = Object.keys(actual);
  return names.length === Object.keys(expected).length && names.every((name) => Object.hasOwn(expected, name) && actual[name] === expected[name]);
}

interface RecordWalk {
  checked: number;
  problem?: Problem;
  /** Lowest seq of a record above the snapshot's head (maybe appended while verifying). */
  beyond?: number;
  latestPurge?: PurgeDetails;
  lastHash: string;
  nextSeq: number;
}

async function walkRecords(store: KeyValueStore, state: ChainState, index: IndexExpectations): Promise<RecordWalk> {
  const { head, anchor } = state;
  const walk: RecordWalk = { checked: 0, lastHash: anchor.prevHash, nextSeq: anchor.firstSeq };
  const fail = (seq: number, reason: VerifyFailure): RecordWalk => ({ ...walk, problem: { seq, reason } });
  let cursor: string | undefined;
  do {
    const page = await store.query({ prefix: RECORD_PREFIX, order: 'asc', limit: QUERY_PAGE, cursor });
    for (const item of page.items) {
      const keySeq = seqOfKey(item.key);
      if (keySeq === undefined) return fail(walk.nextSeq, 'RECORD_ALTERED');
      if (keySeq < anchor.firstSeq) continue; // left by an interrupted purge; outside the kept chain
      if (keySeq !== walk.nextSeq) return fail(walk.nextSeq, 'RECORD_MISSING');
      if (!head || keySeq > head.seq) return { ...walk, beyond: keySeq };
      const parsed = auditRecordSchema.safeParse(item.value);
      if (!parsed.success) return fail(keySeq, 'RECORD_ALTERED');
      const record = parsed.data;
      if (record.seq !== keySeq || record.prevHash !== walk.lastHash || recordHash(record) !== record.hash) return fail(keySeq, 'RECORD_ALTERED');
      if (record.action === 'audit.purged') {
        const details = purgeDetailsSchema.safeParse(record.details);
        if (!details.success) return fail(keySeq, 'RECORD_ALTERED');
        walk.latestPurge = details.data;
      }
      index.add(record);
      walk.lastHash = record.hash;
      walk.nextSeq++;
      walk.checked++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return walk;
}

/** Head and checkpoint against what the walk confirmed; a problem or undefined. */
function checkControlKeys(state: ChainState, walk: RecordWalk): Problem | undefined {
  const { head, checkpointItem, anchor } = state;
  if (head && walk.nextSeq <= head.seq) return { seq: walk.nextSeq, reason: 'RECORD_MISSING' }; // missing at the tail
  if (head && walk.lastHash !== head.hash) return { seq: head.seq, reason: 'HEAD_MISMATCH' };
  if (!head && checkpointItem) return { seq: anchor.firstSeq, reason: 'CHECKPOINT_MISMATCH' };
  // The checkpoint must be the one the latest purge record (inside the hashed chain) committed to.
  const purgeMatches = walk.latestPurge
    ? walk.latestPurge.firstKeptSeq === anchor.firstSeq && walk.latestPurge.anchorHash === anchor.prevHash
    : checkpointItem === undefined;
  return purgeMatches ? undefined : { seq: anchor.firstSeq, reason: 'CHECKPOINT_MISMATCH' };
}

/**
 * Every stored index entry of seqs in [firstSeq, confirmedTo] must be one the confirmed record owns,
 * unchanged, and every entry a record owns must be there. Entries above the snapshot's head are
 * returned as `beyond` for a re-check against the current head.
 */
async function walkIndex(store: KeyValueStore, index: IndexExpectations, confirmedTo: number): Promise<{ problem?: Problem; beyond?: number }> {
  let problem: Problem | undefined;
  let beyond: number | undefined;
  const report = (seq: number, reason: VerifyFailure): void => {
    if (!problem || seq < problem.seq) problem = { seq, reason };
  };
  let cursor: string | undefined;
  do {
    const page = await store.query({ prefix: INDEX_PREFIX, order: 'asc', limit: QUERY_PAGE, cursor });
    for (const item of page.items) {
      const parsed = parseIndexKey(item.key);
      // A key no append writes: blamed on the seq it ends in, else on the whole index (the first seq).
      if (!parsed) report(Math.max(seqOfKey(item.key) ?? index.firstSeq, index.firstSeq), 'INDEX_ENTRY_EXTRA');
      else if (parsed.seq < index.firstSeq) continue; // left by an interrupted purge, like its record
      else if (parsed.seq > confirmedTo) beyond = Math.min(beyond ?? parsed.seq, parsed.seq);
      else {
        const failure = index.check(item.key, item.value, parsed.seq, parsed.dimension);
        if (failure) report(parsed.seq, failure);
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  const incomplete = index.firstIncomplete(confirmedTo + 1);
  if (incomplete !== undefined) report(incomplete, 'INDEX_ENTRY_MISSING');
  return { problem, beyond };
}

/** A record or index entry above the snapshot's head is bad only if the current head does not cover it either. */
async function stillBeyondHead(store: KeyValueStore, seq: number | undefined): Promise<boolean> {
  if (seq === undefined) return false;
  const parsed = headSchema.safeParse((await store.get(HEAD_KEY))?.value);
  return !parsed.success || parsed.data.seq < seq;
}

export async function verifyChain(store: KeyValueStore): Promise<VerifyResult> {
  const state = await readChainState(store);
  const headHash = state.head?.hash ?? GENESIS_HASH;
  const index = new IndexExpectations(state.anchor.firstSeq, state.head?.seq ?? 0);
  const walk = await walkRecords(store, state, index);
  const recordProblem = walk.problem ?? checkControlKeys(state, walk);
  // Index entries are checked for the records the walk confirmed (from a record problem on, nothing is trusted anyway).
  const confirmedTo = walk.nextSeq - 1;
  const indexWalk = await walkIndex(store, index, recordProblem ? Math.min(confirmedTo, recordProblem.seq - 1) : confirmedTo);
  const candidates = [recordProblem, indexWalk.problem];
  const beyond = Math.min(walk.beyond ?? Infinity, recordProblem ? Infinity : (indexWalk.beyond ?? Infinity));
  if (Number.isFinite(beyond) && (await stillBeyondHead(store, beyond))) {
    candidates.push({ seq: beyond, reason: walk.beyond === beyond ? 'RECORD_BEYOND_HEAD' : 'INDEX_ENTRY_EXTRA' });
  }
  // Ties go to the record problem (listed first): an altered record also fails its index entries.
  const first = candidates.reduce<Problem | undefined>((a, b) => (b && (!a || b.seq < a.seq) ? b : a), undefined);
  if (!first) return { ok: true, checked: walk.checked, headHash };
  const checked = first === recordProblem ? walk.checked : Math.min(walk.checked, first.seq - state.anchor.firstSeq);
  return { ok: false, checked, firstBadSeq: first.seq, reason: first.reason, headHash };
}
