/**
 * Appending: the engine writes each change and its audit records in ONE store transaction, so it
 * asks prepareAppend() for the ops and adds them to its own (docs/audit.md "Writing").
 */
import { DomainError } from '../domain/errors';
import type { AuditRecord } from '../domain/model';
import type { Clock, IdGenerator } from '../ports/clock';
import { STORE_LIMITS, type KeyValueStore, type TxOp } from '../ports/store';
import { parseHead } from './chain-state';
import { indexPutsOf } from './entries';
import { recordHash, toJsonValue } from './hash';
import { GENESIS_HASH, HEAD_KEY, INDEXED_DIMENSIONS, recordKey } from './keys';
import { auditEntrySchema, type AuditEntryInput, type ChainHead } from './schema';

/** What a caller records; the trail adds id, seq, at and the hash chain. */
export type AuditEntry = Omit<AuditRecord, 'id' | 'seq' | 'at' | 'prevHash' | 'hash'>;

/** The chain head as a committed transaction left it: lets a sequential writer skip re-reading it. */
export interface AuditHeadHint {
  head: ChainHead;
  version: number;
}

export interface AppendDeps {
  store: KeyValueStore;
  clock: Clock;
  ids: IdGenerator;
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

/** The head a successful transact(ops) leaves behind, given prepareAppend's ops (stores bump versions by one per put). */
export function headAfter(ops: TxOp[]): AuditHeadHint | undefined {
  const headOp = ops.find((op) => op.op === 'put' && op.key === HEAD_KEY);
  if (!headOp || headOp.op !== 'put') return undefined;
  const version = headOp.condition?.kind === 'version' ? headOp.condition.version + 1 : 1;
  return { head: headOp.value as ChainHead, version };
}

function parseEntries(entries: AuditEntry[]): AuditEntryInput[] {
  if (auditOpsFor(entries.length) > STORE_LIMITS.maxTransactionOps) {
    throw new DomainError('internal', 'AUDIT_TOO_MANY_ENTRIES', 'Too many audit entries for one transaction.');
  }
  return entries.map((entry) => {
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
}

/**
 * Reads the chain head and returns the TxOps that append these entries: per entry the record (condition
 * `absent`, which also refuses to overwrite history if the head was ever lost) and its index entries,
 * then the head update conditioned on the version read. The caller commits them in the SAME
 * transaction as its change and, on StoreError CONDITION_FAILED, re-runs its whole read-decide-write
 * step. `knownHead` (headAfter() of the caller's previous commit) skips the head read; if another
 * writer moved the head meanwhile, the head condition fails and the retry reads it afresh.
 */
export async function prepareAppend(deps: AppendDeps, entries: AuditEntry[], knownHead?: AuditHeadHint): Promise<TxOp[]> {
  if (entries.length === 0) return [];
  const parsed = parseEntries(entries);
  const headItem = knownHead ? { value: knownHead.head, version: knownHead.version } : await deps.store.get(HEAD_KEY);
  const head = headItem ? parseHead(headItem.value) : undefined;
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  // Never earlier than the head, so seq order is time order even if the clock steps back.
  let at = head?.at ?? 0;
  const ops: TxOp[] = [];
  for (const entry of parsed) {
    seq += 1;
    at = Math.max(Math.floor(deps.clock.now()), at);
    const unsigned = toJsonValue({ ...entry, id: deps.ids.next('aud'), seq, at, prevHash });
    const record: AuditRecord = { ...unsigned, hash: recordHash(unsigned) };
    ops.push({ op: 'put', key: recordKey(seq), value: record, condition: { kind: 'absent' } }, ...indexPutsOf(record));
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
