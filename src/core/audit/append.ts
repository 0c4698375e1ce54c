/**
 * Appending: the engine writes each change and its audit records in ONE store transaction, so it
 * asks prepareAppend() for the ops and adds them to its own (docs/audit.md "Writing"). No head is
 * read or conditioned here: records land unsequenced and the sequencer links them (sequencer.ts).
 * The event feed's events (SPEC 3a) are derived here too and ride in their record's item, so they
 * share the change's transaction without a write of their own.
 */
import { DomainError, issueDetails } from '../domain/errors';
import { eventPartOf } from '../events/catalog';
import type { AuditRecord } from '../domain/model';
import type { Clock, IdGenerator } from '../ports/clock';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, WRITE_FRAMING, txPayloadBytes, type KeyValueStore, type TxOp } from '../ports/store';
import { entityValueOf } from './entity';
import { toJsonValue } from './hash';
import { MAX_RECORDS_PER_MARKER, nextTick, pendingKey, recordSk } from './keys';
import { auditEntrySchema, type AuditEntryInput, type Marker, type PendingRecord } from './schema';

/** What a caller records; the trail adds id and at, the sequencer seq and the hash chain. */
export type AuditEntry = Omit<AuditRecord, 'id' | 'seq' | 'at' | 'prevHash' | 'hash' | 'pending'>;

export interface AppendDeps {
  store: KeyValueStore;
  clock: Clock;
  ids: IdGenerator;
}

/** Ops one entry adds: its record (entity), which also carries its feed event, if any. */
export const AUDIT_OPS_PER_ENTRY = 1;
/** Ops an append adds once, whatever its entries: the one unsequenced marker. */
export const AUDIT_OPS_PER_APPEND = 1;
/** Entries one append holds at most (the sequencer links a marker's records in one transaction). */
export const MAX_AUDIT_ENTRIES = MAX_RECORDS_PER_MARKER;

/** Ops prepareAppend returns for these entries (exact). */
export function auditOpsFor(entries: readonly Pick<AuditEntry, 'action' | 'details'>[]): number {
  return entries.length === 0 ? 0 : entries.length * AUDIT_OPS_PER_ENTRY + AUDIT_OPS_PER_APPEND;
}

function parseEntry(entry: AuditEntry): AuditEntryInput {
  const result = auditEntrySchema.safeParse(entry);
  if (!result.success) {
    throw new DomainError(
      'AUDIT_ENTRY_INVALID',
      'An audit entry is not valid.',
      issueDetails(result.error.issues),
    );
  }
  return result.data;
}

function parseEntries(entries: AuditEntry[]): AuditEntryInput[] {
  if (entries.length > MAX_AUDIT_ENTRIES || auditOpsFor(entries) > STORE_LIMITS.maxTransactionOps) {
    throw new DomainError('AUDIT_TOO_MANY_ENTRIES', 'Too many audit entries for one transaction.');
  }
  return entries.map(parseEntry);
}

/** The ops of these entries at `at` (see prepareAppend). */
function appendOps(parsed: AuditEntryInput[], at: number, ids: IdGenerator, tick: () => number): TxOp[] {
  const ops: TxOp[] = [];
  const sks: string[] = [];
  for (const entry of parsed) {
    const rec: PendingRecord = toJsonValue({ ...entry, id: ids.next('aud'), at });
    const value = entityValueOf(recordSk(at, rec.id, tick()), rec, eventPartOf(rec, () => ids.next('evt')));
    sks.push(value.sk);
    ops.push({ op: 'put', entity: AUDIT_ENTITY, key: value.sk, value: toJsonValue(value), condition: { kind: 'absent' } });
  }
  const [first] = sks;
  if (first !== undefined) ops.push({ op: 'put', key: pendingKey(first), value: { at, sks } satisfies Marker, condition: { kind: 'absent' } });
  return ops;
}

/**
 * The TxOps that record these entries: per entry the af-audit entity (condition absent), holding the
 * part of the feed event it publishes, if any (`ev`, outside the hashed record); then ONE pending
 * marker for them all, keyed by the first record (condition absent). Every record of the append has
 * the same `at` (one commit, one time). Reads nothing, so concurrent writers never contend here.
 */
export function prepareAppend(deps: Pick<AppendDeps, 'clock' | 'ids'>, entries: AuditEntry[]): TxOp[] {
  const parsed = parseEntries(entries);
  return parsed.length === 0 ? [] : appendOps(parsed, Math.floor(deps.clock.now()), deps.ids, nextTick);
}

/**
 * Ids longer than any the app makes here (random-ids.ts: prefix `aud` or `evt`, `_`, 31 characters:
 * 35), so the bound below holds for every id; 40 rather than a looser 64 lets a change-set batch of 7
 * pages be sized at 2 write units (issue 23 item 4).
 */
const ID_BOUND = 40;
const LONGEST_AT = 9_999_999_999_999;
const longIds: IdGenerator = { next: (prefix = '') => `${prefix}_`.padEnd(ID_BOUND, 'x') };

/**
 * An upper bound of the payload prepareAppend adds to a transaction (txPayloadBytes' terms, without
 * the transaction's own framing): the very ops, built with the longest time and ids. Change-set
 * batches are cut under one write unit with it (services/changesets/batches.ts).
 */
export function auditBytesBound(entries: AuditEntry[]): number {
  return entries.length === 0 ? 0 : txPayloadBytes(appendOps(entries.map(parseEntry), LONGEST_AT, longIds, () => 0)) - WRITE_FRAMING.perTransaction;
}
