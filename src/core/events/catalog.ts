/**
 * The event feed's catalogue (SPEC 3a): the event types, the envelope, and the ONE table that derives
 * an event from an audit record. Events are derived where audit records are appended (audit/append.ts),
 * so an event is written in the same transaction as its change and its audit record: no event without
 * its change, no change without its event.
 */
import { z } from 'zod';
import type { AuditAction } from '../domain/model';

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
export interface EventSource {
  id: string;
  at: number;
  actor: string;
  action: AuditAction;
  spaceId: string;
  pageId?: string;
  pageVersion?: number;
  workflowId?: string;
  changeSetId?: string;
  approvalId?: string;
  source: 'ui' | 'api';
  clientId?: string;
  details: Record<string, unknown>;
}

/**
 * Audit action → event type. `when` narrows an action whose record covers more than the event
 * (`approval.approved` is recorded for every approving decision; the event is the approval as a
 * whole). Types with no row yet (`approval.stale`, `approval.fresh_again`, `changeset.rollup_changed`,
 * `delegation.*`) are added here by the features that record their changes, and nowhere else.
 */
const FROM_AUDIT: ReadonlyArray<{ action: AuditAction; type: EventType; when?: (details: Record<string, unknown>) => boolean }> = [
  { action: 'approval.submitted', type: 'approval.submitted' },
  { action: 'approval.step_completed', type: 'approval.step_completed' },
  { action: 'approval.approved', type: 'approval.approved', when: (d) => d.status === 'approved' },
  { action: 'approval.rejected', type: 'approval.rejected' },
  { action: 'approval.cancelled', type: 'approval.cancelled' },
  // an admin's reset of a pending approval cancels it
  { action: 'approval.reset', type: 'approval.cancelled', when: (d) => d.previousStatus === 'pending' },
  { action: 'review.due', type: 'review.due' },
  { action: 'review.expired', type: 'review.expired' },
];

/** Details copied into `data`: metadata only (never comments, titles or bodies). */
const DATA_FIELDS = ['step', 'nextStep', 'status', 'previousStatus', 'reviewDueAt', 'reason'] as const;

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

/** The event type an audit entry produces, if any. */
export function eventTypeOf(action: AuditAction, details: Record<string, unknown>): EventType | undefined {
  const row = FROM_AUDIT.find((r) => r.action === action && (!r.when || r.when(details)));
  return row?.type;
}

/** The envelope of the event an audit record produces, or undefined when it produces none. */
export function eventOf(rec: EventSource, eventId: string): EventEnvelope | undefined {
  const type = eventTypeOf(rec.action, rec.details);
  if (!type) return undefined;
  const data: Record<string, string | number | boolean> = {};
  for (const field of DATA_FIELDS) {
    const value = rec.details[field];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') data[field] = value;
  }
  return {
    id: eventId,
    type,
    occurredAt: new Date(rec.at).toISOString(),
    spaceId: rec.spaceId,
    ...(rec.pageId !== undefined ? { pageId: rec.pageId } : {}),
    ...(rec.pageVersion !== undefined ? { pageVersion: rec.pageVersion } : {}),
    ...(rec.approvalId !== undefined ? { approvalId: rec.approvalId } : {}),
    ...(rec.changeSetId !== undefined ? { changeSetId: rec.changeSetId } : {}),
    ...(rec.workflowId !== undefined ? { workflowId: rec.workflowId } : {}),
    actor: rec.actor,
    source: rec.source,
    ...(rec.clientId !== undefined ? { clientId: rec.clientId } : {}),
    data,
  };
}
