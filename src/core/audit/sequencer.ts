/**
 * Group commit of the audit chain (docs/audit.md "Sequencing"): links the oldest unsequenced records
 * into the hash chain, a batch per transaction, moving the head with a version condition. Whoever
 * wins the head sequences everyone's records; a loser stops instead of retrying (no retry storm).
 * Run by the scheduled sweep, the local scheduler, the admin read paths, and after commits (P2's queue).
 */
import type { Clock } from '../ports/clock';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, StoreError, txPayloadBytes, type KeyValueStore, type TxOp } from '../ports/store';
import { readChainState } from './chain-state';
import { entityValueOf } from './entity';
import { recordHash, toJsonValue } from './hash';
import { GENESIS_HASH, HEAD_KEY, LINK_BLOCK, PENDING_PREFIX, linkBlockKey } from './keys';
import { sksOfMarker } from './markers';
import { parseEntity } from './records';
import type { ChainHead, PendingRecord } from './schema';
import type { AuditRecord } from '../domain/model';

/**
 * Ops a batch spends on records and their markers: 25 less the head and a link block for each of the
 * (at most two) 100-seq buckets its seqs touch. Markers are linked whole, so a batch of m markers
 * links at most 22 − m records (e.g. 11 one-record markers, or one of 12 and three of 2).
 * Within that, a batch links the markers whose write units (10 KB of payload, estimated by
 * txPayloadBytes, ports/store.ts) per record are fewest: rewritten records of ~1.2 KB fill a unit at
 * about eight, so a batch may stop short of the op limit, or take two units where the records fill them.
 */
export const SEQUENCE_BATCH = STORE_LIMITS.maxTransactionOps - 3;

/** Batches one call runs at most (bounded work per invocation). */
export const DEFAULT_MAX_BATCHES = 50;

export interface SequenceDeps {
  store: KeyValueStore;
  clock: Clock;
}

export interface SequenceResult {
  sequenced: number;
  /** Records still pending when the call ended, as their markers name them (a lower bound: at most 100 markers are read). */
  remaining: number;
}

/** A marker whose records are all intact and pending, in append order (with the feed event each carries). */
interface ReadyMarker {
  key: string;
  records: Array<{ sk: string; rec: PendingRecord; ev?: unknown }>;
}

interface PendingRead {
  ready: ReadyMarker[];
  /** records the markers read name (a damaged marker counts one) */
  named: number;
  /** markers exist beyond the ones taken */
  more: boolean;
}

/**
 * The oldest markers that fit one batch, with their records. A marker that is damaged, or names a
 * record that is missing, damaged or no longer pending, is left whole for verify to report. The
 * records of `known` markers (read for the previous batch, which the write unit cut short) are not
 * read again: if another invocation linked them meanwhile, the batch's conditions fail.
 */
async function oldestPending(store: KeyValueStore, known: ReadonlyMap<string, ReadyMarker>): Promise<PendingRead> {
  const page = await store.query({ prefix: PENDING_PREFIX, order: 'asc', limit: SEQUENCE_BATCH });
  const markers = page.items.map((item) => ({ key: item.key, sks: sksOfMarker(item.key, item.value) }));
  const taken: Array<{ key: string; sks: string[] }> = [];
  let ops = 0;
  for (const { key, sks } of markers) {
    if (!sks) continue;
    if (taken.length > 0 && ops + sks.length + 1 > SEQUENCE_BATCH) break;
    taken.push({ key, sks });
    ops += sks.length + 1;
  }
  const keys = taken.filter((m) => !known.has(m.key)).flatMap((m) => m.sks);
  const entities = new Map<string, ReturnType<typeof parseEntity>>();
  for (let i = 0; i < keys.length; i += STORE_LIMITS.maxBatchGet) {
    for (const e of await store.getEntities(AUDIT_ENTITY, keys.slice(i, i + STORE_LIMITS.maxBatchGet))) entities.set(e.key, parseEntity(e));
  }
  const ready: ReadyMarker[] = [];
  for (const { key, sks } of taken) {
    const cached = known.get(key);
    if (cached) {
      ready.push(cached);
      continue;
    }
    const records = sks.flatMap((sk) => {
      const stored = entities.get(sk);
      return stored?.pending ? [{ sk, rec: stored.record, ...(stored.event !== undefined ? { ev: stored.event } : {}) }] : [];
    });
    if (records.length === sks.length) ready.push({ key, records });
  }
  const named = markers.reduce((n, m) => n + (m.sks?.length ?? 1), 0);
  return { ready, named, more: page.nextCursor !== undefined || markers.length > taken.length };
}

/** Link block puts for these sks of seqs first, first + 1, …: one per 100-seq bucket (condition absent). */
function blockOps(first: number, sks: string[]): TxOp[] {
  const ops: TxOp[] = [];
  for (let i = 0; i < sks.length; ) {
    const seq = first + i;
    const n = Math.min(sks.length - i, LINK_BLOCK - (seq % LINK_BLOCK));
    ops.push({ op: 'put', key: linkBlockKey(seq), value: { first: seq, sks: sks.slice(i, i + n) }, condition: { kind: 'absent' } });
    i += n;
  }
  return ops;
}

/**
 * One batch: whole markers, oldest first, as many as fit 25 ops, cut where Forge's write units per
 * record are fewest (on a tie, the longer batch: fewer transactions and head moves): each record
 * rewritten with seq, prevHash, hash and its event unchanged (condition exists), each marker deleted
 * (exists), a link block per bucket (absent) and the head moved (version). How many markers and
 * records were linked, or undefined when another invocation moved the head first.
 */
async function sequenceBatch(deps: SequenceDeps, ready: ReadyMarker[]): Promise<{ markers: number; records: number } | undefined> {
  const { headItem, head } = await readChainState(deps.store);
  const first = (head?.seq ?? 0) + 1;
  const headOp = (sks: string[], hash: string, at: number): TxOp => ({
    op: 'put',
    key: HEAD_KEY,
    value: { seq: first + sks.length - 1, hash, at } satisfies ChainHead,
    condition: headItem ? { kind: 'version', version: headItem.version } : { kind: 'absent' },
  });
  let prevHash = head?.hash ?? GENESIS_HASH;
  let at = head?.at ?? 0;
  const records: TxOp[] = [];
  const sks: string[] = [];
  let best: { markers: number; ops: TxOp[]; records: number; perRecord: number } | undefined;
  // Only the size cuts a batch here: oldestPending hands over markers whose records and deletes
  // fit SEQUENCE_BATCH (22 ops), leaving room for the head and the at most two link blocks.
  for (const [i, marker] of ready.entries()) {
    for (const { sk, rec, ev } of marker.records) {
      const unsigned = toJsonValue({ ...rec, seq: first + sks.length, prevHash });
      const record: AuditRecord = { ...unsigned, hash: recordHash(unsigned) };
      // the event rides along unchanged: it is outside the hashed record
      records.push({ op: 'put', entity: AUDIT_ENTITY, key: sk, value: toJsonValue(entityValueOf(sk, record, ev)), condition: { kind: 'exists' } });
      sks.push(sk);
      prevHash = record.hash;
    }
    records.push({ op: 'delete', key: marker.key, condition: { kind: 'exists' } });
    at = Math.max(at, ...marker.records.map((r) => r.rec.at));
    const ops = [...records, ...blockOps(first, sks), headOp(sks, prevHash, at)];
    const perRecord = Math.max(1, Math.ceil(txPayloadBytes(ops) / STORE_LIMITS.writeUnitBytes)) / sks.length;
    if (!best || perRecord <= best.perRecord) best = { markers: i + 1, ops, records: sks.length, perRecord };
  }
  // the caller never hands over an empty `ready` (sequencePendingAudit returns first), so a batch was always sized
  if (!best) throw new Error('invariant: sequenceBatch called without ready markers');
  const { ops } = best;
  try {
    await deps.store.transact(ops);
    return { markers: best.markers, records: best.records };
  } catch (error) {
    if (error instanceof StoreError && error.code === 'CONDITION_FAILED') return undefined;
    throw error;
  }
}

/**
 * Sequences pending records, oldest first, until none is left, `maxBatches` ran, or another
 * invocation won the head (it sequences the rest: group commit). Safe to call concurrently.
 */
export async function sequencePendingAudit(deps: SequenceDeps, options: { maxBatches?: number } = {}): Promise<SequenceResult> {
  const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
  let sequenced = 0;
  let known = new Map<string, ReadyMarker>();
  for (let batch = 0; batch < maxBatches; batch++) {
    const { ready, named, more } = await oldestPending(deps.store, known);
    if (ready.length === 0) return { sequenced, remaining: named };
    const linked = await sequenceBatch(deps, ready);
    if (linked === undefined) break;
    sequenced += linked.records;
    known = new Map(ready.slice(linked.markers).map((m) => [m.key, m]));
    // a batch cut short by its size leaves markers for the next one
    if (!more && linked.markers === ready.length) return { sequenced, remaining: named - linked.records };
  }
  const left = await deps.store.query({ prefix: PENDING_PREFIX, order: 'asc', limit: STORE_LIMITS.maxQueryLimit });
  return { sequenced, remaining: left.items.reduce((n, item) => n + (sksOfMarker(item.key, item.value)?.length ?? 1), 0) };
}
