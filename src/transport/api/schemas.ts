/**
 * zod schemas of the REST API (SPEC §3): requests are strict (unknown fields rejected), responses are
 * allow-lists (parsing strips anything the engine returns beyond them, so nothing leaks by accident).
 * The OpenAPI document is generated from these very schemas (openapi.ts), so docs cannot drift.
 * Field rules come from core/domain/fields.ts; response schemas are checked against the domain types.
 */
import { SetApprovalSchema, StalenessSchema } from './schemas-content';
import { ApprovalReceiptSchema, EvidenceChunkResponse, KeysResponse } from './schemas-evidence';
import { PageApprovalSchema, RoutedBySchema } from './schemas-approval';
export { PageApprovalSchema } from './schemas-approval';
export { ApprovalReceiptSchema, EvidenceChunkResponse, KeysQuery, KeysResponse } from './schemas-evidence';
import { z } from 'zod';
import type { ErrorDetail } from '../../core/domain/errors';
import { approvalStatus, changeSetFields as cs, changeSetUpdateChangesSomething, changeSetStatus, confluenceId, cursor, opaqueId, referenceUrlUpdate, rollupState, stepMode } from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import {
  PAGE_APPROVAL_STATES,
  type ChangeSetPageView,
  type ChangeSetView,
  type EligibilityIssue,
  type PageStateView,
  type PreflightResult,
  type SubmitResult,
  APPROVAL_MODES,
} from '../../core/domain/model';

// ---------- requests (field rules from core/domain/fields.ts) ----------

/** Query values arrive as strings; limit is an integer 1..100. */
export const LimitParam = z
  .string()
  .regex(/^[0-9]{1,3}$/, `must be an integer from ${L.listPage.min} to ${L.listPage.max}`)
  .transform(Number)
  .pipe(z.number().int().min(L.listPage.min).max(L.listPage.max));

export const ListChangeSetsQuery = z.strictObject({
  spaceId: confluenceId,
  status: changeSetStatus.optional(),
  rollupState: rollupState.optional(),
  limit: LimitParam.optional().meta({ description: `Page size, integer ${L.listPage.min}..${L.listPage.max} (default ${L.listPage.default}).` }),
  cursor: cursor.optional().meta({ description: 'Opaque cursor from a previous nextCursor, valid for the same query and user.' }),
});

export const ChangeSetDetailQuery = z.strictObject({ changeSetId: opaqueId });


export const ChangeSetCreateBody = z.strictObject({
  spaceId: cs.spaceId,
  title: cs.title,
  summary: cs.summary.optional(),
  referenceUrl: cs.referenceUrl.optional(),
  pageRefs: cs.pageRefs,
  approvalMode: cs.approvalMode.optional().meta({ description: 'SPEC 2.5a: per_page (default) or atomic (the set is approved as one).' }),
});

export const ChangeSetUpdateBody = z
  .strictObject({
    changeSetId: opaqueId,
    title: cs.title.optional(),
    summary: cs.summary.optional(),
    referenceUrl: referenceUrlUpdate.optional().meta({ description: 'null removes the link.' }),
    pageRefs: cs.pageRefs.optional().meta({ description: 'Replaces the whole list.' }),
    approvalMode: cs.approvalMode.optional().meta({ description: 'SPEC 2.5a: changeable only while nothing is pending (409 CHANGESET_IN_REVIEW).' }),
    expectedVersion: z.number().int().min(1).optional().meta({ description: 'Optimistic concurrency: the version you read; 409 VERSION_CONFLICT if it changed.' }),
  })
  .refine(...changeSetUpdateChangesSomething);

export const ChangeSetIdBody = z.strictObject({ changeSetId: opaqueId });

export const PagePreflightBody = z.strictObject({
  pageId: confluenceId,
  workflowId: opaqueId.optional().meta({ description: 'The workflow you would pick at submit; preflight then predicts that submit.' }),
});

export const PageSubmitBody = z.strictObject({
  pageId: confluenceId,
  workflowId: opaqueId.optional().meta({ description: 'Pick a workflow when several are active in the space and the page has no assignment.' }),
});

export const PageStatusQuery = z.strictObject({ pageId: confluenceId });

/** SPEC 5a: exactly one of pageId, changeSetId, approvalId names the pack's scope. */
export const EvidenceQuery = z
  .strictObject({
    pageId: confluenceId.optional(),
    changeSetId: opaqueId.optional(),
    approvalId: opaqueId.optional(),
    cursor: cursor.optional().meta({ description: 'Opaque cursor from the previous chunk, valid for the same scope and user.' }),
  })
  .refine((q) => [q.pageId, q.changeSetId, q.approvalId].filter((v) => v !== undefined).length === 1, { message: 'name exactly one of pageId, changeSetId, approvalId', path: ['pageId'] });

// ---------- responses (allow-lists, typed against the domain types) ----------

export const ErrorDetailSchema = z.object({
  field: z.string().optional(),
  code: z.string().optional(),
  reason: z.string(),
}) satisfies z.ZodType<ErrorDetail>;

/** Set only on a replayed answer (same idempotency key and body): nothing was done again. */
const replayed = z.literal(true).optional().meta({ description: 'Present (true) only when this is the replay of an earlier request with the same idempotency key and body; nothing was done again.' });

export const ErrorResponse = z.object({
  success: z.literal(false),
  error: z.string(),
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  details: z.array(ErrorDetailSchema).optional(),
  retryAfter: z.number().int().min(0).optional().meta({ description: 'Seconds to wait before retrying (every 429, 503 and 409 IDEMPOTENCY_IN_PROGRESS); the Retry-After header may not reach the caller.' }),
  replayed,
});

/** SPEC 2.7: derived when read; null without a review period. reviewDueAt is UTC epoch ms. */
const ReviewFields = {
  reviewState: z.enum(['current', 'due', 'expired']).nullable().meta({ description: 'Recertification state of the approved page (SPEC 2.7); null when its approval has no review period.' }),
  reviewDueAt: z.number().int().nullable().meta({ description: 'When the approval expires (UTC epoch ms); null without a review period.' }),
};

export const ChangeSetPageViewSchema = z.object({
  pageId: z.string(),
  title: z.string(),
  currentPageVersion: z.number().int().nullable(),
  approvedAtVersion: z.number().int().nullable(),
  isStale: z.boolean(),
  versionDelta: z.number().int(),
  approvalStatus: z.enum(PAGE_APPROVAL_STATES),
  approvalId: z.string().nullable(),
  ...ReviewFields,
  staleness: StalenessSchema,
}) satisfies z.ZodType<ChangeSetPageView>;

export const ChangeSetViewSchema = z.object({
  approvalMode: z.enum(APPROVAL_MODES),
  id: z.string(),
  spaceId: z.string(),
  title: z.string(),
  summary: z.string(),
  referenceUrl: z.string().optional(),
  pageRefs: z.array(z.object({ pageId: z.string() })),
  status: changeSetStatus,
  createdAt: z.number().int(),
  createdBy: z.string(),
  updatedAt: z.number().int(),
  updatedBy: z.string(),
  version: z.number().int(),
  rollupState,
  pages: z.array(ChangeSetPageViewSchema),
  setApproval: SetApprovalSchema.optional(),
}) satisfies z.ZodType<ChangeSetView>;

export const EligibilityIssueSchema = z.object({ code: z.string(), reason: z.string() }) satisfies z.ZodType<EligibilityIssue>;

/** Issue 19: approvers who can no longer approve, and why. */
const UnavailableApproversSchema = z
  .array(z.object({ accountId: z.string(), cause: z.enum(['deactivated', 'removed', 'cannot_view']) }))
  .optional()
  .describe('approvers who can no longer approve: account deactivated, no longer on the site, or no view of the page');

export const PreflightResultSchema = z.object({
  pageId: z.string(),
  canSubmit: z.boolean(),
  workflowId: z.string().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
  warnings: z.array(EligibilityIssueSchema).optional(),
  details: z
    .array(
      z.object({
        step: z.number().int(),
        group: z.string(),
        required: z.number().int(),
        excluded: z.array(z.string()),
        unavailable: UnavailableApproversSchema,
      }),
    )
    .optional(),
  routedBy: RoutedBySchema.optional(),
}) satisfies z.ZodType<PreflightResult>;

export const SubmitResultSchema = z.object({
  pageId: z.string(),
  success: z.boolean(),
  workflowId: z.string().optional(),
  approvalId: z.string().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
}) satisfies z.ZodType<SubmitResult>;


const PageStateSchema = z.object({
  pageId: z.string(),
  spaceId: z.string(),
  title: z.string(),
  state: z.enum(PAGE_APPROVAL_STATES),
  currentPageVersion: z.number().int(),
  approvedAtVersion: z.number().int().nullable(),
  isStale: z.boolean(),
  versionDelta: z.number().int(),
  ...ReviewFields,
  staleness: StalenessSchema,
  latestApproval: PageApprovalSchema.optional(),
  approvedVia: z.object({ changeSetId: z.string(), setApprovalId: z.string() }).optional().describe('SPEC 2.5a: the page is approved (or in review) through this atomic change set.'),
  routedBy: RoutedBySchema.optional(),
  pending: z
    .object({
      approval: PageApprovalSchema,
      activeStep: z.number().int(),
      stepName: z.string().optional(),
      approvers: z.array(z.string()).describe('Everyone who may act on the step; a Confluence group is listed to its first 200 members (see approversMore).'),
      approversMore: z.literal(true).optional().describe('A Confluence group of the step has more members than `approvers` lists.'),
      mode: stepMode.optional(),
      groups: z.array(z.object({ key: z.string(), name: z.string(), required: z.number().int(), approvedBy: z.array(z.string()), waitingFor: z.array(z.string()).describe('At most 50 names; see waitingForMore.'),
        waitingForMore: z.literal(true).optional().describe('More people are waited for than `waitingFor` names.'),
        waitingForCount: z.number().int().optional().describe('With waitingForMore: how many are waited for in all, when known (a big group is not listed to the end).') })),
      stuck: z.array(z.object({ group: z.string(), required: z.number().int(), eligible: z.array(z.string()), unavailable: UnavailableApproversSchema })).optional(),
    })
    .optional(),
}) satisfies z.ZodType<PageStateView>;
/** The REST answer strips what its schema lacks: every field of the engine's view must be in it (Audit A#6), or this fails to compile. */
export const PAGE_STATE_FIELDS_COVERED: [Exclude<keyof PageStateView, keyof z.infer<typeof PageStateSchema>>] extends [never] ? true : never = true;

const ok = z.literal(true);

export const ChangeSetListResponse = z.object({
  success: ok,
  changeSets: z.array(ChangeSetViewSchema),
  nextCursor: z.string().nullable(),
});

export const ChangeSetResponse = z.object({ success: ok, changeSet: ChangeSetViewSchema, replayed });

export const ChangeSetPreflightResponse = z.object({
  success: ok,
  summary: z.object({ total: z.number().int(), submittable: z.number().int(), blocked: z.number().int() }),
  results: z.array(PreflightResultSchema),
});

export const ChangeSetSubmitResponse = z.object({
  success: ok,
  submittedCount: z.number().int(),
  skippedCount: z.number().int(),
  results: z.array(SubmitResultSchema),
  replayed,
  setApprovalId: z.string().optional().meta({ description: 'SPEC 2.5a, atomic change sets: the one set approval the submit created' }),
  status: z.literal('pending').optional(),
});

export const PagePreflightResponse = PreflightResultSchema.extend({ success: ok });

export const PageSubmitResponse = z.object({
  success: ok,
  pageId: z.string(),
  approvalId: z.string(),
  workflowId: z.string(),
  status: approvalStatus,
  replayed,
  routedBy: RoutedBySchema.optional(),
});

export const PageStatusResponse = PageStateSchema.extend({ success: ok, approvalReceipt: ApprovalReceiptSchema.optional() });


/** Request bodies and responses by OpenAPI component name (query objects become parameters instead). */
export const REQUEST_BODY_SCHEMAS = {
  ChangeSetCreateRequest: ChangeSetCreateBody,
  ChangeSetUpdateRequest: ChangeSetUpdateBody,
  ChangeSetIdRequest: ChangeSetIdBody,
  PagePreflightRequest: PagePreflightBody,
  PageSubmitRequest: PageSubmitBody,
} as const;

export const RESPONSE_SCHEMAS = {
  ErrorDetail: ErrorDetailSchema,
  ErrorResponse,
  ChangeSetPage: ChangeSetPageViewSchema,
  ChangeSet: ChangeSetViewSchema,
  EligibilityIssue: EligibilityIssueSchema,
  PreflightResult: PreflightResultSchema,
  SubmitResult: SubmitResultSchema,
  PageApproval: PageApprovalSchema,
  ChangeSetListResponse,
  ChangeSetResponse,
  ChangeSetPreflightResponse,
  ChangeSetSubmitResponse,
  PagePreflightResponse,
  PageSubmitResponse,
  PageStatusResponse,
  ApprovalReceipt: ApprovalReceiptSchema,
  KeysResponse,
  EvidenceChunkResponse,
} as const;
