/**
 * zod schemas for every resolver payload, composed from the field rules of core/domain/fields.ts.
 * All objects are strict: an unknown key (for example an `accountId` smuggled into a payload) is
 * refused, because identity comes only from the platform context. Shape and bounds are checked here;
 * business rules stay in the engine.
 */
import { z } from 'zod';
import {
  accountId,
  auditFilterFields,
  changeSetFields as cs,
  changeSetUpdateChangesSomething,
  changeSetStatus,
  comment,
  confluenceId,
  cursor,
  decision,
  listLimit,
  nonBlankText,
  opaqueId,
  rollupState,
  safeText,
  reviewSettingFields as review,
  sodSettings,
  stalenessSettingFields as staleness,
  workflowFields as wf,
} from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import { INSTALLATION_SPACE } from '../../core/audit/purge';
import { credentialSchema, meaningCode } from '../../core/domain/signature-fields';
import { MAX_RULES_PER_SPACE, routingRuleSchema } from '../../core/domain/routing';
import { labelOnStateSchema } from '../../core/domain/label-bridge';

/** Page and space ids may come from the payload or, when omitted, from the extension context. */
const optionalPageId = { pageId: confluenceId.optional() };
const optionalSpaceId = { spaceId: confluenceId.optional() };
/** Every list takes the same paging fields (SPEC §9). */
const paging = { cursor: cursor.optional(), limit: listLimit.optional() };
const expectedVersion = z.number().int().min(1).optional();
/** A Confluence page version number. */
const pageVersion = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const workflowInput = {
  name: wf.name,
  steps: wf.steps,
  owners: wf.owners.optional(),
  allowSelfApproval: wf.allowSelfApproval.optional(),
  enabled: wf.enabled.optional(),
  reviewPeriodDays: review.reviewPeriodDays.optional(),
  reminderWindowDays: review.reminderWindowDays.optional(),
  remindAfterDays: review.remindAfterDays.optional(),
  sod: sodSettings.optional(),
  stalenessPolicy: staleness.stalenessPolicy.optional(),
  tolerance: staleness.tolerance.optional(),
};

const empty = z.strictObject({});

/** SPEC 2.3b: an ISO 8601 UTC time; the window rules are the engine's (DELEGATION_INVALID_WINDOW). */
const isoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/, 'must be an ISO 8601 UTC time such as 2026-12-24T00:00:00Z');
const delegationFields = {
  delegateAccountId: accountId,
  startsAt: isoUtc,
  endsAt: isoUtc,
  scope: z.strictObject({ spaceIds: z.array(confluenceId).max(L.listPage.max).optional(), workflowIds: z.array(opaqueId).max(L.listPage.max).optional() }).optional(),
  mode: z.enum(['add', 'replace']),
  reason: safeText(L.comment.max).optional(),
};
/** A portable document is checked by the engine (IMPORT_SCHEMA_INVALID with JSON pointers); here only its outer shape. */
const documentImport = {
  ...optionalSpaceId,
  document: z.record(z.string(), z.unknown()),
  principalMap: z.record(z.string().regex(/^p[0-9]{1,4}$/, 'must be a principal ref of the document'), accountId).optional(),
};

/** A UTC calendar date (YYYY-MM-DD) that exists. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a real calendar date');
/** Analytics filters: an inclusive UTC date range (defaults and its bounds: resolvers/analytics.ts) and a workflow. */
const analyticsFilter = { ...optionalSpaceId, from: isoDate.optional(), to: isoDate.optional(), workflowId: opaqueId.optional() };

export const schemas = {
  'context.me': empty,
  'api.info': empty,
  'admin.diagnostics': empty,
  'people.names': z.strictObject({ accountIds: z.array(accountId).min(1).max(L.peopleLookup.max) }),

  'page.status': z.strictObject(optionalPageId),
  'page.overview': z.strictObject(optionalPageId),
  'page.history': z.strictObject({ ...optionalPageId, ...paging }),
  'page.changeSets': z.strictObject({ ...optionalPageId, ...paging }),
  'page.preflight': z.strictObject({ ...optionalPageId, workflowId: opaqueId.optional() }),
  'page.submit': z.strictObject({ ...optionalPageId, workflowId: opaqueId.optional() }),
  // SPEC 2.4a: what changed since approval, and restore to approved
  'page.diff': z.strictObject({
    ...optionalPageId,
    from: z.union([pageVersion, z.literal('lastApproved')]).optional(),
    to: z.union([pageVersion, z.literal('current')]).optional(),
  }),
  'page.restore': z.strictObject(optionalPageId),

  // What the signed-in person may do and see, for the Custom UI (SPEC §6): capabilities, names, pickers.
  'ui.capabilities': z.strictObject({ surface: z.enum(['page', 'space', 'admin']), ...optionalPageId, ...optionalSpaceId }),
  'ui.changeSetCapabilities': z.strictObject({ changeSetId: opaqueId }),
  // Audit rows of site-level records carry the installation's marker instead of a space id: accepted (and named by nobody), so one such row never costs the whole batch its names.
  'ui.pageTitles': z.strictObject({ pageIds: z.array(confluenceId).max(L.listPage.max), spaceIds: z.array(z.union([confluenceId, z.literal(INSTALLATION_SPACE)])).max(L.listPage.max).optional(), workflowIds: z.array(opaqueId).max(L.listPage.max).optional() }),
  'ui.search': z.strictObject({ kind: z.enum(['user', 'group', 'page', 'space']), query: nonBlankText(L.searchQuery.max), ...optionalSpaceId }),

  // SPEC 2.3c: `meaning` and `credential` sign the decision when its step takes a signature.
  'approval.decide': z.strictObject({ approvalId: opaqueId, decision, comment: comment.optional(), meaning: meaningCode.optional(), credential: credentialSchema.optional() }),
  'approval.decisionPreview': z.strictObject({ approvalId: opaqueId }),
  'approval.cancel': z.strictObject({ approvalId: opaqueId }),
  'approval.reset': z.strictObject({ pageId: confluenceId }),

  'queue.list': z.strictObject({ ...optionalSpaceId, mine: z.boolean().optional(), requestedByMe: z.boolean().optional(), ...paging }),

  'workflow.list': z.strictObject({ ...optionalSpaceId, ...paging }),
  'workflow.create': z.strictObject({ ...optionalSpaceId, ...workflowInput }),
  'workflow.update': z.strictObject({
    workflowId: opaqueId,
    name: workflowInput.name.optional(),
    steps: workflowInput.steps.optional(),
    owners: workflowInput.owners,
    allowSelfApproval: workflowInput.allowSelfApproval,
    enabled: workflowInput.enabled,
    reviewPeriodDays: workflowInput.reviewPeriodDays,
    reminderWindowDays: workflowInput.reminderWindowDays,
    remindAfterDays: workflowInput.remindAfterDays,
    sod: workflowInput.sod,
    stalenessPolicy: workflowInput.stalenessPolicy,
    tolerance: workflowInput.tolerance,
    expectedVersion,
  }),
  'workflow.duplicate': z.strictObject({ workflowId: opaqueId, name: workflowInput.name.optional() }),
  'workflow.setEnabled': z.strictObject({ workflowId: opaqueId, enabled: z.boolean() }),
  'workflow.delete': z.strictObject({ workflowId: opaqueId }),
  // the copy from another space, or a portable document (SPEC 2.1b)
  'workflow.import': z
    .strictObject({ sourceWorkflowId: opaqueId.optional(), ...documentImport, document: documentImport.document.optional() })
    .refine((i) => (i.sourceWorkflowId === undefined) !== (i.document === undefined), { message: 'give exactly one of sourceWorkflowId and document', path: ['document'] })
    .refine((i) => i.document !== undefined || i.principalMap === undefined, { message: 'principalMap goes with a document', path: ['principalMap'] }),
  'workflow.import.preview': z.strictObject(documentImport),
  'workflow.export': z.strictObject({ workflowId: opaqueId }),
  'assignment.set': z.strictObject({ pageId: confluenceId, workflowId: opaqueId.nullable() }),
  'routing.rules.list': z.strictObject(optionalSpaceId),
  'routing.rules.save': z.strictObject({
    ...optionalSpaceId,
    // ids, workflows, pages and unique priorities are the engine's rules (services/routing/save.ts)
    rules: z.array(routingRuleSchema.extend({ id: opaqueId.optional() })).max(MAX_RULES_PER_SPACE),
    expectedVersion: z.number().int().min(0).optional(),
  }),
  'routing.explain': z.strictObject(optionalPageId),
  'automation.labels.get': z.strictObject(optionalSpaceId),
  // label names and their distinctness are the domain's rule (domain/label-bridge.ts)
  'automation.labels.save': z.strictObject({ ...optionalSpaceId, labelOnState: labelOnStateSchema, expectedVersion: z.number().int().min(0).optional() }),

  'delegation.create': z.strictObject(delegationFields),
  'delegation.createFor': z.strictObject({ delegatorAccountId: accountId, ...delegationFields }),
  'delegation.list': z.strictObject({ role: z.enum(['delegator', 'delegate', 'admin']), spaceId: confluenceId.optional(), ...paging }),
  'delegation.revoke': z.strictObject({ delegationId: opaqueId }),

  'changeSet.list': z.strictObject({ ...optionalSpaceId, status: changeSetStatus.optional(), rollupState: rollupState.optional(), ...paging }),
  'changeSet.get': z.strictObject({ changeSetId: opaqueId }),
  'changeSet.create': z.strictObject({
    ...optionalSpaceId,
    title: cs.title,
    summary: cs.summary.optional(),
    referenceUrl: cs.referenceUrl.optional(),
    pageRefs: cs.pageRefs,
    approvalMode: cs.approvalMode.optional(),
  }),
  'changeSet.update': z.strictObject({
    changeSetId: opaqueId,
    title: cs.title.optional(),
    summary: cs.summary.optional(),
    referenceUrl: cs.referenceUrl.optional(),
    pageRefs: cs.pageRefs.optional(),
    approvalMode: cs.approvalMode.optional(),
    expectedVersion,
  }).refine(...changeSetUpdateChangesSomething),
  'changeSet.archive': z.strictObject({ changeSetId: opaqueId }),
  'changeSet.preflight': z.strictObject({ changeSetId: opaqueId }),
  'changeSet.submit': z.strictObject({ changeSetId: opaqueId }),
  // SPEC 2.5a: a decision on an atomic change set; meaning/credential are for signature steps (SPEC 2.3c)
  'changeset.decisionPreview': z.strictObject({ setApprovalId: opaqueId }),
  'changeset.decide': z.strictObject({
    setApprovalId: opaqueId,
    decision,
    comment: comment.optional(),
    meaning: meaningCode.optional(),
    credential: credentialSchema.optional(),
    pageAck: z.array(confluenceId).min(L.pageRefs.min).max(L.pageRefs.max),
  }),

  'analytics.summary': z.strictObject(analyticsFilter),
  'analytics.export': z.strictObject({ ...analyticsFilter, format: z.enum(['csv', 'html']) }),

  // Lifecycle (SPEC 2.7-2.10): the "due or expired" queue, manage space, retention.
  'queue.review': z.strictObject({ ...optionalSpaceId, ...paging }),
  'manage.tree': z.strictObject({ ...optionalSpaceId, parentId: confluenceId.optional(), parentType: z.enum(['page', 'folder']).optional(), cursor: cursor.optional() }),
  'manage.clearAssignment': z.strictObject({ pageId: confluenceId }),
  'retention.get': empty,
  // Shape only: the minimums (180 / 365 days) are the engine's rule, answered as RETENTION_TOO_SHORT.
  'retention.update': z.strictObject({
    approvalRetentionDays: z.number().int().min(1).max(L.approvalRetentionDays.max).optional(),
    auditRetentionDays: z.number().int().min(1).max(L.auditRetentionDays.max).optional(),
  }),

  // Electronic signatures (SPEC 2.3c): the signer's own enrolment; reset is for site admins.
  'signature.status': empty,
  'signature.pin.set': z.strictObject({ newPin: z.string().max(L.signingPin.max), currentPin: z.string().min(1).max(L.signingPin.max).optional() }),
  'signature.enroll.start': z.strictObject({ method: z.literal('totp') }),
  'signature.enroll.confirm': z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code') }),
  'signature.reset': z.strictObject({ accountId }),

  // Evidence (SPEC 5a): packs in chunks, and the installation's public keys.
  'evidence.export': z.strictObject({
    scope: z.union([z.strictObject({ pageId: confluenceId }), z.strictObject({ changeSetId: opaqueId }), z.strictObject({ approvalId: opaqueId })]),
    cursor: cursor.optional(),
  }),
  'evidence.keys': empty,
  'evidence.rotateKey': empty,

  'audit.list': z.strictObject({ ...auditFilterFields, ...paging }),
  'audit.verify': empty,
  'audit.verifyJob.start': empty,
  'audit.verifyJob.status': empty,
  'audit.export': z.strictObject({ format: z.enum(['csv', 'ndjson']), filters: z.strictObject(auditFilterFields).optional(), cursor: cursor.optional() }),
} as const;

export type ResolverKey = keyof typeof schemas;
export type ResolverPayload<K extends ResolverKey> = z.input<(typeof schemas)[K]>;
export type ResolverInput<K extends ResolverKey> = z.output<(typeof schemas)[K]>;
