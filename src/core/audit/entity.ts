/**
 * The af-audit entity value of a record: its filter attributes (one per index) plus the record, and
 * for a record that published a feed event the event's own part (`ev`, outside the hashed record).
 * One derivation, used by append, the sequencer and verify, so they can never disagree.
 */
import type { AuditRecord } from '../domain/model';
import { INDEXED_DIMENSIONS, NO_VALUE, skFits } from './keys';
import type { PendingRecord } from './schema';

export interface AuditEntityValue {
  sk: string;
  seq: number;
  space: string;
  page: string;
  cs: string;
  client: string;
  actor: string;
  action: string;
  source: string;
  rec: PendingRecord | AuditRecord;
  /** the feed event's part the record published (SPEC 3a, events/catalog.ts EventPart); the sequencer's rewrite carries it unchanged, raw */
  ev?: unknown;
}

/** `sk` is the record's key (keys.ts recordSk). */
export function entityValueOf(sk: string, rec: PendingRecord | AuditRecord, ev?: unknown): AuditEntityValue {
  const value = { sk, seq: 'seq' in rec ? rec.seq : 0, source: rec.source, rec, ...(ev !== undefined ? { ev } : {}) } as AuditEntityValue;
  for (const { attribute, field } of INDEXED_DIMENSIONS) value[attribute] = rec[field] ?? NO_VALUE;
  return value;
}

/** Whether a stored entity's attributes are exactly the ones its record implies (else it hides in, or shows up in, the wrong lists). */
export function attributesMatch(stored: Record<string, unknown>, rec: PendingRecord | AuditRecord, key: string): boolean {
  if (!skFits(key, rec.at, rec.id)) return false;
  const expected = entityValueOf(key, rec);
  const names: Array<keyof AuditEntityValue> = ['sk', 'seq', 'source', ...INDEXED_DIMENSIONS.map((d) => d.attribute)];
  // + `rec`, and `ev` when the record published an event
  return names.every((name) => stored[name] === expected[name]) && Object.keys(stored).length === names.length + 1 + (stored.ev === undefined ? 0 : 1);
}
