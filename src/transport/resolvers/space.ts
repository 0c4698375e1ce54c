/** Resolvers of the space page: queue, workflows and assignments, lifecycle, analytics (change sets: change-set.ts). */
import { z } from 'zod';
import {
  accountId,
  confluenceId,
  cursor,
  opaqueId,
  reviewSettingFields as review,
  sodSettings,
  stalenessSettingFields as staleness,
  workflowFields as wf,
} from '../../core/domain/fields';
import type { QueueItem, Workflow } from '../../core/domain/model';
import type { ReviewQueueItem, TreeRow } from '../../core/lifecycle/types';
import type { ImportPreview, WorkflowDocument } from '../../core/services/workflows/document';
import { spaceAnalytics } from './analytics';
import { analyticsExport } from './analytics-export';
import { spaceIdOf, withoutUndefined } from './context';
import type { AnalyticsSummary } from './contract';
import { defineResolver, sealedPageOfArray } from './define';
import { expectedVersion, optionalSpaceId, paging } from './payload-fields';

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

export const spaceResolvers = [
  defineResolver('queue.list', {
    writes: false,
    input: z.strictObject({
      ...optionalSpaceId,
      mine: z.boolean().optional(),
      requestedByMe: z.boolean().optional(),
      ...paging,
    }),
  }, async (input, env): Promise<{ approvals: QueueItem[]; nextCursor?: string }> => {
    const spaceId = spaceIdOf(input, env.client);
    const pages = env.listCursor('queue.list', { spaceId, mine: input.mine, requestedByMe: input.requestedByMe, cursor: input.cursor });
    const page = await env.engine.approvals.queue(env.caller, spaceId, { mine: input.mine, requestedByMe: input.requestedByMe, cursor: await pages.open(), limit: input.limit });
    const nextCursor = await pages.seal(page.nextCursor);
    return { approvals: page.items, ...(nextCursor ? { nextCursor } : {}) };
  }),

  defineResolver('workflow.list', { writes: false, input: z.strictObject({ ...optionalSpaceId, ...paging }) }, async (input, env): Promise<{ workflows: Workflow[]; nextCursor?: string }> => {
    const spaceId = spaceIdOf(input, env.client);
    const all = await env.engine.workflows.list(env.caller, spaceId);
    const page = await sealedPageOfArray(all, env.listCursor('workflow.list', { spaceId, cursor: input.cursor }), input.limit);
    return { workflows: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }),
  defineResolver('workflow.create', { writes: true, input: z.strictObject({ ...optionalSpaceId, ...workflowInput }) }, async (input, { engine, caller, client }): Promise<{ workflow: Workflow }> => {
    const { spaceId: _spaceId, ...fields } = input;
    return { workflow: await engine.workflows.create(caller, spaceIdOf(input, client), withoutUndefined(fields)) };
  }),
  defineResolver('workflow.update', {
    writes: true,
    input: z.strictObject({
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
  }, async (input, { engine, caller }): Promise<{ workflow: Workflow }> => {
    const { workflowId, expectedVersion, ...patch } = input;
    return { workflow: await engine.workflows.update(caller, workflowId, withoutUndefined(patch), expectedVersion) };
  }),
  defineResolver('workflow.duplicate', { writes: true, input: z.strictObject({ workflowId: opaqueId, name: workflowInput.name.optional() }) }, async (input, { engine, caller }): Promise<{ workflow: Workflow }> => ({
    workflow: await engine.workflows.duplicate(caller, input.workflowId, input.name),
  })),
  defineResolver('workflow.setEnabled', { writes: true, input: z.strictObject({ workflowId: opaqueId, enabled: z.boolean() }) }, async (input, { engine, caller }): Promise<{ workflow: Workflow }> => ({
    workflow: await engine.workflows.setEnabled(caller, input.workflowId, input.enabled),
  })),
  defineResolver('workflow.delete', { writes: true, input: z.strictObject({ workflowId: opaqueId }) }, async (input, { engine, caller }): Promise<{ workflowId: string }> => {
    await engine.workflows.remove(caller, input.workflowId);
    return { workflowId: input.workflowId };
  }),
  // the copy from another space, or a portable document (SPEC 2.1b)
  defineResolver('workflow.import', {
    writes: true,
    input: z
      .strictObject({ sourceWorkflowId: opaqueId.optional(), ...documentImport, document: documentImport.document.optional() })
      .refine((i) => (i.sourceWorkflowId === undefined) !== (i.document === undefined), { message: 'give exactly one of sourceWorkflowId and document', path: ['document'] })
      .refine((i) => i.document !== undefined || i.principalMap === undefined, { message: 'principalMap goes with a document', path: ['principalMap'] }),
  }, async (input, { engine, caller, client }): Promise<{ workflow: Workflow }> => ({
    workflow:
      input.document !== undefined
        ? await engine.workflows.importDocument(caller, spaceIdOf(input, client), input.document, input.principalMap)
        : await engine.workflows.importFrom(caller, input.sourceWorkflowId ?? '', spaceIdOf(input, client)),
  })),
  defineResolver('workflow.import.preview', { writes: false, input: z.strictObject(documentImport) }, async (input, { engine, caller, client }): Promise<ImportPreview> =>
    engine.workflows.previewImport(caller, spaceIdOf(input, client), input.document, input.principalMap),
  ),
  defineResolver('workflow.export', { writes: false, input: z.strictObject({ workflowId: opaqueId }) }, async (input, { engine, caller, client }): Promise<{ document: WorkflowDocument }> => ({
    document: await engine.workflows.exportDocument(caller, input.workflowId, client.cloudId ? { cloudId: client.cloudId } : {}),
  })),
  defineResolver('assignment.set', { writes: true, input: z.strictObject({ pageId: confluenceId, workflowId: opaqueId.nullable() }) }, async (input, { engine, caller }): Promise<{ pageId: string; workflowId: string | null }> => {
    await engine.workflows.assign(caller, input.pageId, input.workflowId);
    return { pageId: input.pageId, workflowId: input.workflowId };
  }),
  defineResolver('approval.reset', { writes: true, input: z.strictObject({ pageId: confluenceId }) }, async (input, { engine, caller }): Promise<{ pageId: string }> => {
    await engine.approvals.reset(caller, input.pageId);
    return { pageId: input.pageId };
  }),

  // Lifecycle (SPEC 2.7-2.10): the "due or expired" queue and manage space (retention: admin.ts).
  defineResolver('queue.review', { writes: false, input: z.strictObject({ ...optionalSpaceId, ...paging }) }, async (input, env): Promise<{ items: ReviewQueueItem[]; nextCursor?: string }> => {
    const spaceId = spaceIdOf(input, env.client);
    const pages = env.listCursor('queue.review', { spaceId, cursor: input.cursor });
    const page = await env.engine.lifecycle.reviewQueue(env.caller, spaceId, { cursor: await pages.open(), limit: input.limit });
    const nextCursor = await pages.seal(page.nextCursor);
    return { items: page.items, ...(nextCursor ? { nextCursor } : {}) };
  }),
  defineResolver('manage.tree', {
    writes: false,
    input: z.strictObject({
      ...optionalSpaceId,
      parentId: confluenceId.optional(),
      parentType: z.enum(['page', 'folder']).optional(),
      cursor: cursor.optional(),
    }),
  }, async (input, env): Promise<{ items: TreeRow[]; nextCursor?: string }> => {
    const spaceId = spaceIdOf(input, env.client);
    const parent = input.parentId ? { kind: input.parentType ?? 'page', id: input.parentId } : undefined;
    const pages = env.listCursor('manage.tree', { spaceId, parentId: input.parentId, parentType: input.parentType, cursor: input.cursor });
    const level = await env.engine.lifecycle.spaceTree(env.caller, { spaceId, ...(parent ? { parent } : {}), ...withoutUndefined({ cursor: await pages.open() }) });
    const nextCursor = await pages.seal(level.nextCursor);
    return { items: level.items, ...(nextCursor ? { nextCursor } : {}) };
  }),
  defineResolver('manage.clearAssignment', { writes: true, input: z.strictObject({ pageId: confluenceId }) }, async (input, { engine, caller }): Promise<{ pageId: string }> => {
    await engine.lifecycle.clearAssignment(caller, input.pageId);
    return { pageId: input.pageId };
  }),

  defineResolver('analytics.summary', { writes: false, input: z.strictObject(analyticsFilter) }, async (input, { engine, caller, client, options }): Promise<AnalyticsSummary> => {
    const { spaceId: _spaceId, ...filter } = input;
    return spaceAnalytics(engine, caller, spaceIdOf(input, client), withoutUndefined(filter), (options.now ?? Date.now)());
  }),
  defineResolver('analytics.export', { writes: false, input: z.strictObject({ ...analyticsFilter, format: z.enum(['csv', 'html']) }) }, async (input, { engine, caller, client, options }): Promise<{ format: 'csv' | 'html'; content: string }> => {
    const { spaceId: _spaceId, ...filter } = input;
    return analyticsExport(engine, caller, spaceIdOf(input, client), withoutUndefined(filter), (options.now ?? Date.now)());
  }),
];
