/**
 * zod schemas that re-validate every record read from storage (a corrupted or foreign value must
 * never flow into a decision). They mirror the types in model.ts; the z.ZodType<T> annotations make
 * tsc fail when the two drift apart. Limits come from limits.ts, enums from model.ts.
 */
import { z } from 'zod';
import type { ChangeSet, PageApproval, SetApproval, Workflow, WorkflowStep } from './model';
import { APPROVAL_MODES, APPROVAL_STATUSES, CHANGE_SET_STATUSES, SET_APPROVAL_STATUSES, SOURCES, STALENESS_POLICIES } from './model';
import { DomainError } from './errors';
import type { PageLatest } from './page-state';
import { FIELD_LIMITS as L, REVIEW_PERIOD_DAYS } from './limits';
import { decision, groupRequired, rejectPolicy, stepMode } from './fields';
import { reviewTermsOf } from './review';
import { savedStep } from './step-composition';
import { SOD_DEFAULTS } from './sod';
import { decisionSignatureSchema, storedStepSignatureSchema } from './signature-fields';

/**
 * Stored records keep the length and count rules of fields.ts but not the input-format rules (id
 * spelling, text hygiene): those apply to new input at the edge, and a record written before a rule
 * tightened must still load.
 */
const id = z.string().min(1).max(200);
const millis = z.number().int().nonnegative();
const version = z.number().int().positive();

const approverList = z.array(id).min(L.approvers.min).max(L.approvers.max);

/** A stored step: the short form of records written before SPEC 2.1a, or the saved form (groups, with the short form mirrored). */
export const workflowStepSchema: z.ZodType<WorkflowStep> = z
  .object({
    name: z.string().max(L.stepName.max).optional(),
    approvers: approverList.optional(),
    mode: stepMode.optional(),
    groups: z
      .array(z.object({ key: z.string().min(1).max(32), name: z.string().min(L.groupName.min).max(L.groupName.max), approvers: approverList, required: groupRequired }))
      .min(L.stepGroups.min)
      .max(L.stepGroups.max)
      .optional(),
    rejectPolicy: rejectPolicy.optional(),
    distinctAcrossGroups: z.boolean().optional(),
    signature: storedStepSignatureSchema.optional(),
  })
  .refine((s) => s.groups !== undefined || (s.approvers !== undefined && s.mode !== undefined), 'a step has groups, or approvers and mode');

/** SPEC 2.1 review and reminder fields; optional so workflows stored before them still parse. */
export const reviewFields = {
  reviewPeriodDays: z.union(REVIEW_PERIOD_DAYS.map((d) => z.literal(d))).nullable().optional(),
  reminderWindowDays: z.number().int().min(L.reminderWindowDays.min).max(L.reminderWindowDays.max).optional(),
  remindAfterDays: z.number().int().min(L.remindAfterDays.min).max(L.remindAfterDays.max).nullable().optional(),
};

/** SPEC 2.3a: a field left out (an imported document's partial object) takes its default. */
const storedSod = z.object({
  excludeEditors: z.enum(['none', 'last_editor', 'since_last_approval']).default(SOD_DEFAULTS.excludeEditors),
  distinctAcrossSteps: z.boolean().default(SOD_DEFAULTS.distinctAcrossSteps),
  changeSetMinDistinctApprovers: z.number().int().min(L.changeSetMinDistinctApprovers.min).max(L.changeSetMinDistinctApprovers.max).default(SOD_DEFAULTS.changeSetMinDistinctApprovers),
});

/** SPEC 2.4a staleness fields; optional so workflows and approvals stored before them still parse. */
export const stalenessFields = {
  stalenessPolicy: z.enum(STALENESS_POLICIES).optional(),
  tolerance: z
    .object({
      maxChangedChars: z.number().int().min(L.toleranceChangedChars.min).max(L.toleranceChangedChars.max),
      maxVersions: z.number().int().min(L.toleranceVersions.min).max(L.toleranceVersions.max),
    })
    .nullable()
    .optional(),
};

const storedSteps = z.array(workflowStepSchema).min(L.steps.min).max(L.steps.max);
const storedWorkflowName = z.string().min(L.workflowName.min).max(L.workflowName.max);

/**
 * A stored workflow in the form reads return (SPEC 2.1, 2.1a), whenever it was written: steps with
 * `groups` (and the short form for a single-group step), every review and reminder setting with its
 * default. The one normaliser of list, get, export and every other reader of workflows.
 */
export const workflowSchema: z.ZodType<Workflow> = z.object({
  id,
  spaceId: id,
  name: storedWorkflowName,
  enabled: z.boolean(),
  steps: storedSteps,
  owners: z.array(id),
  allowSelfApproval: z.boolean(),
  ...reviewFields,
  sod: storedSod.optional(),
  recentEdits: z.array(z.object({ by: id, at: millis })).optional(),
  ...stalenessFields,
  createdAt: millis,
  createdBy: id,
  updatedAt: millis,
  updatedBy: id,
  version,
}).transform((w) => ({ ...w, steps: w.steps.map(savedStep), ...reviewTermsOf(w) }));

const decisionSchema = z.object({
  step: z.number().int().nonnegative(),
  accountId: id,
  decision,
  comment: z.string().max(L.comment.max).optional(),
  at: millis,
  onBehalfOf: id.optional(),
  delegationId: id.optional(),
  signature: decisionSignatureSchema.optional(),
});

const workflowSnapshotSchema = z.object({ id, name: storedWorkflowName, steps: storedSteps, allowSelfApproval: z.boolean(), version, ...reviewFields, ...stalenessFields, sod: storedSod.optional() });
const contentHashSchema = z.string().regex(/^[0-9a-f]{64}$/);
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
  workflowSnapshot: workflowSnapshotSchema,
  sodEditors: z.array(id).optional(),
  sodUnverifiable: z.literal(true).optional(),
  status: z.enum(APPROVAL_STATUSES),
  activeStep: z.number().int().nonnegative(),
  decisions: z.array(decisionSchema),
  submittedBy: id,
  submittedAt: millis,
  source: z.enum(SOURCES),
  clientId: z.string().optional(),
  changeSetId: id.optional(),
  followUp: id.optional(),
  routedBy: routedBySchema.optional(),
  decidedAt: millis.optional(),
  contentHash: contentHashSchema.optional(),
  hashAlg: z.literal('v1').optional(),
  version,
});

/** `page-state:<pageId>`: the summary of the page's latest approval (domain/page-state.ts), or, written before, the whole approval. */
export const pageStateSchema: z.ZodType<PageLatest> = z.union([
  pageApprovalSchema,
  z.strictObject({
    id,
    pageId: id,
    spaceId: id,
    workflowId: id,
    status: z.enum(APPROVAL_STATUSES),
    activeStep: z.number().int().nonnegative(),
    pageVersion: version,
    version,
    submittedAt: millis,
    decidedAt: millis.optional(),
    changeSetId: id.optional(),
    followUp: id.optional(),
    contentHash: contentHashSchema.optional(),
    hashAlg: z.literal('v1').optional(),
    workflowSnapshot: z.strictObject({ ...reviewFields, ...stalenessFields }),
  }),
]);

export const setApprovalSchema: z.ZodType<SetApproval> = z.object({
  id,
  changeSetId: id,
  spaceId: id,
  workflowId: id,
  workflowSnapshot: workflowSnapshotSchema,
  sodEditors: z.array(id).max(5000).optional(),
  sodUnverifiable: z.literal(true).optional(),
  manifest: z.array(z.object({ pageId: id, pageVersion: version, contentHash: contentHashSchema.optional() })).min(L.pageRefs.min).max(L.pageRefs.max),
  status: z.enum(SET_APPROVAL_STATUSES),
  activeStep: z.number().int().nonnegative(),
  decisions: z.array(decisionSchema),
  submittedBy: id,
  submittedAt: millis,
  source: z.enum(SOURCES),
  clientId: z.string().optional(),
  decidedAt: millis.optional(),
  submitDeadline: millis,
  pendingCounted: z.literal(true).optional(),
  version,
});

/** How many earlier set approvals a page's `set-member` pointer remembers (its history's set approvals: Audit A#2). */
export const SET_MEMBER_EARLIER = 20;

/**
 * `set-member:<pageId>`: the page's pointer to the newest set approval that pinned it, and the
 * earlier ones that still mean something (approved or rejected; newest first, bounded), so voiding
 * the newest never hides an approval users made (Audit A#2). Older pointers have no `earlier`.
 */
export const setMemberSchema = z.object({ setApprovalId: id, changeSetId: id, earlier: z.array(id).max(SET_MEMBER_EARLIER).optional() });

export const changeSetSchema: z.ZodType<ChangeSet> = z.object({
  approvalMode: z.enum(APPROVAL_MODES).optional(),
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
