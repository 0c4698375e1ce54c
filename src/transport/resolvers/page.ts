/** Resolvers of the page surface (macro and byline): page state, submission, decisions. */
import { FIELD_LIMITS } from '../../core/domain/limits';
import { pageIdOf } from './context';
import { defineResolver, pageOfArray, type ResolverDefinition } from './define';
import { enginePage } from '../shared/edge';

/** The overview's first pages stay small: the macro shows a few rows and pages on demand. */
const OVERVIEW_PAGE = 20;

export const pageResolvers: ResolverDefinition[] = [
  defineResolver('context.me', { writes: false }, async (_input, { caller, ctx }) => ({
    accountId: caller.accountId,
    moduleKey: ctx.moduleKey,
    pageId: ctx.extension?.content?.id,
    spaceId: ctx.extension?.space?.id,
  })),
  defineResolver('people.names', { writes: false }, async (input, { engine, caller }) => ({
    names: await engine.people.displayNames(caller, input.accountIds),
  })),

  defineResolver('page.status', { writes: false }, async (input, { engine, caller, ctx }) => ({
    status: await engine.approvals.pageStatus(caller, pageIdOf(input, ctx)),
  })),
  defineResolver('page.overview', { writes: false }, async (input, env) => {
    const { engine, caller } = env;
    const pageId = pageIdOf(input, env.ctx);
    const [status, allHistory, changeSetPage] = await Promise.all([
      engine.approvals.pageStatus(caller, pageId),
      engine.approvals.history(caller, pageId),
      engine.changeSets.forPage(caller, pageId, { limit: OVERVIEW_PAGE }),
    ]);
    // Whoever sees the page sees its space, so listing the space's workflows cannot be refused here.
    const allWorkflows = await engine.workflows.list(caller, status.spaceId);
    const history = await pageOfArray(allHistory, env.pager('page.history', { pageId }), OVERVIEW_PAGE);
    const changeSetsNextCursor = await env.pager('page.changeSets', { pageId }).seal(changeSetPage.nextCursor);
    const workflows = await pageOfArray(allWorkflows, env.pager('workflow.list', { spaceId: status.spaceId }), FIELD_LIMITS.listPage.max);
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
    const pageId = pageIdOf(input, env.ctx);
    const page = await pageOfArray(await env.engine.approvals.history(env.caller, pageId), env.pager('page.history', { pageId, cursor: input.cursor }), input.limit);
    return { approvals: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }),
  defineResolver('page.changeSets', { writes: false }, async (input, env) => {
    const pageId = pageIdOf(input, env.ctx);
    const pager = env.pager('page.changeSets', { pageId, cursor: input.cursor });
    const { items, ...more } = await enginePage(pager, (cursor) => env.engine.changeSets.forPage(env.caller, pageId, { cursor, limit: input.limit }));
    return { changeSets: items, ...more };
  }),
  defineResolver('page.preflight', { writes: false }, async (input, { engine, caller, ctx }) => ({
    result: await engine.approvals.preflightPage(caller, pageIdOf(input, ctx), input.workflowId),
  })),
  defineResolver('page.submit', { writes: true }, async (input, { engine, caller, ctx }) => ({
    approval: await engine.approvals.submitPage(caller, pageIdOf(input, ctx), input.workflowId),
  })),

  defineResolver('approval.decide', { writes: true }, async (input, { engine, caller }) => ({
    approval: await engine.approvals.decide(caller, input.approvalId, input.decision, input.comment),
  })),
  defineResolver('approval.cancel', { writes: true }, async (input, { engine, caller }) => ({
    approval: await engine.approvals.cancel(caller, input.approvalId),
  })),
];
