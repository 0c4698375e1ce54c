/** Canonical serialisation and hashing of audit records (SPEC §5 tamper evidence). */
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../domain/model';

/**
 * JSON with object keys sorted at every depth, so the hash does not depend on property order
 * (which differs between writers and stores). Input must already be JSON-normalised (see toJsonValue).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/**
 * Round-trips through JSON, exactly as every store does, so the hash computed at append time equals
 * the one recomputed from what the store gives back (undefined dropped, Dates to strings, NaN to null).
 */
export function toJsonValue<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** SHA-256 (hex) over the canonical JSON of every field except `hash` (prevHash included). */
export function recordHash(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}
