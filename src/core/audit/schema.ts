/** zod schemas for everything the audit trail reads back from storage or accepts from the engine. */
import { z } from 'zod';
import { AUDIT_ACTIONS, type AuditFilter, type AuditRecord } from '../domain/model';
import { MAX_LINKS_PER_BLOCK, MAX_RECORDS_PER_MARKER } from './keys';

const id = z.string().min(1).max(256);
const hash = z.string().regex(/^[0-9a-f]{64}$/);
const seq = z.number().int().min(1);
const time = z.number().int().min(0);

export const actionSchema = z.enum(AUDIT_ACTIONS);
export const sourceSchema = z.enum(['ui', 'api']);

/** The fields a caller records (AuditEntry); a stored record adds id and at, the sequencer seq and the chain hashes. */
const entryFields = {
  actor: id,
  action: actionSchema,
  spaceId: id,
  pageId: id.optional(),
  pageVersion: z.number().int().min(1).optional(),
  workflowId: id.optional(),
  changeSetId: id.optional(),
  approvalId: id.optional(),
  source: sourceSchema,
  clientId: id.optional(),
  details: z.record(z.string(), z.unknown()),
};

/** What the engine hands to prepareAppend. */
export const auditEntrySchema = z
  .object(entryFields)
  .strict()
  .refine((e) => e.source === 'api' || e.clientId === undefined, {
    message: 'clientId is recorded for API calls only',
    path: ['clientId'],
  });
export type AuditEntryInput = z.infer<typeof auditEntrySchema>;

/** Stored record. Strict: an injected extra field is tampering, not something to strip silently. */
export const auditRecordSchema = z.object({ id, seq, at: time, ...entryFields, prevHash: hash, hash }).strict();

export const headSchema = z.object({ seq, hash, at: time }).strict();
export type ChainHead = z.infer<typeof headSchema>;

export const checkpointSchema = z.object({ firstSeq: seq, prevHash: hash }).strict();
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** A record as its change transaction writes it: no seq or hashes yet (the sequencer adds them). */
export const pendingRecordSchema = z.object({ id, at: time, ...entryFields }).strict();
export type PendingRecord = z.infer<typeof pendingRecordSchema>;

const sk = z.string().min(1).max(500);

/** A chain link of older data (`audit:seq:<seq12>`): which record holds this seq. */
export const legacyLinkSchema = z.object({ k: sk }).strict();

/** A link block (`audit:seq:<bucket>:<first12>`): the records of seqs first, first + 1, … (checked against its key by the reader). */
export const linkBlockSchema = z
  .object({ first: seq, sks: z.array(sk).min(1).max(MAX_LINKS_PER_BLOCK) })
  .strict();

/** An append's unsequenced marker: when, and its records in append order (the first is the key's). */
export const markerSchema = z.object({ at: time, sks: z.array(sk).min(1).max(MAX_RECORDS_PER_MARKER) }).strict();
export type Marker = z.infer<typeof markerSchema>;
/** A marker of older data: one record, the key's. */
export const legacyMarkerSchema = z.object({ at: time }).strict();

/** The af-audit entity as stored; `rec`, made whole again (entity.ts recordOfValue), is checked against pendingRecordSchema or auditRecordSchema by seq; `ev` is never checked here (only the feed validates it). */
export const auditEntitySchema = z
  .object({
    sk: z.string(),
    seq: z.number().int().min(0),
    space: z.string(),
    page: z.string(),
    cs: z.string(),
    client: z.string(),
    actor: z.string(),
    action: z.string(),
    source: z.string(),
    rec: z.unknown(),
    // the feed event's part (events/catalog.ts eventPartSchema); absent on records that published none
    ev: z.unknown().optional(),
  })
  .strict();

export const auditFilterSchema = z
  .object({
    from: time.optional(),
    to: time.optional(),
    spaceId: id.optional(),
    pageId: id.optional(),
    changeSetId: id.optional(),
    actor: id.optional(),
    action: actionSchema.optional(),
    source: sourceSchema.optional(),
    clientId: id.optional(),
  })
  .strict()
  // an empty range is a mistake, not a question (docs/api.md: INVALID_FILTER)
  .refine((f) => f.from === undefined || f.to === undefined || f.from <= f.to, { path: ['to'], message: 'must not be before from' });

/** Details of an `audit.purged` record: they pin the checkpoint, so a forged checkpoint is detected. */
export const purgeDetailsSchema = z.object({
  before: time,
  firstKeptSeq: seq,
  anchorHash: hash,
  records: z.number().int().min(0),
});
export type PurgeDetails = z.infer<typeof purgeDetailsSchema>;

// The schemas must produce exactly the domain types.
const _recordMatchesModel: z.infer<typeof auditRecordSchema> extends AuditRecord ? true : never = true;
const _filterMatchesModel: z.infer<typeof auditFilterSchema> extends AuditFilter ? true : never = true;
void _recordMatchesModel;
void _filterMatchesModel;
