/** Reading af-audit entities back as records, re-validated (storage is an external input). */
import { DomainError } from '../domain/errors';
import type { AuditRecord } from '../domain/model';
import type { EntityItem } from '../ports/store';
import { attributesMatch, recordOfValue } from './entity';
import { auditEntitySchema, auditRecordSchema, pendingRecordSchema, type PendingRecord } from './schema';

/**
 * A record as stored; `event` is the feed event's part it carries, raw (a JSON value, never validated
 * here: a later catalogue change must not damage old records). Only the sequencer's rewrite (copies it
 * unchanged) and the feed (validates it, events/feed.ts) use it.
 */
export type StoredRecord = ({ pending: false; record: AuditRecord } | { pending: true; record: PendingRecord }) & { event?: unknown };

/** The record an entity holds (made whole again: entity.ts recordOfValue), or undefined when it is damaged (wrong shape, or attributes that disagree with it; never for its event). */
export function parseEntity(entity: EntityItem): StoredRecord | undefined {
  const parsed = auditEntitySchema.safeParse(entity.value);
  if (!parsed.success) return undefined;
  const event = parsed.data.ev === undefined ? {} : { event: parsed.data.ev };
  const whole = recordOfValue(entity.key, parsed.data);
  if (parsed.data.seq === 0) {
    const rec = pendingRecordSchema.safeParse(whole);
    return rec.success && attributesMatch(parsed.data, rec.data, entity.key) ? { pending: true, record: rec.data, ...event } : undefined;
  }
  const rec = auditRecordSchema.safeParse(whole);
  return rec.success && rec.data.seq === parsed.data.seq && attributesMatch(parsed.data, rec.data, entity.key) ? { pending: false, record: rec.data, ...event } : undefined;
}

/** As listed: a pending record gets seq 0, empty hashes and `pending: true`. Listing stops on a damaged record; verify() names it. */
export function recordOfEntity(entity: EntityItem): AuditRecord {
  const stored = parseEntity(entity);
  if (!stored) throw new DomainError('AUDIT_RECORD_INVALID', `Audit record ${entity.key} is damaged; run the audit verification.`);
  return stored.pending ? { ...stored.record, seq: 0, prevHash: '', hash: '', pending: true } : stored.record;
}
