/**
 * zod schemas for every resolver payload. All objects are strict: an unknown key (for example an
 * `accountId` smuggled into a payload) is refused, because identity comes only from the platform
 * context. Shape and bounds are checked here; business rules stay in the engine.
 */
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../core/domain/model';

const id = z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9_.:@-]+$/, 'must be an id');
/** Page ids may come from the payload or, when omitted, from the extension context. */
const optionalPageId = { pageId: id.optional() };
const optionalSpaceId = { spaceId: id.optional() };
const cursor = z.string().min(1).max(2048);
const limit = z.number().int().min(1).max(100);


const timestamp = z.number().int().min(0);

export const auditFilterFields = {
  from: timestamp.optional(),
  to: timestamp.optional(),
  spaceId: id.optional(),
  pageId: id.optional(),
  changeSetId: id.optional(),
  actor: id.optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  source: z.enum(['ui', 'api']).optional(),
  clientId: z.string().min(1).max(256).optional(),
};

const step = z.strictObject({
  name: z.string().trim().max(120).optional(),
  approvers: z.array(id).min(1).max(50),
  mode: z.enum(['any', 'all']),
});

const workflowFields = {
  name: z.string().trim().min(1).max(120),
  steps: z.array(step).min(1).max(10),
  owners: z.array(id).max(50).optional(),
  allowSelfApproval: z.boolean().optional(),
  enabled: z.boolean().optional(),
};

const changeSetEditable = {
  title: z.string().trim().min(1).max(255),
  summary: z.string().max(2000).optional(),
  referenceUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  pageRefs: z.array(z.strictObject({ pageId: id })).min(1).max(100),
};

const empty = z.strictObject({});

export const schemas = {
  'context.me': empty,
  'api.info': empty,
  'people.names': z.strictObject({ accountIds: z.array(id).min(1).max(250) }),

  'page.status': z.strictObject(optionalPageId),
  'page.overview': z.strictObject(optionalPageId),
  'page.history': z.strictObject(optionalPageId),
  'page.changeSets': z.strictObject({ ...optionalPageId, cursor: cursor.optional(), limit: limit.optional() }),
  'page.preflight': z.strictObject(optionalPageId),
  'page.submit': z.strictObject({ ...optionalPageId, workflowId: id.optional() }),

  'approval.decide': z.strictObject({
    approvalId: id,
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(280).optional(),
  }),
  'approval.cancel': z.strictObject({ approvalId: id }),
  'approval.reset': z.strictObject({ pageId: id }),

  'queue.list': z.strictObject({ ...optionalSpaceId, mine: z.boolean().optional(), cursor: cursor.optional(), limit: limit.optional() }),

  'workflow.list': z.strictObject(optionalSpaceId),
  'workflow.create': z.strictObject({ ...optionalSpaceId, ...workflowFields }),
  'workflow.update': z.strictObject({
    workflowId: id,
    name: workflowFields.name.optional(),
    steps: workflowFields.steps.optional(),
    owners: workflowFields.owners,
    allowSelfApproval: workflowFields.allowSelfApproval,
    enabled: workflowFields.enabled,
    expectedVersion: z.number().int().min(1).optional(),
  }),
  'workflow.duplicate': z.strictObject({ workflowId: id, name: workflowFields.name.optional() }),
  'workflow.setEnabled': z.strictObject({ workflowId: id, enabled: z.boolean() }),
  'workflow.delete': z.strictObject({ workflowId: id }),
  'workflow.import': z.strictObject({ sourceWorkflowId: id, ...optionalSpaceId }),
  'assignment.set': z.strictObject({ pageId: id, workflowId: id.nullable() }),

  'changeSet.list': z.strictObject({
    ...optionalSpaceId,
    status: z.enum(['open', 'archived']).optional(),
    rollupState: z.enum(['stale', 'has_rejections', 'all_approved', 'partially_approved', 'in_review', 'open']).optional(),
    cursor: cursor.optional(),
    limit: limit.optional(),
  }),
  'changeSet.get': z.strictObject({ changeSetId: id }),
  'changeSet.create': z.strictObject({ ...optionalSpaceId, ...changeSetEditable }),
  'changeSet.update': z.strictObject({
    changeSetId: id,
    title: changeSetEditable.title.optional(),
    summary: changeSetEditable.summary,
    referenceUrl: changeSetEditable.referenceUrl,
    pageRefs: changeSetEditable.pageRefs.optional(),
    expectedVersion: z.number().int().min(1).optional(),
  }),
  'changeSet.archive': z.strictObject({ changeSetId: id }),
  'changeSet.preflight': z.strictObject({ changeSetId: id }),
  'changeSet.submit': z.strictObject({ changeSetId: id }),

  'analytics.summary': z.strictObject(optionalSpaceId),

  'audit.list': z.strictObject({ ...auditFilterFields, cursor: cursor.optional(), limit: limit.optional() }),
  'audit.verify': empty,
  'audit.export': z.strictObject({ format: z.enum(['csv', 'ndjson']), filters: z.strictObject(auditFilterFields).optional() }),
} as const;

export type ResolverKey = keyof typeof schemas;
export type ResolverPayload<K extends ResolverKey> = z.input<(typeof schemas)[K]>;
