/**
 * zod schemas that re-validate every record read from storage (a corrupted or foreign value must
 * never flow into a decision). They mirror the types in model.ts; the z.ZodType<T> annotations make
 * tsc fail when the two drift apart. Limits come from limits.ts, enums from model.ts.
 */
import { z } from 'zod';
import type { ChangeSet, PageApproval, Workflow, WorkflowStep } from './model';
import { APPROVAL_STATUSES, CHANGE_SET_STATUSES, SOURCES } from './model';
import { DomainError } from './errors';
import { FIELD_LIMITS as L, REVIEW_PERIOD_DAYS } from './limits';
import { decision, stepMode } from './fields';

/**
 * Stored records keep the length and count rules of fields.ts but not the input-format rules (id
 * spelling, text hygiene): those apply to new input at the edge, and a record written before a rule
 * tightened must still load.
 */
const id = z.string().min(1).max(200);
const millis = z.number().int().nonnegative();
const version = z.number().int().positive();

export const workflowStepSchema: z.ZodType<WorkflowStep> = z.object({
  name: z.string().max(L.stepName.max).optional(),
  approvers: z.array(id).min(L.approvers.min).max(L.approvers.max),
  mode: stepMode,
});

/** SPEC 2.1 review and reminder fields; optional so workflows stored before them still parse. */
export const reviewFields = {
  reviewPeriodDays: z.union(REVIEW_PERIOD_DAYS.map((d) => z.literal(d))).nullable().optional(),
  reminderWindowDays: z.number().int().min(L.reminderWindowDays.min).max(L.reminderWindowDays.max).optional(),
  remindAfterDays: z.number().int().min(L.remindAfterDays.min).max(L.remindAfterDays.max).nullable().optional(),
};

const storedSteps = z.array(workflowStepSchema).min(L.steps.min).max(L.steps.max);
const storedWorkflowName = z.string().min(L.workflowName.min).max(L.workflowName.max);

export const workflowSchema: z.ZodType<Workflow> = z.object({
  id,
  spaceId: id,
  name: storedWorkflowName,
  enabled: z.boolean(),
  steps: storedSteps,
  owners: z.array(id),
  allowSelfApproval: z.boolean(),
  ...reviewFields,
  createdAt: millis,
  createdBy: id,
  updatedAt: millis,
  updatedBy: id,
  version,
});

const decisionSchema = z.object({
  step: z.number().int().nonnegative(),
  accountId: id,
  decision,
  comment: z.string().max(L.comment.max).optional(),
  at: millis,
});

const routedBySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('assignment') }),
  z.strictObject({ kind: z.literal('rule'), ruleId: id }),
  z.strictObject({ kind: z.literal('default') }),
]);

export const pageApprovalSchema: z.ZodType<PageApproval> = z.object({
  id,
  pageId: id,
  spaceId: id,
  pageVersion: version,
  workflowId: id,
  workflowSnapshot: z.object({ id, name: storedWorkflowName, steps: storedSteps, allowSelfApproval: z.boolean(), version, ...reviewFields }),
  status: z.enum(APPROVAL_STATUSES),
  activeStep: z.number().int().nonnegative(),
  decisions: z.array(decisionSchema),
  submittedBy: id,
  submittedAt: millis,
  source: z.enum(SOURCES),
  clientId: z.string().optional(),
  changeSetId: id.optional(),
  routedBy: routedBySchema.optional(),
  decidedAt: millis.optional(),
  version,
});

export const changeSetSchema: z.ZodType<ChangeSet> = z.object({
  id,
  spaceId: id,
  title: z.string().min(L.changeSetTitle.min).max(L.changeSetTitle.max),
  summary: z.string().max(L.changeSetSummary.max),
  referenceUrl: z.string().max(L.referenceUrl.max).optional(),
  pageRefs: z.array(z.object({ pageId: id })).min(L.pageRefs.min).max(L.pageRefs.max),
  status: z.enum(CHANGE_SET_STATUSES),
  createdAt: millis,
  createdBy: id,
  updatedAt: millis,
  updatedBy: id,
  version,
});

/** `assign:<pageId>`: explicit page → workflow assignment. */
/** `source`: `rule:<id>` when a routing rule made it at a first submit (SPEC 2.2a); absent for an admin's or an author's choice. */
export const assignmentSchema = z.object({ pageId: id, spaceId: id, workflowId: id, source: z.string().max(200).optional() });
export type Assignment = z.infer<typeof assignmentSchema>;


/** `approval-comment:<approvalId>`: the page comment that announced the submission (decisions reply to it). */
export const commentRefSchema = z.object({ commentId: id });

/** Parse a stored value or fail as an internal error (never echo the stored value). */
export function parseStored<T>(schema: z.ZodType<T>, key: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new DomainError('CORRUPT_RECORD', `A stored record failed validation (${key.split(':')[0]}).`);
  }
  return result.data;
}
