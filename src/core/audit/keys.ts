/**
 * Storage layout of the audit trail (docs/audit.md "Storage"). Only this module may build audit keys
 * (SPEC §5: no other code path writes or deletes audit data).
 *
 *   entity af-audit <sk>            {sk, seq, space, page, cs, client, actor, action, source, rec}
 *                                   sk = <at13>-<tick9>-<id>; seq 0 and rec = PendingRecord until sequenced,
 *                                   then seq n and rec = the chained AuditRecord; rec leaves out what sk and
 *                                   the attributes hold (entity.ts; older data: the whole record)
 *   audit:pending:<sk1>             {at, sks: [sk1, …]}   unsequenced marker, ONE per append (sk1 = its first record),
 *                                                         written with the records; older data: {at}, one record, sk = key suffix
 *   audit:seq:<seq12 first 10>:<first12>  {first, sks: [sk, …]}  chain links in blocks: ONE item per sequencer batch and
 *                                   100-seq bucket, naming the records of seqs first, first+1, …; older data:
 *                                   audit:seq:<seq12> {k: sk}, one per seq. A prefix query on the bucket reads both.
 *   audit:head                      {seq, hash, at}       chain head, moved only by the sequencer
 *   audit:checkpoint                {firstSeq, prevHash}  retention anchor written by purge
 *   audit:lease:sequencer           {until}               held while a job-consumer sequencer runs (sequence-alone.ts)
 *   audit:verify:job                {id, by, progress, …} the latest verification job (verify-job.ts)
 */
import type { AuditFilter } from '../domain/model';
import { STORE_LIMITS } from '../ports/store';

export const HEAD_KEY = 'audit:head';
export const CHECKPOINT_KEY = 'audit:checkpoint';
export const SEQUENCER_LEASE_KEY = 'audit:lease:sequencer';
export const VERIFY_JOB_KEY = 'audit:verify:job';
export const PENDING_PREFIX = 'audit:pending:';
export const LINK_PREFIX = 'audit:seq:';
export const GENESIS_HASH = '0'.repeat(64);

const SEQ_DIGITS = 12;
const AT_DIGITS = 13;

/** Zero-padded so that key order equals seq order. */
export function seqDigits(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, '0');
}

/** The per-seq link key of older data (before links went in blocks): still read, never written. */
export function legacyLinkKey(seq: number): string {
  return LINK_PREFIX + seqDigits(seq);
}

/** Links share a key prefix in buckets of 100 seqs (all digits but the last two): one query reads a bucket, no cursor. */
export const LINK_BLOCK = 100;

export function linkBlockPrefix(seq: number): string {
  return LINK_PREFIX + seqDigits(seq).slice(0, SEQ_DIGITS - 2);
}

/** The key of the link block whose first seq is `first` (sorts after the bucket's per-seq keys, before the next bucket). */
export function linkBlockKey(first: number): string {
  return `${linkBlockPrefix(first)}:${seqDigits(first)}`;
}

/**
 * Records one block names at most: a sequencer transaction holds the block, the head, a marker delete
 * and a rewrite per record (docs/audit.md "Sequencing"). Readers rely on it: the blocks that can hold
 * seq n start at n − 21 … n, so with its per-seq key they are 23 keys, one batched read.
 */
export const MAX_LINKS_PER_BLOCK = STORE_LIMITS.maxTransactionOps - 3;

/** What a link key names: one seq (older data) or the first seq of a block; undefined for any other key. */
export function parseLinkKey(key: string): { kind: 'seq' | 'block'; seq: number } | undefined {
  if (!key.startsWith(LINK_PREFIX)) return undefined;
  const suffix = key.slice(LINK_PREFIX.length);
  if (/^\d{12}$/.test(suffix)) return { kind: 'seq', seq: Number(suffix) };
  const [, bucket, first] = /^(\d{10}):(\d{12})$/.exec(suffix) ?? [];
  return bucket !== undefined && first?.startsWith(bucket) ? { kind: 'block', seq: Number(first) } : undefined;
}

/** Time as the 13-digit prefix of sort keys, so range order is time order (epoch ms < 10^13 until 2286). */
export function timeDigits(at: number): string {
  return String(Math.max(0, Math.floor(at))).padStart(AT_DIGITS, '0');
}

/**
 * The record's entity key `<at13>-<tick9>-<id>`: time-sortable, unique by id (ids are key-safe
 * tokens). The tick (a process-wide counter, not data) keeps append order among records of the same
 * millisecond from one process, e.g. the entries of one transaction; across processes the order of
 * same-millisecond records is arbitrary, as it is for concurrent requests.
 */
export function recordSk(at: number, id: string, tick: number): string {
  return `${timeDigits(at)}-${String(tick).padStart(9, '0')}-${id}`;
}

/** The time and id a record's sk holds (recordSk's inverse); undefined for any other key. */
export function skParts(sk: string): { at: number; id: string } | undefined {
  const [, digits, id] = /^(\d{13,})-\d{9}-([\s\S]+)$/.exec(sk) ?? [];
  if (digits === undefined || id === undefined) return undefined;
  const at = Number(digits);
  // exact: only what recordSk writes (no extra leading zeros, a safe integer)
  return Number.isSafeInteger(at) && timeDigits(at) === digits ? { at, id } : undefined;
}

/** Whether an sk belongs to the record with this time and id (the tick is free). */
export function skFits(sk: string, at: number, id: string): boolean {
  const parts = skParts(sk);
  return parts !== undefined && parts.at === at && parts.id === id;
}

let lastTick = 0;
/** Next value of the process-wide append counter (wraps after 10^9). */
export function nextTick(): number {
  lastTick = (lastTick + 1) % 1_000_000_000;
  return lastTick;
}

/**
 * Records one append (one marker) holds at most: the 12 entries an append allowed before, when each
 * entry cost two ops (docs/decisions.md, branch h-chain). A marker this size still fits one
 * sequencer transaction whole (a rewrite each, the marker delete, up to two link blocks and the head).
 */
export const MAX_RECORDS_PER_MARKER = 12;

/** The marker of an append, keyed by its first record's sk (oldest first = append order). */
export function pendingKey(sk: string): string {
  return PENDING_PREFIX + sk;
}

export function skOfPendingKey(key: string): string {
  return key.slice(PENDING_PREFIX.length);
}

/**
 * Filter dimensions with an entity index, most selective first (the planner drives by the first
 * present one). `source` has no index slot left (Forge allows 7): it is filtered in memory.
 */
export const INDEXED_DIMENSIONS = [
  { index: 'by-page', attribute: 'page', field: 'pageId' },
  { index: 'by-cs', attribute: 'cs', field: 'changeSetId' },
  { index: 'by-client', attribute: 'client', field: 'clientId' },
  { index: 'by-actor', attribute: 'actor', field: 'actor' },
  { index: 'by-space', attribute: 'space', field: 'spaceId' },
  { index: 'by-action', attribute: 'action', field: 'action' },
] as const satisfies readonly { index: string; attribute: string; field: keyof AuditFilter }[];

export const TIME_INDEX = 'by-time';

/**
 * Stored for an absent optional dimension: every index attribute is always written, because
 * whether Forge leaves an item without one out of the index is unconfirmed. A real value equal to
 * it only adds candidates, which the record re-check removes.
 */
export const NO_VALUE = '~none~';
