/**
 * Storage layout of the audit trail. Only this module may build `audit:` keys (SPEC §5: no other
 * code path writes or deletes audit data).
 *
 *   audit:head                      {seq, hash, at}       chain head, version-conditioned on append
 *   audit:checkpoint                {firstSeq, prevHash}  retention anchor written by purge
 *   audit:rec:<seq12>               AuditRecord
 *   audit:ix:<dim>:<value>:<seq12>  IndexEntry            one per present filter dimension
 */
import { createHash } from 'node:crypto';
import type { AuditFilter } from '../domain/model';

export const HEAD_KEY = 'audit:head';
export const CHECKPOINT_KEY = 'audit:checkpoint';
export const RECORD_PREFIX = 'audit:rec:';
export const INDEX_PREFIX = 'audit:ix:';
export const GENESIS_HASH = '0'.repeat(64);

const SEQ_DIGITS = 12;

/** Zero-padded so that key order equals seq order. */
export function seqDigits(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, '0');
}

export function recordKey(seq: number): string {
  return RECORD_PREFIX + seqDigits(seq);
}

/** Parses the seq out of any key ending in `:<seq12>`; undefined when the suffix is not 12 digits. */
export function seqOfKey(key: string): number | undefined {
  const suffix = key.slice(key.lastIndexOf(':') + 1);
  return /^\d{12}$/.test(suffix) ? Number(suffix) : undefined;
}

/** Filter dimensions that have an index, most selective first (the query planner drives by the first present one). */
export const INDEXED_DIMENSIONS = [
  { dim: 'page', field: 'pageId' },
  { dim: 'cs', field: 'changeSetId' },
  { dim: 'client', field: 'clientId' },
  { dim: 'actor', field: 'actor' },
  { dim: 'space', field: 'spaceId' },
  { dim: 'action', field: 'action' },
  { dim: 'source', field: 'source' },
] as const satisfies readonly { dim: string; field: keyof AuditFilter }[];

export type IndexedDimension = (typeof INDEXED_DIMENSIONS)[number];
export type IndexedField = IndexedDimension['field'];

const RAW_SAFE = /^[A-Za-z0-9._-]{1,200}$/;
const MAX_ENCODED = 300;

/**
 * Makes any string safe inside a key segment. Key-safe ids (the common case) stay readable; anything
 * else becomes `#`+base64url, and very long values `##`+sha256 (a collision only adds candidates,
 * which the record re-check removes). Raw values never start with `#` and base64url never contains it,
 * so the three forms cannot collide.
 */
export function encodeKeyValue(value: string): string {
  if (RAW_SAFE.test(value)) return value;
  const b64 = Buffer.from(value, 'utf8').toString('base64url');
  if (b64.length <= MAX_ENCODED) return `#${b64}`;
  return `##${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

export function indexValuePrefix(dim: IndexedDimension['dim'], value: string): string {
  return `${INDEX_PREFIX}${dim}:${encodeKeyValue(value)}:`;
}

export function indexKey(dim: IndexedDimension['dim'], value: string, seq: number): string {
  return indexValuePrefix(dim, value) + seqDigits(seq);
}

/** The dimension and seq an index key names; undefined for a key no append could have written. */
export function parseIndexKey(key: string): { dimension: IndexedDimension; seq: number } | undefined {
  if (!key.startsWith(INDEX_PREFIX)) return undefined;
  // Encoded values never contain ':', so a well-formed key has exactly dim, value and seq after the prefix.
  const parts = key.slice(INDEX_PREFIX.length).split(':');
  const dimension = INDEXED_DIMENSIONS.find(({ dim }) => dim === parts[0]);
  const seq = seqOfKey(key);
  return parts.length === 3 && dimension && seq !== undefined ? { dimension, seq } : undefined;
}
