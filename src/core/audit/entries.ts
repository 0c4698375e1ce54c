/**
 * The index entries a record owns: written with it (append), deleted with it (purge), and compared
 * against what is stored (verify). One derivation, so the three can never disagree.
 */
import type { AuditRecord } from '../domain/model';
import type { TxOp } from '../ports/store';
import { toJsonValue } from './hash';
import { INDEXED_DIMENSIONS, indexKey } from './keys';
import type { IndexEntry } from './schema';

/** The record's filterable fields (absent optional ones are undefined). */
export function indexFieldsOf(record: AuditRecord): IndexEntry {
  const { seq, at, actor, action, spaceId, source, pageId, changeSetId, clientId } = record;
  return { seq, at, actor, action, spaceId, source, pageId, changeSetId, clientId };
}

/** The value stored under each of the record's index keys: its filterable fields, as stored JSON. */
function indexEntryOf(record: AuditRecord): IndexEntry {
  return toJsonValue(indexFieldsOf(record));
}

/** Index keys of the dimensions present on the record. */
export function indexKeysOf(record: AuditRecord): string[] {
  const keys: string[] = [];
  for (const { dim, field } of INDEXED_DIMENSIONS) {
    const value = record[field];
    if (value !== undefined) keys.push(indexKey(dim, value, record.seq));
  }
  return keys;
}

export function indexPutsOf(record: AuditRecord): TxOp[] {
  const value = indexEntryOf(record);
  return indexKeysOf(record).map((key): TxOp => ({ op: 'put', key, value }));
}
