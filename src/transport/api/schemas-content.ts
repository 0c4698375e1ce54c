/** REST response schemas of issue 20 (SPEC 2.4a staleness, 2.5a set approvals), used by schemas.ts. */
import { z } from 'zod';
import { stepMode } from '../../core/domain/fields';
import { storedStepSignatureSchema } from '../../core/domain/signature-fields';
import { SET_APPROVAL_STATUSES, SOURCES, STALENESS_POLICIES, type SetApproval } from '../../core/domain/model';

/** SPEC 2.4a: why the approved page is or is not stale under its approval's policy. */
export const StalenessSchema = z
  .object({
    stale: z.boolean(),
    reason: z.enum(['not_approved', 'same_version', 'new_version', 'no_content_change', 'content_changed', 'within_tolerance', 'beyond_tolerance', 'HASH_UNAVAILABLE']),
    versionDelta: z.number().int(),
    drift: z.object({ versions: z.number().int(), changedChars: z.number().int() }).optional(),
  })
  .meta({ description: 'SPEC 2.4a staleness: HASH_UNAVAILABLE means the content could not be compared, and the page counts as stale (fail closed).' });

/** SPEC 2.1a: reads always carry `groups`; `approvers`/`mode` too for a step of one "any"/"all" group. */
export const StepSchema = z.object({
  name: z.string().optional(),
  approvers: z.array(z.string()).optional(),
  mode: stepMode.optional(),
  groups: z.array(z.object({ key: z.string(), name: z.string(), approvers: z.array(z.string()), required: z.union([z.number().int(), z.literal('all')]) })).optional(),
  rejectPolicy: z.union([z.enum(['any', 'unreachable']), z.object({ threshold: z.number().int() })]).optional(),
  distinctAcrossGroups: z.boolean().optional(),
  signature: storedStepSignatureSchema.optional(),
});

const DecisionSchema = z.object({ step: z.number().int(), accountId: z.string(), decision: z.enum(['approve', 'reject']), comment: z.string().optional(), at: z.number().int() });

/** The workflow as an approval (page or set) snapshotted it at submit. */
export const WorkflowSnapshotSchema = z.object({
  id: z.string(),
  name: z.string(),
  steps: z.array(StepSchema),
  allowSelfApproval: z.boolean(),
  version: z.number().int(),
  sod: z.object({ excludeEditors: z.enum(['none', 'last_editor', 'since_last_approval']), distinctAcrossSteps: z.boolean(), changeSetMinDistinctApprovers: z.number().int() }).optional(),
  stalenessPolicy: z.enum(STALENESS_POLICIES).optional(),
  tolerance: z.object({ maxChangedChars: z.number().int(), maxVersions: z.number().int() }).nullable().optional(),
});

/** SPEC 2.5a: the one approval of an atomic change set. */
export const SetApprovalSchema = z.object({
  id: z.string(),
  changeSetId: z.string(),
  spaceId: z.string(),
  workflowId: z.string(),
  workflowSnapshot: WorkflowSnapshotSchema,
  manifest: z.array(z.object({ pageId: z.string(), pageVersion: z.number().int(), contentHash: z.string().optional() })),
  status: z.enum(SET_APPROVAL_STATUSES),
  activeStep: z.number().int(),
  decisions: z.array(DecisionSchema),
  submittedBy: z.string(),
  submittedAt: z.number().int(),
  source: z.enum(SOURCES),
  clientId: z.string().optional(),
  decidedAt: z.number().int().optional(),
  submitDeadline: z.number().int(),
  version: z.number().int(),
}) satisfies z.ZodType<SetApproval>;

