/** Resolvers of the space page: queue, workflows and assignments, change sets, analytics. */
import { spaceAnalytics } from './analytics';
import { analyticsExport } from './analytics-export';
import { spaceIdOf, withoutUndefined } from './context';
import { defineResolver, sealedPageOfArray, type ResolverDefinition } from './define';
import { sealedResultPage } from '../shared/edge';

export const spaceResolvers: ResolverDefinition[] = [
  defineResolver('queue.list', { writes: false }, async (input, env) => {
    const spaceId = spaceIdOf(input, env.client);
    const pages = env.listCursor('queue.list', { spaceId, mine: input.mine, requestedByMe: input.requestedByMe, cursor: input.cursor });
    const page = await env.engine.approvals.queue(env.caller, spaceId, { mine: input.mine, requestedByMe: input.requestedByMe, cursor: await pages.open(), limit: input.limit });
    const nextCursor = await pages.seal(page.nextCursor);
    return { approvals: page.items, ...(nextCursor ? { nextCursor } : {}) };
  }),

  defineResolver('workflow.list', { writes: false }, async (input, env) => {
    const spaceId = spaceIdOf(input, env.client);
    const all = await env.engine.workflows.list(env.caller, spaceId);
    const page = await sealedPageOfArray(all, env.listCursor('workflow.list', { spaceId, cursor: input.cursor }), input.limit);
    return { workflows: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }),
  defineResolver('workflow.create', { writes: true }, async (input, { engine, caller, client }) => {
    const { spaceId: _spaceId, ...fields } = input;
    return { workflow: await engine.workflows.create(caller, spaceIdOf(input, client), withoutUndefined(fields)) };
  }),
  defineResolver('workflow.update', { writes: true }, async (input, { engine, caller }) => {
    const { workflowId, expectedVersion, ...patch } = input;
    return { workflow: await engine.workflows.update(caller, workflowId, withoutUndefined(patch), expectedVersion) };
  }),
  defineResolver('workflow.duplicate', { writes: true }, async (input, { engine, caller }) => ({
    workflow: await engine.workflows.duplicate(caller, input.workflowId, input.name),
  })),
  defineResolver('workflow.setEnabled', { writes: true }, async (input, { engine, caller }) => ({
    workflow: await engine.workflows.setEnabled(caller, input.workflowId, input.enabled),
  })),
  defineResolver('workflow.delete', { writes: true }, async (input, { engine, caller }) => {
    await engine.workflows.remove(caller, input.workflowId);
    return { workflowId: input.workflowId };
  }),
  defineResolver('workflow.import', { writes: true }, async (input, { engine, caller, client }) => ({
    workflow:
      input.document !== undefined
        ? await engine.workflows.importDocument(caller, spaceIdOf(input, client), input.document, input.principalMap)
        : await engine.workflows.importFrom(caller, input.sourceWorkflowId ?? '', spaceIdOf(input, client)),
  })),
  defineResolver('workflow.import.preview', { writes: false }, async (input, { engine, caller, client }) =>
    engine.workflows.previewImport(caller, spaceIdOf(input, client), input.document, input.principalMap),
  ),
  defineResolver('workflow.export', { writes: false }, async (input, { engine, caller, client }) => ({
    document: await engine.workflows.exportDocument(caller, input.workflowId, client.cloudId ? { cloudId: client.cloudId } : {}),
  })),
  defineResolver('assignment.set', { writes: true }, async (input, { engine, caller }) => {
    await engine.workflows.assign(caller, input.pageId, input.workflowId);
    return { pageId: input.pageId, workflowId: input.workflowId };
  }),
  defineResolver('approval.reset', { writes: true }, async (input, { engine, caller }) => {
    await engine.approvals.reset(caller, input.pageId);
    return { pageId: input.pageId };
  }),

  defineResolver('changeSet.list', { writes: false }, async (input, env) => {
    const spaceId = spaceIdOf(input, env.client);
    const query = { spaceId, status: input.status, rollupState: input.rollupState };
    const listCursor = env.listCursor('changeSet.list', { ...query, cursor: input.cursor });
    const { items, ...more } = await sealedResultPage(listCursor, (cursor) => env.engine.changeSets.list(env.caller, { ...query, cursor, limit: input.limit }));
    return { changeSets: items, ...more };
  }),
  defineResolver('changeSet.get', { writes: false }, async (input, { engine, caller }) => ({
    changeSet: await engine.changeSets.get(caller, input.changeSetId),
  })),
  defineResolver('changeSet.create', { writes: true }, async (input, { engine, caller, client }) => {
    const { spaceId: _spaceId, ...fields } = input;
    return { changeSet: await engine.changeSets.create(caller, { ...fields, spaceId: spaceIdOf(input, client) }) };
  }),
  defineResolver('changeSet.update', { writes: true }, async (input, { engine, caller }) => {
    const { changeSetId, ...fields } = input;
    return { changeSet: await engine.changeSets.update(caller, changeSetId, withoutUndefined(fields)) };
  }),
  defineResolver('changeset.decide', { writes: true }, async (input, { engine, caller }) => ({
    setApproval: await engine.changeSets.decide(caller, {
      setApprovalId: input.setApprovalId,
      decision: input.decision,
      pageAck: input.pageAck,
      ...(input.comment !== undefined ? { comment: input.comment } : {}),
      ...(input.meaning !== undefined ? { meaning: input.meaning } : {}),
      ...(input.credential !== undefined ? { credential: input.credential } : {}),
    }),
  })),
  defineResolver('changeset.decisionPreview', { writes: false }, async (input, { engine, caller }) => engine.changeSets.decisionPreview(caller, input.setApprovalId)),
  defineResolver('changeSet.archive', { writes: true }, async (input, { engine, caller }) => ({
    changeSet: await engine.changeSets.archive(caller, input.changeSetId),
  })),
  defineResolver('changeSet.preflight', { writes: false }, async (input, { engine, caller }) => engine.changeSets.preflight(caller, input.changeSetId)),
  defineResolver('changeSet.submit', { writes: true }, async (input, { engine, caller }) => engine.changeSets.submit(caller, input.changeSetId)),

  defineResolver('queue.review', { writes: false }, async (input, env) => {
    const spaceId = spaceIdOf(input, env.client);
    const pages = env.listCursor('queue.review', { spaceId, cursor: input.cursor });
    const page = await env.engine.lifecycle.reviewQueue(env.caller, spaceId, { cursor: await pages.open(), limit: input.limit });
    const nextCursor = await pages.seal(page.nextCursor);
    return { items: page.items, ...(nextCursor ? { nextCursor } : {}) };
  }),
  defineResolver('manage.tree', { writes: false }, async (input, env) => {
    const spaceId = spaceIdOf(input, env.client);
    const parent = input.parentId ? { kind: input.parentType ?? 'page', id: input.parentId } : undefined;
    const pages = env.listCursor('manage.tree', { spaceId, parentId: input.parentId, parentType: input.parentType, cursor: input.cursor });
    const level = await env.engine.lifecycle.spaceTree(env.caller, { spaceId, ...(parent ? { parent } : {}), ...withoutUndefined({ cursor: await pages.open() }) });
    const nextCursor = await pages.seal(level.nextCursor);
    return { items: level.items, ...(nextCursor ? { nextCursor } : {}) };
  }),
  defineResolver('manage.clearAssignment', { writes: true }, async (input, { engine, caller }) => {
    await engine.lifecycle.clearAssignment(caller, input.pageId);
    return { pageId: input.pageId };
  }),

  defineResolver('analytics.summary', { writes: false }, async (input, { engine, caller, client, options }) => {
    const { spaceId: _spaceId, ...filter } = input;
    return spaceAnalytics(engine, caller, spaceIdOf(input, client), withoutUndefined(filter), (options.now ?? Date.now)());
  }),
  defineResolver('analytics.export', { writes: false }, async (input, { engine, caller, client, options }) => {
    const { spaceId: _spaceId, ...filter } = input;
    return analyticsExport(engine, caller, spaceIdOf(input, client), withoutUndefined(filter), (options.now ?? Date.now)());
  }),
];
