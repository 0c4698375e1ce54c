/**
 * zod schemas that re-validate every record read from storage (a corrupted or foreign value must
 * never flow into a decision). They mirror the types in model.ts; the `satisfies`-style annotations
 * (z.ZodType<T>) make tsc fail when the two drift apart.
 */
import { z } from 'zod';
import type { ChangeSet, PageApproval, Workflow, WorkflowStep } from './model';
import { DomainError } from './errors';

const id = z.string().min(1).max(200);
const millis = z.number().int().nonnegative();

/** SPEC 2.1 review and reminder fields; optional so workflows stored before them still parse. */
export const reviewFields = {
  reviewPeriodDays: z.union([z.literal(90), z.literal(180), z.literal(365)]).nullable().optional(),
  reminderWindowDays: z.number().int().min(1).max(90).optional(),
  remindAfterDays: z.number().int().min(1).max(30).nullable().optional(),
};

export const workflowStepSchema: z.ZodType<WorkflowStep> = z.object({
  name: z.string().max(120).optional(),
  approvers: z.array(id).min(1).max(50),
  mode: z.enum(['any', 'all']),
});

export const workflowSchema: z.ZodType<Workflow> = z.object({
  id,
  spaceId: id,
  name: z.string().min(1).max(120),
  enabled: z.boolean(),
  steps: z.array(workflowStepSchema).min(1).max(10),
  owners: z.array(id),
  allowSelfApproval: z.boolean(),
  ...reviewFields,
  createdAt: millis,
  createdBy: id,
  updatedAt: millis,
  updatedBy: id,
  version: z.number().int().positive(),
});

const decisionSchema = z.object({
  step: z.number().int().nonnegative(),
  accountId: id,
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(280).optional(),
  at: millis,
});

export const pageApprovalSchema: z.ZodType<PageApproval> = z.object({
  id,
  pageId: id,
  spaceId: id,
  pageVersion: z.number().int().positive(),
  workflowId: id,
  workflowSnapshot: z.object({
    id,
    name: z.string().min(1).max(120),
    steps: z.array(workflowStepSchema).min(1).max(10),
    allowSelfApproval: z.boolean(),
    version: z.number().int().positive(),
    ...reviewFields,
  }),
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']),
  activeStep: z.number().int().nonnegative(),
  decisions: z.array(decisionSchema),
  submittedBy: id,
  submittedAt: millis,
  source: z.enum(['ui', 'api']),
  clientId: z.string().optional(),
  changeSetId: id.optional(),
  decidedAt: millis.optional(),
  version: z.number().int().positive(),
});

export const changeSetSchema: z.ZodType<ChangeSet> = z.object({
  id,
  spaceId: id,
  title: z.string().min(1).max(255),
  summary: z.string().max(2000),
  referenceUrl: z.string().max(2048).optional(),
  pageRefs: z.array(z.object({ pageId: id })).min(1).max(100),
  status: z.enum(['open', 'archived']),
  createdAt: millis,
  createdBy: id,
  updatedAt: millis,
  updatedBy: id,
  version: z.number().int().positive(),
});

/** `assign:<pageId>`: explicit page → workflow assignment. */
export const assignmentSchema = z.object({ pageId: id, spaceId: id, workflowId: id });
export type Assignment = z.infer<typeof assignmentSchema>;

/** `page-pending:<pageId>`: the create-if-absent lock that makes "one pending approval per page" atomic. */
export const pendingLockSchema = z.object({ approvalId: id, changeSetId: id.optional() });
export type PendingLock = z.infer<typeof pendingLockSchema>;

/** Index entries that only point at a primary record. */
export const approvalRefSchema = z.object({ approvalId: id });

/** `approval-comment:<approvalId>`: the page comment that announced the submission (decisions reply to it). */
export const commentRefSchema = z.object({ commentId: id });

/** Parse a stored value or fail as an internal error (never echo the stored value). */
export function parseStored<T>(schema: z.ZodType<T>, key: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new DomainError('internal', 'CORRUPT_RECORD', `A stored record failed validation (${key.split(':')[0]}).`);
  }
  return result.data;
}
