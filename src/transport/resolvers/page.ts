/** Resolvers of the page surface (macro and byline): page state, submission, decisions. */
import { z } from 'zod';
import type { DecisionPreview } from '../../core/domain/decisions';
import { accountId, comment, decision, opaqueId } from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import type { ChangeSetView, PageApproval, PageStateView, PreflightResult, Workflow } from '../../core/domain/model';
import { credentialSchema, meaningCode } from '../../core/domain/signature-fields';
import type { PageDiff } from '../../core/services/content/diff';
import type { RestoreResult } from '../../core/services/content/restore';
import type { ApprovalReceipt } from '../../core/evidence/receipt';
import { sealedResultPage } from '../shared/edge';
import { pageIdOf } from './context';
import { defineResolver, sealedPageOfArray } from './define';
import { empty, optionalPageId, paging } from './payload-fields';

/** The overview's first pages stay small: the macro shows a few rows and pages on demand. */
const OVERVIEW_PAGE = 20;
/** A Confluence page version number. */
const pageVersion = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** each list is its first page; the *NextCursor values continue it with page.history, page.changeSets, workflow.list */
export interface PageOverview {
  status: PageStateView;
  history: PageApproval[];
  historyNextCursor?: string;
  changeSets: ChangeSetView[];
  changeSetsNextCursor?: string;
  workflows: Workflow[];
  workflowsNextCursor?: string;
}

export const pageResolvers = [
  defineResolver('context.me', { writes: false, input: empty }, async (_input, { caller, client }): Promise<{ accountId: string; moduleKey?: string; pageId?: string; spaceId?: string }> => ({
    accountId: caller.accountId,
    moduleKey: client.moduleKey,
    pageId: client.extension?.content?.id,
    spaceId: client.extension?.space?.id,
  })),
  /** display name by account id; unknown ids are absent */
  defineResolver('people.names', { writes: false, input: z.strictObject({ accountIds: z.array(accountId).min(1).max(L.peopleLookup.max) }) }, async (input, { engine, caller }): Promise<{ names: Record<string, string> }> => ({
    names: await engine.people.displayNames(caller, input.accountIds),
  })),

  defineResolver('page.status', { writes: false, input: z.strictObject(optionalPageId) }, async (input, { engine, caller, client }): Promise<{ status: PageStateView }> => ({
    status: await engine.approvals.pageStatus(caller, pageIdOf(input, client)),
  })),
  // SPEC 5a in the page panel: the signed receipt of the page's completed approval (null while not approved)
  defineResolver('approval.receipt', { writes: false, input: z.strictObject(optionalPageId) }, async (input, { engine, caller, client }): Promise<{ receipt: ApprovalReceipt | null }> => ({
    receipt: await engine.evidence.pageReceipt(caller, pageIdOf(input, client)),
  })),
  defineResolver('page.overview', { writes: false, input: z.strictObject(optionalPageId) }, async (input, env): Promise<PageOverview> => {
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
    const workflows = await sealedPageOfArray(allWorkflows, env.listCursor('workflow.list', { spaceId: status.spaceId }), L.listPage.max);
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
  defineResolver('page.history', { writes: false, input: z.strictObject({ ...optionalPageId, ...paging }) }, async (input, env): Promise<{ approvals: PageApproval[]; nextCursor?: string }> => {
    const pageId = pageIdOf(input, env.client);
    const page = await sealedPageOfArray(await env.engine.approvals.history(env.caller, pageId), env.listCursor('page.history', { pageId, cursor: input.cursor }), input.limit);
    return { approvals: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }),
  defineResolver('page.changeSets', { writes: false, input: z.strictObject({ ...optionalPageId, ...paging }) }, async (input, env): Promise<{ changeSets: ChangeSetView[]; nextCursor?: string }> => {
    const pageId = pageIdOf(input, env.client);
    const listCursor = env.listCursor('page.changeSets', { pageId, cursor: input.cursor });
    const { items, ...more } = await sealedResultPage(listCursor, (cursor) => env.engine.changeSets.forPage(env.caller, pageId, { cursor, limit: input.limit }));
    return { changeSets: items, ...more };
  }),
  defineResolver('page.preflight', { writes: false, input: z.strictObject({ ...optionalPageId, workflowId: opaqueId.optional() }) }, async (input, { engine, caller, client }): Promise<{ result: PreflightResult }> => ({
    result: await engine.approvals.preflightPage(caller, pageIdOf(input, client), input.workflowId),
  })),
  defineResolver('page.submit', { writes: true, input: z.strictObject({ ...optionalPageId, workflowId: opaqueId.optional() }) }, async (input, { engine, caller, client }): Promise<{ approval: PageApproval }> => ({
    approval: await engine.approvals.submitPage(caller, pageIdOf(input, client), input.workflowId),
  })),

  // SPEC 2.4a: what changed since approval, and restore to approved
  defineResolver('page.diff', {
    writes: false,
    input: z.strictObject({
      ...optionalPageId,
      from: z.union([pageVersion, z.literal('lastApproved')]).optional(),
      to: z.union([pageVersion, z.literal('current')]).optional(),
    }),
  }, async (input, { engine, caller, client }): Promise<{ diff: PageDiff }> => ({
    diff: await engine.content.diff(caller, pageIdOf(input, client), { ...(input.from !== undefined ? { from: input.from } : {}), ...(input.to !== undefined ? { to: input.to } : {}) }),
  })),
  defineResolver('page.restore', { writes: true, input: z.strictObject(optionalPageId) }, async (input, { engine, caller, client }): Promise<{ restore: RestoreResult }> => ({
    restore: await engine.content.restore(caller, pageIdOf(input, client)),
  })),

  // SPEC 2.3c: `meaning` and `credential` sign the decision when its step takes a signature.
  defineResolver('approval.decide', {
    writes: true,
    input: z.strictObject({
      approvalId: opaqueId,
      decision,
      comment: comment.optional(),
      meaning: meaningCode.optional(),
      credential: credentialSchema.optional(),
    }),
  }, async (input, { engine, caller }): Promise<{ approval: PageApproval }> => ({
    approval: await engine.approvals.decide(caller, input.approvalId, input.decision, input.comment, {
      ...(input.meaning ? { meaning: input.meaning } : {}),
      ...(input.credential ? { credential: input.credential } : {}),
    }),
  })),
  defineResolver('approval.decisionPreview', { writes: false, input: z.strictObject({ approvalId: opaqueId }) }, async (input, { engine, caller }): Promise<{ preview: DecisionPreview }> => ({
    preview: await engine.approvals.decisionPreview(caller, input.approvalId),
  })),
  defineResolver('approval.cancel', { writes: true, input: z.strictObject({ approvalId: opaqueId }) }, async (input, { engine, caller }): Promise<{ approval: PageApproval }> => ({
    approval: await engine.approvals.cancel(caller, input.approvalId),
  })),
];
