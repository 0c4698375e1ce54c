/**
 * zod schemas of the REST API (SPEC §3): requests are strict (unknown fields rejected), responses are
 * allow-lists (parsing strips anything the engine returns beyond them, so nothing leaks by accident).
 * The OpenAPI document is generated from these very schemas (openapi.ts), so docs cannot drift.
 * Field rules come from core/domain/fields.ts; response schemas are checked against the domain types.
 */
import { SetApprovalSchema, StalenessSchema, StepSchema } from './schemas-content';
import { z } from 'zod';
import { auditRecordSchema } from '../../core/audit/schema';
import { decisionSignatureSchema, storedStepSignatureSchema } from '../../core/domain/signature-fields';
import type { ErrorDetail } from '../../core/domain/errors';
import {
  approvalStatus,
  changeSetFields as cs,
  changeSetStatus,
  confluenceId,
  cursor,
  opaqueId,
  rollupState,
  stepMode,
} from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import {
  PAGE_APPROVAL_STATES,
  SOURCES,
  type ChangeSetPageView,
  type ChangeSetView,
  type EligibilityIssue,
  type PageApproval,
  type PageStateView,
  type PreflightResult,
  type SubmitResult,
  STALENESS_POLICIES,
  APPROVAL_MODES,
} from '../../core/domain/model';

// ---------- requests (field rules from core/domain/fields.ts) ----------

/** Query values arrive as strings; limit is an integer 1..100. */
const LimitParam = z
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
    referenceUrl: cs.referenceUrl.optional(),
    pageRefs: cs.pageRefs.optional().meta({ description: 'Replaces the whole list.' }),
    approvalMode: cs.approvalMode.optional().meta({ description: 'SPEC 2.5a: changeable only while nothing is pending (409 CHANGESET_IN_REVIEW).' }),
    expectedVersion: z.number().int().min(1).optional().meta({ description: 'Optimistic concurrency: the version you read; 409 VERSION_CONFLICT if it changed.' }),
  })
  .refine(
    (b) => b.title !== undefined || b.summary !== undefined || b.referenceUrl !== undefined || b.pageRefs !== undefined || b.approvalMode !== undefined,
    'give at least one of title, summary, referenceUrl, pageRefs, approvalMode',
  );

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
  approvalStatus: z.enum([...PAGE_APPROVAL_STATES, 'not_found']),
  approvalId: z.string().nullable(),
  ...ReviewFields,
  staleness: StalenessSchema,
}) satisfies z.ZodType<ChangeSetPageView>;

export const ChangeSetViewSchema = z.object({
  approvalMode: z.enum(APPROVAL_MODES).optional(),
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

export const PreflightResultSchema = z.object({
  pageId: z.string(),
  canSubmit: z.boolean(),
  workflowId: z.string().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
  warnings: z.array(EligibilityIssueSchema).optional(),
  details: z.array(z.object({ step: z.number().int(), group: z.string(), required: z.number().int(), excluded: z.array(z.string()) })).optional(),
}) satisfies z.ZodType<PreflightResult>;

export const SubmitResultSchema = z.object({
  pageId: z.string(),
  success: z.boolean(),
  workflowId: z.string().optional(),
  approvalId: z.string().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
}) satisfies z.ZodType<SubmitResult>;


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
    sod: z.object({ excludeEditors: z.enum(['none', 'last_editor', 'since_last_approval']), distinctAcrossSteps: z.boolean(), changeSetMinDistinctApprovers: z.number().int() }).optional(),
    stalenessPolicy: z.enum(STALENESS_POLICIES).optional(),
    tolerance: z.object({ maxChangedChars: z.number().int(), maxVersions: z.number().int() }).nullable().optional(),
  }),
  sodEditors: z.array(z.string()).optional(),
  sodUnverifiable: z.literal(true).optional(),
  status: approvalStatus,
  activeStep: z.number().int(),
  decisions: z.array(
    z.object({
      step: z.number().int(),
      accountId: z.string(),
      decision: z.enum(['approve', 'reject']),
      comment: z.string().optional(),
      at: z.number().int(),
      onBehalfOf: z.string().optional(),
      delegationId: z.string().optional(),
      signature: decisionSignatureSchema.optional(),
    }),
  ),
  submittedBy: z.string(),
  submittedAt: z.number().int(),
  source: z.enum(SOURCES),
  clientId: z.string().optional(),
  changeSetId: z.string().optional(),
  decidedAt: z.number().int().optional(),
  contentHash: z.string().optional().meta({ description: 'SPEC 2.4a: sha256 of the approved version (title + normalised storage body), when the workflow compares content' }),
  hashAlg: z.literal('v1').optional(),
  version: z.number().int(),
}) satisfies z.ZodType<PageApproval>;

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
  pending: z
    .object({
      approval: PageApprovalSchema,
      activeStep: z.number().int(),
      stepName: z.string().optional(),
      approvers: z.array(z.string()),
      mode: stepMode.optional(),
      groups: z.array(z.object({ key: z.string(), name: z.string(), required: z.number().int(), approvedBy: z.array(z.string()), waitingFor: z.array(z.string()) })),
      stuck: z.array(z.object({ group: z.string(), required: z.number().int(), eligible: z.array(z.string()) })).optional(),
    })
    .optional(),
}) satisfies z.ZodType<PageStateView>;

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
});

/** SPEC 5a: present when the page's latest approval is approved; verify `signature` over `payload` with the key `keyId` of GET /keys. */
export const ApprovalReceiptSchema = z.object({
  payload: z.string().describe('canonical JSON (RFC 8785) of {pageId, pageVersion, contentHash?, workflowId, decisions[], approvedAt}'),
  signature: z.string().describe('base64 Ed25519 signature of the UTF-8 bytes of payload'),
  keyId: z.string(),
});

export const PageStatusResponse = PageStateSchema.extend({ success: ok, approvalReceipt: ApprovalReceiptSchema.optional() });

export const KeysQuery = z.strictObject({});

const PackKeySchema = z.object({ keyId: z.string(), publicKey: z.string(), validFrom: z.string(), validTo: z.string().optional() });

/** One chunk of an evidence pack; the first carries `header`. Join chunks as docs/api.md "Evidence packs" says. */
export const EvidenceChunkResponse = z.object({
  success: ok,
  header: z
    .object({
      format: z.literal('approvalflow.evidence/v1'),
      scope: z.union([z.object({ pageId: z.string() }), z.object({ changeSetId: z.string() }), z.object({ approvalId: z.string() })]),
      generatedAt: z.number().int(),
      generatedBy: z.string(),
      checkpoint: z.object({ seq: z.number().int(), headHash: z.string(), at: z.number().int(), keyId: z.string(), signature: z.string() }).nullable(),
      attestation: z.object({ checkpointSeq: z.number().int(), seqs: z.array(z.number().int()), keyId: z.string(), signature: z.string() }).nullable(),
      keys: z.array(PackKeySchema),
      records: z.array(auditRecordSchema).describe('audit records in scope, oldest first, exactly as stored'),
    })
    .optional(),
  chain: z.array(
    z.object({ seq: z.number().int(), prevHash: z.string(), recordDigest: z.string().optional(), hash: z.string(), legacy: z.literal(true).optional() }),
  ),
  nextCursor: z.string().optional(),
});

export const KeysResponse = z.object({
  success: ok,
  keys: z.array(
    z.object({
      keyId: z.string(),
      publicKey: z.string().describe('Ed25519 public key, SPKI PEM'),
      validFrom: z.string().describe('ISO 8601 UTC'),
      validTo: z.string().optional(),
    }),
  ),
});

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
