/** Hashing of audit records (SPEC §5 tamper evidence); docs/audit.md says how to recompute it offline. */
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../domain/model';
import { canonicalJson } from '../shared/canonical-json';

/**
 * Round-trips through JSON, exactly as every store does, so the hash computed at append time equals
 * the one recomputed from what the store gives back (undefined dropped, Dates to strings, NaN to null).
 */
export function toJsonValue<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** SHA-256 (lowercase hex) of the UTF-8 bytes of the RFC 8785 canonical JSON of every field except `hash`. */
export function recordHash(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  return sha256Hex(canonicalJson(rest));
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
