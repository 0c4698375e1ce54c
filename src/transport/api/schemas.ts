/**
 * zod schemas of the REST API (SPEC §3): requests are strict (unknown fields rejected), responses are
 * allow-lists (parsing strips anything the engine returns beyond them, so nothing leaks by accident).
 * The OpenAPI document is generated from these very schemas (openapi.ts), so docs cannot drift.
 */
import { z } from 'zod';
import type { ErrorDetail } from '../../core/domain/errors';

// ---------- primitives ----------

/** Confluence page and space ids are numeric strings. */
const NumericId = z.string().regex(/^[0-9]{1,20}$/, 'must be a numeric id (digits only)');
/** App-generated ids (change sets, workflows): store-key-safe, see IdGenerator. */
const OpaqueId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1..128 characters of A-Z a-z 0-9 _ -');

const NonBlank = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s.trim().length > 0, 'must not be blank');

const HttpUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\//i, 'must be an http or https URL')
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be a valid http or https URL');

const PageRefInput = z.strictObject({ pageId: NumericId });
const PageRefsInput = z
  .array(PageRefInput)
  .min(1)
  .max(100)
  .refine((refs) => new Set(refs.map((r) => r.pageId)).size === refs.length, 'page ids must be unique');

/** Query values arrive as strings; limit is an integer 1..100. */
const LimitParam = z
  .string()
  .regex(/^[0-9]{1,3}$/, 'must be an integer from 1 to 100')
  .transform(Number)
  .pipe(z.number().int().min(1).max(100));

// ---------- requests ----------

export const ListChangeSetsQuery = z.strictObject({
  spaceId: NumericId,
  status: z.enum(['open', 'archived']).optional(),
  rollupState: z.enum(['stale', 'has_rejections', 'all_approved', 'partially_approved', 'in_review', 'open']).optional(),
  limit: LimitParam.optional().meta({ description: 'Page size, integer 1..100 (default 50).' }),
  cursor: z.string().min(1).max(2048).optional().meta({ description: 'Opaque cursor from a previous nextCursor.' }),
});

export const ChangeSetDetailQuery = z.strictObject({ changeSetId: OpaqueId });

export const ChangeSetCreateBody = z.strictObject({
  spaceId: NumericId,
  title: NonBlank(255),
  summary: z.string().max(2000).optional(),
  referenceUrl: HttpUrl.optional(),
  pageRefs: PageRefsInput,
});

export const ChangeSetUpdateBody = z
  .strictObject({
    changeSetId: OpaqueId,
    title: NonBlank(255).optional(),
    summary: z.string().max(2000).optional(),
    referenceUrl: HttpUrl.optional(),
    pageRefs: PageRefsInput.optional().meta({ description: 'Replaces the whole list.' }),
    expectedVersion: z.number().int().min(1).optional().meta({ description: 'Optimistic concurrency: the version you read; 409 VERSION_CONFLICT if it changed.' }),
  })
  .refine(
    (b) => b.title !== undefined || b.summary !== undefined || b.referenceUrl !== undefined || b.pageRefs !== undefined,
    'give at least one of title, summary, referenceUrl, pageRefs',
  );

export const ChangeSetIdBody = z.strictObject({ changeSetId: OpaqueId });

export const PagePreflightBody = z.strictObject({
  pageId: NumericId,
  workflowId: OpaqueId.optional().meta({ description: 'The workflow you would pick at submit; preflight then predicts that submit.' }),
});

export const PageSubmitBody = z.strictObject({
  pageId: NumericId,
  workflowId: OpaqueId.optional().meta({ description: 'Pick a workflow when several are active in the space.' }),
});

export const PageStatusQuery = z.strictObject({ pageId: NumericId });

// ---------- responses (allow-lists) ----------

const PageState = z.enum(['draft', 'in_approval', 'approved', 'changes_requested']);
const Rollup = z.enum(['stale', 'has_rejections', 'all_approved', 'partially_approved', 'in_review', 'open']);

export const ErrorDetailSchema = z.object({
  field: z.string().optional(),
  code: z.string().optional(),
  reason: z.string(),
});

export const ErrorResponse = z.object({
  success: z.literal(false),
  error: z.string(),
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  details: z.array(ErrorDetailSchema).optional(),
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
  approvalStatus: z.enum(['draft', 'in_approval', 'approved', 'changes_requested', 'not_found']),
  approvalId: z.string().nullable(),
  ...ReviewFields,
});

export const ChangeSetViewSchema = z.object({
  id: z.string(),
  spaceId: z.string(),
  title: z.string(),
  summary: z.string(),
  referenceUrl: z.string().optional(),
  pageRefs: z.array(z.object({ pageId: z.string() })),
  status: z.enum(['open', 'archived']),
  createdAt: z.number().int(),
  createdBy: z.string(),
  updatedAt: z.number().int(),
  updatedBy: z.string(),
  version: z.number().int(),
  rollupState: Rollup,
  pages: z.array(ChangeSetPageViewSchema),
});

export const EligibilityIssueSchema = z.object({ code: z.string(), reason: z.string() });

export const PreflightResultSchema = z.object({
  pageId: z.string(),
  canSubmit: z.boolean(),
  workflowId: z.string().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
  warnings: z.array(EligibilityIssueSchema).optional(),
});

export const SubmitResultSchema = z.object({
  pageId: z.string(),
  success: z.boolean(),
  workflowId: z.string().optional(),
  approvalId: z.string().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
});

const StepSchema = z.object({
  name: z.string().optional(),
  approvers: z.array(z.string()),
  mode: z.enum(['any', 'all']),
});

export const PageApprovalSchema = z.object({
  id: z.string(),
  pageId: z.string(),
  spaceId: z.string(),
  pageVersion: z.number().int(),
  workflowId: z.string(),
  workflowSnapshot: z.object({
    id: z.string(),
    name: z.string(),
    steps: z.array(StepSchema),
    allowSelfApproval: z.boolean(),
    version: z.number().int(),
  }),
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']),
  activeStep: z.number().int(),
  decisions: z.array(
    z.object({
      step: z.number().int(),
      accountId: z.string(),
      decision: z.enum(['approve', 'reject']),
      comment: z.string().optional(),
      at: z.number().int(),
    }),
  ),
  submittedBy: z.string(),
  submittedAt: z.number().int(),
  source: z.enum(['ui', 'api']),
  clientId: z.string().optional(),
  changeSetId: z.string().optional(),
  decidedAt: z.number().int().optional(),
  version: z.number().int(),
});

const PageStateFields = {
  pageId: z.string(),
  spaceId: z.string(),
  title: z.string(),
  state: PageState,
  currentPageVersion: z.number().int(),
  approvedAtVersion: z.number().int().nullable(),
  isStale: z.boolean(),
  versionDelta: z.number().int(),
  ...ReviewFields,
  latestApproval: PageApprovalSchema.optional(),
  pending: z
    .object({
      approval: PageApprovalSchema,
      activeStep: z.number().int(),
      stepName: z.string().optional(),
      approvers: z.array(z.string()),
      mode: z.enum(['any', 'all']),
    })
    .optional(),
};

const ok = z.literal(true);

export const ChangeSetListResponse = z.object({
  success: ok,
  changeSets: z.array(ChangeSetViewSchema),
  nextCursor: z.string().nullable(),
});

export const ChangeSetResponse = z.object({ success: ok, changeSet: ChangeSetViewSchema });

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
});

export const PagePreflightResponse = z.object({ success: ok, ...PreflightResultSchema.shape });

export const PageSubmitResponse = z.object({
  success: ok,
  pageId: z.string(),
  approvalId: z.string(),
  workflowId: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']),
});

export const PageStatusResponse = z.object({ success: ok, ...PageStateFields });

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
} as const;

// ---------- turning zod issues into error details ----------

/** Fields a client may never set: identity comes from the platform, these are owned by the server. */
const IDENTITY_FIELDS = new Set(['accountId', 'userId', 'createdBy', 'updatedBy', 'submittedBy', 'actor', 'clientId', 'principal', 'source']);
const SERVER_OWNED_FIELDS = new Set(['id', 'status', 'rollupState', 'version', 'createdAt', 'updatedAt', 'submittedAt', 'decidedAt', 'pages', 'approvalId']);

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function unknownFieldReason(key: string): string {
  if (IDENTITY_FIELDS.has(key)) return 'identity fields are not accepted; the caller is the authenticated user';
  if (SERVER_OWNED_FIELDS.has(key)) return 'this field is set by the server and cannot be written';
  return 'unknown field';
}

/** One detail per bad field; unknown keys are listed one by one so clients see each offender. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ field: fieldPath([...issue.path, key]), code: 'UNKNOWN_FIELD', reason: unknownFieldReason(key) });
      }
      continue;
    }
    const field = fieldPath(issue.path);
    const code = issue.code === 'invalid_type' && issue.input === undefined ? 'REQUIRED' : 'INVALID_VALUE';
    const reason = code === 'REQUIRED' ? 'is required' : issue.message;
    details.push(field === '' ? { code, reason } : { field, code, reason });
  }
  return details;
}
