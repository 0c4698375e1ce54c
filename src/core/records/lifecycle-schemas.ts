/** zod schemas re-validating every lifecycle record read from the store (records/lifecycle-keys.ts). */
import { z } from 'zod';
import { FIELD_LIMITS } from '../domain/limits';
import { cursor } from '../domain/fields';

const id = z.string().min(1).max(200);
const millis = z.number().int().nonnegative();

export const dueEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['review-due', 'review-expired']), approvalId: id, pageId: id, spaceId: id, at: millis }).strict(),
  z.object({ kind: z.literal('remind'), approvalId: id, pageId: id, spaceId: id, at: millis, step: z.number().int().nonnegative(), n: z.number().int().positive() }).strict(),
]);
export type DueEntry = z.infer<typeof dueEntrySchema>;

export const outboxItemSchema = z
  .object({
    pageId: id,
    spaceId: id,
    approvalId: id,
    /** found in the posted body: lets a recovering run see whether the post already happened */
    ref: z.string().min(1).max(300),
    body: z.string().min(1).max(50_000),
    parentCommentId: id.optional(),
    createdAt: millis,
  })
  .strict();
export type OutboxItem = z.infer<typeof outboxItemSchema>;

export const stuckFlagSchema = z
  .object({
    approvalId: id,
    pageId: id,
    step: z.number().int().nonnegative(),
    groups: z
      .array(
        z
          .object({
            group: z.string().min(1).max(32),
            required: z.number().int().nonnegative(),
            eligible: z.array(id),
            unavailable: z.array(z.object({ accountId: id, cause: z.enum(['deactivated', 'removed', 'cannot_view']) }).strict()).optional(),
          })
          .strict(),
      )
      .max(FIELD_LIMITS.stepGroups.max),
    since: millis,
  })
  .strict();
export type StuckFlag = z.infer<typeof stuckFlagSchema>;

/** `approvalId`: the approval whose check the deadline cut (its batch resumes there, the ones before it were done) */
export const stuckCursorSchema = z.object({ spaceId: id, cursor: cursor.optional(), approvalId: id.optional() }).strict();

export const resolvedRefSchema = z.object({ approvalId: id, pageId: id }).strict();

export const leaseSchema = z.object({ runId: id, until: millis }).strict();

const { approvalRetentionDays: APPROVAL_DAYS, auditRetentionDays: AUDIT_DAYS } = FIELD_LIMITS;

/** SPEC 2.10: site admins may lengthen the windows, never shorten them below the minimums (limits.ts). */
export const retentionSettingsSchema = z
  .object({
    approvalRetentionDays: z.number().int().min(APPROVAL_DAYS.min).max(APPROVAL_DAYS.max),
    auditRetentionDays: z.number().int().min(AUDIT_DAYS.min).max(AUDIT_DAYS.max),
  })
  .strict();
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

export const DEFAULT_RETENTION: RetentionSettings = {
  approvalRetentionDays: APPROVAL_DAYS.min,
  auditRetentionDays: AUDIT_DAYS.min,
};

export const runSummarySchema = z
  .object({
    at: millis,
    processed: z.number().int().nonnegative(),
    posted: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
    recovered: z.number().int().nonnegative(),
    approvalsPurged: z.number().int().nonnegative(),
    auditRecordsPurged: z.number().int().nonnegative(),
    /** work left for the next run (the budget ran out) */
    more: z.boolean(),
    /** audit records left below the checkpoint by a capped purge (older summaries lack it) */
    auditMore: z.boolean().optional(),
    /** approvals the stuck scan newly flagged (comment to the space admins) in this run */
    stuckFlagged: z.number().int().nonnegative().optional(),
  })
  .strict();
export type RunSummary = z.infer<typeof runSummarySchema>;
