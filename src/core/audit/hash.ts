/**
 * Hashing of audit records (SPEC §5 tamper evidence, §5a segments); docs/audit.md says how to
 * recompute it offline.
 *
 * Format 2 (every record the sequencer links now): `hash = SHA-256(prevHash ‖ recordDigest)` over the
 * ASCII of the two lowercase hex strings, where `recordDigest = SHA-256(JCS(record without prevHash
 * and hash))`. A chain segment can then carry an unrelated record as `{seq, prevHash, recordDigest,
 * hash}` without its content. Format 1 (records linked before it): `hash = SHA-256(JCS(record
 * without hash))`. Stored records are never rewritten: verification accepts each record under
 * either rule (dual verification), so existing chains and retention checkpoints keep verifying.
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../domain/model';
import { canonicalJson } from '../domain/canonical-json';

/**
 * Round-trips through JSON, exactly as every store does, so the hash computed at append time equals
 * the one recomputed from what the store gives back (undefined dropped, Dates to strings, NaN to null).
 */
export function toJsonValue<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

type Hashable = Omit<AuditRecord, 'hash'> | AuditRecord;

/** SHA-256 (hex) of the canonical JSON of the record's content: every field except `prevHash` and `hash`. */
export function recordDigest(record: Hashable): string {
  const { hash: _hash, prevHash: _prev, ...content } = record as AuditRecord;
  return sha256Hex(canonicalJson(content));
}

/** The format-2 link: SHA-256 of the previous hash followed by the record digest (both hex). */
export function chainHash(prevHash: string, digest: string): string {
  return sha256Hex(`${prevHash}${digest}`);
}

/** The hash the sequencer gives a record (format 2). */
export function recordHash(record: Hashable): string {
  return chainHash(record.prevHash, recordDigest(record));
}

/** Format 1: SHA-256 of the canonical JSON of every field except `hash` (`seq` and `prevHash` included). */
export function legacyRecordHash(record: Hashable): string {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  return sha256Hex(canonicalJson(rest));
}

/** Does the stored hash follow from the record under either format? */
export function hashMatches(record: AuditRecord): boolean {
  return recordHash(record) === record.hash || legacyRecordHash(record) === record.hash;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
