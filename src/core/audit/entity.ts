/**
 * The af-audit entity value of a record: its filter attributes (one per index) plus the record, and
 * for a record that published a feed event the event's own part (`ev`, outside the hashed record).
 * The stored record (`rec`) leaves out what the item's key and attributes hold (docs/audit.md
 * "Storage"); `recordOfValue` puts it back. One derivation each way, used by append, the sequencer,
 * verify and every reader (records.ts parseEntity), so they can never disagree.
 */
import type { AuditRecord } from '../domain/model';
import { INDEXED_DIMENSIONS, NO_VALUE, skFits, skParts } from './keys';
import type { PendingRecord } from './schema';

/** A record as its item stores it: without the fields the key and attributes hold (older items: the whole record). */
type StoredRec = Partial<AuditRecord>;

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
  rec: StoredRec;
  /** the feed event's part the record published (SPEC 3a, events/catalog.ts EventPart); the sequencer's rewrite carries it unchanged, raw */
  ev?: unknown;
}

type Attributes = Omit<AuditEntityValue, 'rec' | 'ev'>;

/** The item's attributes for this record (`sk` is its key, keys.ts recordSk). */
function attributesOf(sk: string, rec: PendingRecord | AuditRecord): Attributes {
  const value = { sk, seq: 'seq' in rec ? rec.seq : 0, source: rec.source } as Attributes;
  for (const { attribute, field } of INDEXED_DIMENSIONS) value[attribute] = rec[field] ?? NO_VALUE;
  return value;
}

/** `sk` is the record's key (keys.ts recordSk). */
export function entityValueOf(sk: string, rec: PendingRecord | AuditRecord, ev?: unknown): AuditEntityValue {
  return { ...attributesOf(sk, rec), rec: storedRec(sk, rec), ...(ev !== undefined ? { ev } : {}) };
}

/**
 * The record without what the item holds elsewhere: id and at (the sk), seq and source, and each
 * indexed field (its attribute). A value equal to NO_VALUE stays, since its attribute would read back
 * as "absent"; a key that does not give back id and at exactly keeps the whole record.
 */
function storedRec(sk: string, rec: PendingRecord | AuditRecord): StoredRec {
  if (!skFits(sk, rec.at, rec.id)) return rec;
  const { id: _id, at: _at, seq: _seq, source: _source, ...rest } = rec as AuditRecord;
  const held = new Set<string>(INDEXED_DIMENSIONS.filter(({ field }) => rec[field] !== NO_VALUE).map(({ field }) => field));
  return Object.fromEntries(Object.entries(rest).filter(([field]) => !held.has(field)));
}

/**
 * The whole record an item holds (not yet validated): a stored record without `id` gets back the
 * fields its key and attributes hold; one with `id` (written before records left them out) is whole
 * already and taken as it is, so attributes that disagree with it still make it damaged. A field the
 * stored record does hold wins, so one that disagrees with its attribute is damaged too (attributesMatch).
 */
export function recordOfValue(key: string, value: { seq: number; source: string; rec: unknown } & Record<string, unknown>): unknown {
  const { rec } = value;
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec) || 'id' in rec) return rec;
  const parts = skParts(key);
  if (!parts) return rec;
  const held: Record<string, unknown> = { ...parts, source: value.source, ...(value.seq > 0 ? { seq: value.seq } : {}) };
  for (const { attribute, field } of INDEXED_DIMENSIONS) if (value[attribute] !== NO_VALUE) held[field] = value[attribute];
  return { ...held, ...rec };
}

/** Whether a stored entity's attributes are exactly the ones its record implies (else it hides in, or shows up in, the wrong lists). */
export function attributesMatch(stored: Record<string, unknown>, rec: PendingRecord | AuditRecord, key: string): boolean {
  if (!skFits(key, rec.at, rec.id)) return false;
  const expected = attributesOf(key, rec);
  const names: Array<keyof Attributes> = ['sk', 'seq', 'source', ...INDEXED_DIMENSIONS.map((d) => d.attribute)];
  // + `rec`, and `ev` when the record published an event
  return names.every((name) => stored[name] === expected[name]) && Object.keys(stored).length === names.length + 1 + (stored.ev === undefined ? 0 : 1);
}
