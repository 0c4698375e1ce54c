/**
 * Group commit of the audit chain (docs/audit.md "Sequencing"): links the oldest unsequenced records
 * into the hash chain, a batch per transaction, moving the head with a version condition. Whoever
 * wins the head sequences everyone's records; a loser stops instead of retrying (no retry storm).
 * Run by the scheduled sweep, the local scheduler, the admin read paths, and after commits (P2's queue).
 */
import type { Clock } from '../ports/clock';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, StoreError, txPayloadBytes, type KeyValueStore, type StoredItem, type TxOp } from '../ports/store';
import { readChainState } from './chain-state';
import { entityValueOf } from './entity';
import { recordHash, toJsonValue } from './hash';
import { GENESIS_HASH, HEAD_KEY, LINK_BLOCK, PENDING_PREFIX, linkBlockKey, pendingKey } from './keys';
import { sksOfMarker } from './markers';
import { parseEntity } from './records';
import type { ChainHead, Marker, PendingRecord } from './schema';
import type { AuditRecord } from '../domain/model';

/**
 * Ops a batch spends on records and their markers: 25 less the head and a link block for each of the
 * (at most two) 100-seq buckets its seqs touch. A batch reads whole markers within that (m markers
 * name at most 22 − m records) and may cut the last one it links at any record: the rest of that
 * marker is re-marked, one put that the unlinked record frees. Within that, a batch links the records
 * whose write units (10 KB of payload, estimated by txPayloadBytes, ports/store.ts) per record are
 * fewest, so a unit is filled with records rather than ended at a marker's edge.
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
  /** present when the `release` op (sequencePendingAudit's options) rode in a batch */
  released?: true;
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
 * The oldest listed markers but the ones this call knows or deleted. Where the index lags a delete
 * (U22) it still lists the markers this call's batches deleted, oldest first: a page holding them is
 * read on past them (only they cost a further page), else a page full of them would end the call
 * with markers left and `remaining: 0`.
 */
async function listedMarkers(store: KeyValueStore, known: ReadonlyMap<string, ReadyMarker>, settled: ReadonlySet<string>): Promise<{ items: StoredItem[]; nextCursor?: string }> {
  const items: StoredItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ prefix: PENDING_PREFIX, order: 'asc', limit: SEQUENCE_BATCH, ...(cursor ? { cursor } : {}) });
    items.push(...page.items.filter((item) => !known.has(item.key) && !settled.has(item.key)));
    cursor = page.nextCursor;
    // read on only past markers this call itself settled: a page short of them has the oldest there are
    if (page.items.every((item) => !settled.has(item.key))) break;
  } while (cursor !== undefined && items.length < SEQUENCE_BATCH);
  return { items, ...(cursor ? { nextCursor: cursor } : {}) };
}

/**
 * The oldest markers that fit one batch, with their records. A marker that is damaged, or names a
 * record that is missing, damaged or no longer pending, is left whole for verify to report. The
 * `known` markers (what the previous batch left: markers read for it, a remainder it re-marked) come
 * first and their records are not read again: if another invocation linked them meanwhile, the
 * batch's conditions fail.
 */
async function oldestPending(store: KeyValueStore, known: ReadonlyMap<string, ReadyMarker>, settled: ReadonlySet<string>): Promise<PendingRead> {
  const page = await listedMarkers(store, known, settled);
  // the previous batch's leftovers first: where the index lags it may not list them yet (a remainder it just re-marked)
  const leftovers = [...known.values()].map((m) => ({ key: m.key, sks: m.records.map((r) => r.sk) }));
  const markers = [...leftovers, ...page.items.map((item) => ({ key: item.key, sks: sksOfMarker(item.key, item.value) }))];
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

/** The ops that settle a marker once `linked` of its records are: its delete, and when some stay pending a marker for them (keyed by the first, as append keys one). */
function markerOps(marker: ReadyMarker, linked: number): { ops: TxOp[]; rest: ReadyMarker[] } {
  const remove: TxOp = { op: 'delete', key: marker.key, condition: { kind: 'exists' } };
  const records = marker.records.slice(linked);
  const [next] = records;
  if (!next) return { ops: [remove], rest: [] };
  const key = pendingKey(next.sk);
  const put: TxOp = { op: 'put', key, value: { at: next.rec.at, sks: records.map((r) => r.sk) } satisfies Marker, condition: { kind: 'absent' } };
  return { ops: [remove, put], rest: [{ key, records }] };
}

/** Where planBatch may cut: at any record, only at a marker's edge, or nowhere (all of `ready`). */
type BatchCut = 'any' | 'markers' | 'none';

interface BatchPlan {
  ops: TxOp[];
  records: number;
  /** the ready markers (or their remainders) this batch leaves pending */
  rest: ReadyMarker[];
  perRecord: number;
}

/**
 * The cut of `ready` (at any record, oldest first) whose write units per record are fewest; on a
 * tie the longer (fewer transactions and head moves). Each record rewritten with seq, prevHash, hash
 * and its event unchanged (condition exists), each marker deleted (exists; one cut inside a marker
 * re-marks the rest), a link block per bucket (absent) and the head moved (version). Only the size
 * cuts a batch here: oldestPending hands over markers whose records and deletes fit SEQUENCE_BATCH
 * (22 ops), which leaves room for the head, two link blocks and a remainder's marker.
 */
function planBatch(ready: ReadyMarker[], head: ChainHead | undefined, headCondition: TxOp['condition'], cut: BatchCut): BatchPlan {
  const first = (head?.seq ?? 0) + 1;
  let prevHash = head?.hash ?? GENESIS_HASH;
  let at = head?.at ?? 0;
  const rewrites: TxOp[] = [];
  const deletes: TxOp[] = [];
  const sks: string[] = [];
  let best: BatchPlan | undefined;
  for (const [i, marker] of ready.entries()) {
    for (const [j, { sk, rec, ev }] of marker.records.entries()) {
      const unsigned = toJsonValue({ ...rec, seq: first + sks.length, prevHash });
      const record: AuditRecord = { ...unsigned, hash: recordHash(unsigned) };
      // the event rides along unchanged: it is outside the hashed record
      rewrites.push({ op: 'put', entity: AUDIT_ENTITY, key: sk, value: toJsonValue(entityValueOf(sk, record, ev)), condition: { kind: 'exists' } });
      sks.push(sk);
      prevHash = record.hash;
      at = Math.max(at, rec.at);
      const markerEnd = j === marker.records.length - 1;
      if ((cut === 'none' && (i < ready.length - 1 || !markerEnd)) || (cut === 'markers' && !markerEnd)) continue;
      const settled = markerOps(marker, j + 1);
      const headOp: TxOp = { op: 'put', key: HEAD_KEY, value: { seq: first + sks.length - 1, hash: prevHash, at } satisfies ChainHead, condition: headCondition };
      const ops = [...rewrites, ...deletes, ...settled.ops, ...blockOps(first, sks), headOp];
      const perRecord = Math.max(1, Math.ceil(txPayloadBytes(ops) / STORE_LIMITS.writeUnitBytes)) / sks.length;
      if (!best || perRecord <= best.perRecord) best = { ops, records: sks.length, rest: [...settled.rest, ...ready.slice(i + 1)], perRecord };
    }
    deletes.push({ op: 'delete', key: marker.key, condition: { kind: 'exists' } });
  }
  // the caller never hands over an empty `ready` (sequencePendingAudit returns first), so a batch was always planned
  if (!best) throw new Error('invariant: planBatch called without ready markers');
  return best;
}

/**
 * One batch (planBatch). `release` (the lease's delete, sequence-alone.ts) joins a batch that leaves
 * nothing of `ready` behind, when it fits: the lease then costs no transaction of its own. What was
 * linked, or undefined when another invocation moved the head first (or the lease was lost).
 */
async function sequenceBatch(
  deps: SequenceDeps,
  ready: ReadyMarker[],
  options: { release?: TxOp; cut: BatchCut },
): Promise<{ records: number; rest: ReadyMarker[]; deleted: string[]; released: boolean } | undefined> {
  const { headItem, head } = await readChainState(deps.store);
  const plan = planBatch(ready, head, headItem ? { kind: 'version', version: headItem.version } : { kind: 'absent' }, options.cut);
  const released = options.release !== undefined && plan.rest.length === 0 && plan.ops.length < STORE_LIMITS.maxTransactionOps;
  try {
    await deps.store.transact(released && options.release ? [...plan.ops, options.release] : plan.ops);
    // a batch deletes nothing but markers
    return { records: plan.records, rest: plan.rest, deleted: plan.ops.flatMap((op) => (op.op === 'delete' ? [op.key] : [])), released };
  } catch (error) {
    if (error instanceof StoreError && error.code === 'CONDITION_FAILED') return undefined;
    throw error;
  }
}

/**
 * Sequences pending records, oldest first, until none is left, `maxBatches` ran, or another
 * invocation won the head (it sequences the rest: group commit). Safe to call concurrently.
 * `release`: an op that rides in the batch that links the last pending record, if it fits
 * (`released` says whether it did).
 */
export async function sequencePendingAudit(deps: SequenceDeps, options: { maxBatches?: number; release?: TxOp } = {}): Promise<SequenceResult> {
  const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
  let sequenced = 0;
  let known = new Map<string, ReadyMarker>();
  // markers this call deleted: an index that lags may still list them (never ready, they would only take room)
  const settled = new Set<string>();
  for (let batch = 0; batch < maxBatches; batch++) {
    const { ready, named, more } = await oldestPending(deps.store, known, settled);
    if (ready.length === 0) return { sequenced, remaining: named };
    // Nothing beyond what was read: no cut (units round up per transaction, so a cut saves none). The last batch
    // allowed cuts only at a marker's edge (a remainder it re-marked could hide from a lagging index after this call).
    const cut: BatchCut = !more ? 'none' : batch === maxBatches - 1 ? 'markers' : 'any';
    const linked = await sequenceBatch(deps, ready, { ...(more ? {} : { release: options.release }), cut });
    if (linked === undefined) break;
    sequenced += linked.records;
    for (const key of linked.deleted) settled.add(key);
    known = new Map(linked.rest.map((m) => [m.key, m]));
    // a batch cut short by its size leaves markers (or a marker's remainder) for the next one
    if (!more && linked.rest.length === 0) return { sequenced, remaining: named - linked.records, ...(linked.released ? { released: true as const } : {}) };
  }
  const left = await deps.store.query({ prefix: PENDING_PREFIX, order: 'asc', limit: STORE_LIMITS.maxQueryLimit });
  // a lagging index may still list markers this call deleted: they are not left
  const listed = left.items.filter((item) => !settled.has(item.key));
  return { sequenced, remaining: listed.reduce((n, item) => n + (sksOfMarker(item.key, item.value)?.length ?? 1), 0) };
}
