/**
 * Group commit of the audit chain (docs/audit.md "Sequencing"): links the oldest unsequenced records
 * into the hash chain, a batch per transaction, moving the head with a version condition. Whoever
 * wins the head sequences everyone's records; a loser stops instead of retrying (no retry storm).
 * Run by the scheduled sweep, the local scheduler, the admin read paths, and after commits (P2's queue).
 */
import type { Clock } from '../ports/clock';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, StoreError, type KeyValueStore, type TxOp } from '../ports/store';
import { readChainState } from './chain-state';
import { entityValueOf } from './entity';
import { recordHash, toJsonValue } from './hash';
import { GENESIS_HASH, HEAD_KEY, PENDING_PREFIX, linkKey, skOfPendingKey } from './keys';
import { parseEntity } from './records';
import type { ChainHead, PendingRecord } from './schema';
import type { AuditRecord } from '../domain/model';

/** Records per transaction: entity rewrite + link + marker delete each, plus the head (3 × 8 + 1 = 25). */
export const SEQUENCE_BATCH = Math.floor((STORE_LIMITS.maxTransactionOps - 1) / 3);
/**
 * A batch also stays inside one Forge write unit (10 KB of payload): eight rewritten records of
 * ~1.4 KB cost 2 units, so a batch links fewer records when theirs are large. Framing of an op on
 * the wire and of the transaction, calibrated on the Forge meter (bench section 8).
 */
const OP_FRAMING = 165;
const TX_FRAMING = 300;

/** Batches one call runs at most (bounded work per invocation). */
export const DEFAULT_MAX_BATCHES = 50;

export interface SequenceDeps {
  store: KeyValueStore;
  clock: Clock;
}

export interface SequenceResult {
  sequenced: number;
  /** Markers still pending when the call ended (a lower bound, at most 100). */
  remaining: number;
}

interface Candidate {
  markerKey: string;
  sk: string;
  rec: PendingRecord;
}

/** The oldest markers whose records are intact and pending; a marker without a sound record is left for verify to report. */
async function oldestPending(store: KeyValueStore): Promise<{ candidates: Candidate[]; markers: number }> {
  const page = await store.query({ prefix: PENDING_PREFIX, order: 'asc', limit: SEQUENCE_BATCH });
  if (page.items.length === 0) return { candidates: [], markers: 0 };
  const entities = await store.getEntities(AUDIT_ENTITY, page.items.map((item) => skOfPendingKey(item.key)));
  const byKey = new Map(entities.map((e) => [e.key, e]));
  const candidates: Candidate[] = [];
  for (const item of page.items) {
    const entity = byKey.get(skOfPendingKey(item.key));
    const stored = entity && parseEntity(entity);
    if (stored?.pending) candidates.push({ markerKey: item.key, sk: skOfPendingKey(item.key), rec: stored.record });
  }
  return { candidates, markers: page.items.length };
}

/** One batch (the oldest candidates that fit one write unit; always the first): how many were linked, or undefined when another invocation moved the head first. */
async function sequenceBatch(deps: SequenceDeps, candidates: Candidate[]): Promise<number | undefined> {
  const { headItem, head } = await readChainState(deps.store);
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  let at = head?.at ?? 0;
  const ops: TxOp[] = [];
  let bytes = TX_FRAMING;
  for (const { markerKey, sk, rec } of candidates) {
    const unsigned = toJsonValue({ ...rec, seq: seq + 1, prevHash });
    const record: AuditRecord = { ...unsigned, hash: recordHash(unsigned) };
    const value = entityValueOf(sk, record);
    const linked: TxOp[] = [
      { op: 'put', entity: AUDIT_ENTITY, key: value.sk, value: toJsonValue(value), condition: { kind: 'exists' } },
      { op: 'put', key: linkKey(seq + 1), value: { k: value.sk }, condition: { kind: 'absent' } },
      { op: 'delete', key: markerKey, condition: { kind: 'exists' } },
    ];
    bytes += JSON.stringify(linked).length + linked.length * OP_FRAMING;
    if (ops.length > 0 && bytes > STORE_LIMITS.writeUnitBytes) break;
    ops.push(...linked);
    seq += 1;
    prevHash = record.hash;
    at = Math.max(at, record.at);
  }
  const count = ops.length / 3;
  ops.push({
    op: 'put',
    key: HEAD_KEY,
    value: { seq, hash: prevHash, at } satisfies ChainHead,
    condition: headItem ? { kind: 'version', version: headItem.version } : { kind: 'absent' },
  });
  try {
    await deps.store.transact(ops);
    return count;
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
  for (let batch = 0; batch < maxBatches; batch++) {
    const { candidates, markers } = await oldestPending(deps.store);
    if (candidates.length === 0) return { sequenced, remaining: markers };
    const linked = await sequenceBatch(deps, candidates);
    if (linked === undefined) break;
    sequenced += linked;
    // a batch cut short by its size leaves candidates for the next one
    if (markers < SEQUENCE_BATCH && linked === candidates.length) return { sequenced, remaining: markers - linked };
  }
  const left = await deps.store.query({ prefix: PENDING_PREFIX, order: 'asc', limit: STORE_LIMITS.maxQueryLimit });
  return { sequenced, remaining: left.items.length };
}
