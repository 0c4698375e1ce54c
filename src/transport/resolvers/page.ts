/** Resolvers of the page surface (macro and byline): page state, submission, decisions. */
import { FIELD_LIMITS } from '../../core/domain/limits';
import { pageIdOf } from './context';
import { defineResolver, sealedPageOfArray, type ResolverDefinition } from './define';
import { sealedResultPage } from '../shared/edge';

/** The overview's first pages stay small: the macro shows a few rows and pages on demand. */
const OVERVIEW_PAGE = 20;

export const pageResolvers: ResolverDefinition[] = [
  defineResolver('context.me', { writes: false }, async (_input, { caller, client }) => ({
    accountId: caller.accountId,
    moduleKey: client.moduleKey,
    pageId: client.extension?.content?.id,
    spaceId: client.extension?.space?.id,
  })),
  defineResolver('people.names', { writes: false }, async (input, { engine, caller }) => ({
    names: await engine.people.displayNames(caller, input.accountIds),
  })),

  defineResolver('page.status', { writes: false }, async (input, { engine, caller, client }) => ({
    status: await engine.approvals.pageStatus(caller, pageIdOf(input, client)),
  })),
  defineResolver('page.overview', { writes: false }, async (input, env) => {
    const { engine, caller } = env;
    const pageId = pageIdOf(input, env.client);
    const [status, allHistory, changeSetPage] = await Promise.all([
      engine.approvals.pageStatus(caller, pageId),
      engine.approvals.history(caller, pageId),
      engine.changeSets.forPage(caller, pageId, { limit: OVERVIEW_PAGE }),
    ]);
    // Whoever sees the page sees its space, so listing the space's workflows cannot be refused here.
    const allWorkflows = await engine.workflows.list(caller, status.spaceId);
    const history = await sealedPageOfArray(allHistory, env.listCursor('page.history', { pageId }), OVERVIEW_PAGE);
    const changeSetsNextCursor = await env.listCursor('page.changeSets', { pageId }).seal(changeSetPage.nextCursor);
    const workflows = await sealedPageOfArray(allWorkflows, env.listCursor('workflow.list', { spaceId: status.spaceId }), FIELD_LIMITS.listPage.max);
    return {
      status,
      history: history.items,
      ...(history.nextCursor ? { historyNextCursor: history.nextCursor } : {}),
      changeSets: changeSetPage.items,
      ...(changeSetsNextCursor ? { changeSetsNextCursor } : {}),
      workflows: workflows.items,
      ...(workflows.nextCursor ? { workflowsNextCursor: workflows.nextCursor } : {}),
    };
  }),
  defineResolver('page.history', { writes: false }, async (input, env) => {
    const pageId = pageIdOf(input, env.client);
    const page = await sealedPageOfArray(await env.engine.approvals.history(env.caller, pageId), env.listCursor('page.history', { pageId, cursor: input.cursor }), input.limit);
    return { approvals: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }),
  defineResolver('page.changeSets', { writes: false }, async (input, env) => {
    const pageId = pageIdOf(input, env.client);
    const listCursor = env.listCursor('page.changeSets', { pageId, cursor: input.cursor });
    const { items, ...more } = await sealedResultPage(listCursor, (cursor) => env.engine.changeSets.forPage(env.caller, pageId, { cursor, limit: input.limit }));
    return { changeSets: items, ...more };
  }),
  defineResolver('page.preflight', { writes: false }, async (input, { engine, caller, client }) => ({
    result: await engine.approvals.preflightPage(caller, pageIdOf(input, client), input.workflowId),
  })),
  defineResolver('page.submit', { writes: true }, async (input, { engine, caller, client }) => ({
    approval: await engine.approvals.submitPage(caller, pageIdOf(input, client), input.workflowId),
  })),

  defineResolver('page.diff', { writes: false }, async (input, { engine, caller, client }) => ({
    diff: await engine.content.diff(caller, pageIdOf(input, client), { ...(input.from !== undefined ? { from: input.from } : {}), ...(input.to !== undefined ? { to: input.to } : {}) }),
  })),
  defineResolver('page.restore', { writes: true }, async (input, { engine, caller, client }) => ({
    restore: await engine.content.restore(caller, pageIdOf(input, client)),
  })),

  defineResolver('approval.decide', { writes: true }, async (input, { engine, caller }) => ({
    approval: await engine.approvals.decide(caller, input.approvalId, input.decision, input.comment, {
      ...(input.meaning ? { meaning: input.meaning } : {}),
      ...(input.credential ? { credential: input.credential } : {}),
    }),
  })),
  defineResolver('approval.decisionPreview', { writes: false }, async (input, { engine, caller }) => ({
    preview: await engine.approvals.decisionPreview(caller, input.approvalId),
  })),
  defineResolver('approval.cancel', { writes: true }, async (input, { engine, caller }) => ({
    approval: await engine.approvals.cancel(caller, input.approvalId),
  })),
];
