/**
 * The event feed's catalogue (SPEC 3a): the event types, the envelope, and the ONE table that derives
 * an event from an audit record. Events are derived where audit records are appended (audit/append.ts)
 * and stored IN the record's af-audit item (its `ev` attribute, outside the hashed record), so an event
 * is written in the same transaction as its change and its audit record: no event without its change,
 * no change without its event. The item keeps only the event's own part (id, type, data); the rest of
 * the envelope is the hashed record's (envelopeOf), so it is stored once and cannot disagree with it.
 */
import { z } from 'zod';
import type { AuditAction, AuditRecord } from '../domain/model';

export const EVENT_TYPES = [
  'approval.submitted',
  'approval.step_completed',
  'approval.approved',
  'approval.rejected',
  'approval.cancelled',
  'approval.stale',
  'approval.fresh_again',
  'changeset.rollup_changed',
  'review.due',
  'review.expired',
  'delegation.started',
  'delegation.ended',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** What an audit entry carries that an event is derived from (the record before sequencing). */
export type EventSource = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash' | 'pending'>;

/**
 * Audit action → event type. `when` narrows an action whose record covers more than the event
 * (`approval.approved` is recorded for every approving decision; the event is the approval as a
 * whole); `data` adds fixed fields. A type is derived here and nowhere else. Not derived yet (named
 * in docs/api.md "Event feed"): a delegation's start or end by the clock alone (no record is written then).
 */
const FROM_AUDIT: ReadonlyArray<{ action: AuditAction; type: EventType; when?: (details: Record<string, unknown>) => boolean; data?: Record<string, string> }> = [
  { action: 'approval.submitted', type: 'approval.submitted' },
  { action: 'approval.step_completed', type: 'approval.step_completed' },
  { action: 'approval.approved', type: 'approval.approved', when: (d) => d.status === 'approved' },
  { action: 'approval.rejected', type: 'approval.rejected' },
  { action: 'approval.cancelled', type: 'approval.cancelled' },
  // an admin's reset of a pending approval cancels it
  { action: 'approval.reset', type: 'approval.cancelled', when: (d) => d.previousStatus === 'pending' },
  // a page's approval went stale or fresh again; a set approval voided by an edit is its set's roll-up change below
  { action: 'approval.stale', type: 'approval.stale', when: (d) => d.reason !== 'pinned_page_changed' },
  { action: 'approval.fresh_again', type: 'approval.fresh_again' },
  // an atomic set's one approval decides the set's roll-up (SPEC 2.5 names), and each pinned page's state (MANIFEST_EVENTS)
  { action: 'changeset.submitted', type: 'changeset.rollup_changed', when: (d) => d.mode === 'atomic', data: { rollupState: 'in_review' } },
  { action: 'changeset.approved', type: 'changeset.rollup_changed', data: { rollupState: 'all_approved' } },
  { action: 'changeset.rejected', type: 'changeset.rollup_changed', data: { rollupState: 'has_rejections' } },
  // a per-page set's roll-up, recorded when a page of it moved (services/changesets/rollup-events.ts)
  { action: 'changeset.rollup_changed', type: 'changeset.rollup_changed' },
  // its pages fall back to their own approvals: which roll-up that gives is not known here (docs/api.md "Event feed")
  { action: 'changeset.invalidated', type: 'changeset.rollup_changed', data: { status: 'invalidated' } },
  { action: 'review.due', type: 'review.due' },
  { action: 'review.expired', type: 'review.expired' },
  // a delegation created to start now has started; one that starts later is announced by no record
  { action: 'delegation.created', type: 'delegation.started', when: (d) => d.startsNow === true },
  { action: 'delegation.revoked', type: 'delegation.ended' },
];

/**
 * An atomic set's record also publishes, before its roll-up event, one page event per page of its
 * manifest (`details.manifest`, "pageId@version"): the page's state changed through the set approval,
 * whose id is the page's approval id (SPEC 2.5a). One record, so the events share its transaction.
 */
const MANIFEST_EVENTS: ReadonlyArray<{ action: AuditAction; type: EventType; when?: (details: Record<string, unknown>) => boolean; data?: Record<string, string> }> = [
  { action: 'changeset.submitted', type: 'approval.submitted', when: (d) => d.mode === 'atomic' },
  { action: 'changeset.approved', type: 'approval.approved', data: { status: 'approved' } },
  { action: 'changeset.rejected', type: 'approval.rejected', data: { status: 'rejected' } },
];

/** Details copied into `data`: metadata only (never comments, titles or bodies). */
const DATA_FIELDS = ['step', 'nextStep', 'status', 'previousStatus', 'reviewDueAt', 'reason', 'rollupState', 'previousRollupState'] as const;

const id = z.string().min(1).max(256);
export const eventEnvelopeSchema = z
  .object({
    id,
    type: z.enum(EVENT_TYPES),
    occurredAt: z.string(),
    spaceId: id,
    pageId: id.optional(),
    pageVersion: z.number().int().min(1).optional(),
    approvalId: id.optional(),
    changeSetId: id.optional(),
    workflowId: id.optional(),
    actor: id,
    source: z.enum(['ui', 'api']),
    clientId: id.optional(),
    data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  })
  .strict();

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** What the af-audit item stores of an event: what the record does not already say (a manifest page's event: its page and approval). */
export const eventPartSchema = z
  .object({
    id,
    type: z.enum(EVENT_TYPES),
    data: eventEnvelopeSchema.shape.data,
    pageId: id.optional(),
    pageVersion: eventEnvelopeSchema.shape.pageVersion,
    approvalId: id.optional(),
  })
  .strict();
export type EventPart = z.infer<typeof eventPartSchema>;

function rowOf(action: AuditAction, details: Record<string, unknown>) {
  return FROM_AUDIT.find((r) => r.action === action && (!r.when || r.when(details)));
}

/** The event type an audit entry produces, if any. */
export function eventTypeOf(action: AuditAction, details: Record<string, unknown>): EventType | undefined {
  return rowOf(action, details)?.type;
}

/**
 * Whether a catalogue row maps this audit action to this event type (whatever its `when`): the check a
 * stored event (outside the hashed record) must pass to be served with its record.
 */
export function publishes(action: AuditAction, type: EventType): boolean {
  return [...FROM_AUDIT, ...MANIFEST_EVENTS].some((r) => r.action === action && r.type === type);
}

function dataOf(details: Record<string, unknown>, fixed: Record<string, string> | undefined): EventPart['data'] {
  const data: Record<string, string | number | boolean> = { ...fixed };
  for (const field of DATA_FIELDS) {
    const value = details[field];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') data[field] = value;
  }
  return data;
}

/** The pinned pages of an atomic set's record ("pageId@version" each); none when its details name no manifest or set approval. */
function manifestPages(details: Record<string, unknown>): Array<{ pageId: string; pageVersion: number; approvalId: string }> {
  const { manifest, setApprovalId } = details;
  if (!Array.isArray(manifest) || typeof setApprovalId !== 'string') return [];
  return manifest.flatMap((entry) => {
    const match = typeof entry === 'string' ? /^(.+)@([1-9][0-9]*)$/.exec(entry) : null;
    return match ? [{ pageId: match[1]!, pageVersion: Number(match[2]), approvalId: setApprovalId }] : [];
  });
}

/**
 * The parts of the events an audit record produces, in feed order (stored beside it: one part as
 * itself, several as a list), or undefined when it produces none. `nextId` names each event.
 */
export function eventPartOf(rec: Pick<EventSource, 'action' | 'details'>, nextId: () => string): EventPart | EventPart[] | undefined {
  const perPage = MANIFEST_EVENTS.find((r) => r.action === rec.action && (!r.when || r.when(rec.details)));
  const pages: EventPart[] = perPage ? manifestPages(rec.details).map((page) => ({ id: nextId(), type: perPage.type, data: dataOf({}, perPage.data), ...page })) : [];
  const row = rowOf(rec.action, rec.details);
  const parts = row ? [...pages, { id: nextId(), type: row.type, data: dataOf(rec.details, row.data) }] : pages;
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : parts;
}

/** The envelope of a stored event: its part, and everything else from its (hashed) record (a part's page and approval win). */
export function envelopeOf(rec: EventSource, part: EventPart): EventEnvelope {
  return {
    id: part.id,
    type: part.type,
    occurredAt: new Date(rec.at).toISOString(),
    spaceId: rec.spaceId,
    ...(rec.pageId !== undefined ? { pageId: rec.pageId } : {}),
    ...(rec.pageVersion !== undefined ? { pageVersion: rec.pageVersion } : {}),
    ...(rec.approvalId !== undefined ? { approvalId: rec.approvalId } : {}),
    // a manifest page's event names its page and approval (the record names the set)
    ...(part.pageId !== undefined ? { pageId: part.pageId } : {}),
    ...(part.pageVersion !== undefined ? { pageVersion: part.pageVersion } : {}),
    ...(part.approvalId !== undefined ? { approvalId: part.approvalId } : {}),
    ...(rec.changeSetId !== undefined ? { changeSetId: rec.changeSetId } : {}),
    ...(rec.workflowId !== undefined ? { workflowId: rec.workflowId } : {}),
    actor: rec.actor,
    source: rec.source,
    ...(rec.clientId !== undefined ? { clientId: rec.clientId } : {}),
    data: part.data,
  };
}
