/**
 * Appending: the engine writes each change and its audit records in ONE store transaction, so it
 * asks prepareAppend() for the ops and adds them to its own (docs/audit.md "Writing"). No head is
 * read or conditioned here: records land unsequenced and the sequencer links them (sequencer.ts).
 * The event feed's events (SPEC 3a) are derived here too, so they share the change's transaction.
 */
import { DomainError } from '../domain/errors';
import { eventOf, eventTypeOf } from '../events/catalog';
import { eventPutOp } from '../events/store';
import type { AuditRecord } from '../domain/model';
import type { Clock, IdGenerator } from '../ports/clock';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore, type TxOp } from '../ports/store';
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

/** Ops one entry adds: its record (entity); + 1 when it produces a feed event. */
export const AUDIT_OPS_PER_ENTRY = 1;
/** Ops an append adds once, whatever its entries: the one unsequenced marker. */
export const AUDIT_OPS_PER_APPEND = 1;
/** Entries one append holds at most (the sequencer links a marker's records in one transaction). */
export const MAX_AUDIT_ENTRIES = MAX_RECORDS_PER_MARKER;

/** Ops prepareAppend returns for these entries (exact). */
export function auditOpsFor(entries: readonly Pick<AuditEntry, 'action' | 'details'>[]): number {
  if (entries.length === 0) return 0;
  return entries.reduce((n, e) => n + AUDIT_OPS_PER_ENTRY + (eventTypeOf(e.action, e.details) ? 1 : 0), AUDIT_OPS_PER_APPEND);
}

function parseEntries(entries: AuditEntry[]): AuditEntryInput[] {
  if (entries.length > MAX_AUDIT_ENTRIES || auditOpsFor(entries) > STORE_LIMITS.maxTransactionOps) {
    throw new DomainError('AUDIT_TOO_MANY_ENTRIES', 'Too many audit entries for one transaction.');
  }
  return entries.map((entry) => {
    const result = auditEntrySchema.safeParse(entry);
    if (!result.success) {
      throw new DomainError(
        'AUDIT_ENTRY_INVALID',
        'An audit entry is not valid.',
        result.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
      );
    }
    return result.data;
  });
}

/**
 * The TxOps that record these entries: per entry the af-audit entity (condition absent) and, for an
 * entry the feed publishes, its af-event item under the same sk (condition absent); then ONE pending
 * marker for them all, keyed by the first record (condition absent). Every record of the append has
 * the same `at` (one commit, one time). Reads nothing, so concurrent writers never contend here.
 */
export function prepareAppend(deps: Pick<AppendDeps, 'clock' | 'ids'>, entries: AuditEntry[]): TxOp[] {
  const parsed = parseEntries(entries);
  if (parsed.length === 0) return [];
  const at = Math.floor(deps.clock.now());
  const ops: TxOp[] = [];
  const sks: string[] = [];
  for (const entry of parsed) {
    const rec: PendingRecord = toJsonValue({ ...entry, id: deps.ids.next('aud'), at });
    const value = entityValueOf(recordSk(at, rec.id, nextTick()), rec);
    sks.push(value.sk);
    ops.push({ op: 'put', entity: AUDIT_ENTITY, key: value.sk, value: toJsonValue(value), condition: { kind: 'absent' } });
    const event = eventOf(rec, deps.ids.next('evt'));
    if (event) ops.push(eventPutOp(value.sk, event));
  }
  const [first] = sks;
  if (first !== undefined) ops.push({ op: 'put', key: pendingKey(first), value: { at, sks } satisfies Marker, condition: { kind: 'absent' } });
  return ops;
}
