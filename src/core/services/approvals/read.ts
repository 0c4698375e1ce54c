/** Reading approvals: a page's status (SPEC 2.4) and history, and a space's pending queue. */
import { deriveReview } from '../../lifecycle/review';
import { FIELD_LIMITS } from '../../domain/limits';
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import { activeStepOf, expandApprovers, groupsOfSteps } from '../../domain/approvers';
import { derivePageState } from '../../domain/page-state';
import type { PageApproval, PageStateView } from '../../domain/model';
import { pageApprovalSchema, parseStored, workflowSchema } from '../../domain/schemas';
import type { StoredItem } from '../../ports/store';
import type { Page } from '../types';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { denial } from '../denials';
import { getManyByKey, pageLimit } from '../store-reads';
import { approvalIndex, keys } from '../keys';
import { PageCache } from '../page-cache';
import { expandGroups, parsePageState } from '../page-context';
import { activeApprovers } from '../notifications';
import { snapshotOf } from '../submission';
import { effectiveApproval } from './records';
import { defineOperation } from '../operation';

/** Newest approvals of a page shown in its history. */
const HISTORY_LIMIT = FIELD_LIMITS.listPage.max;

export const pageStatus = defineOperation({
  rights: 'Anyone who can view the page (else PAGE_NOT_FOUND, audited).',
  async execute(ctx: EngineContext, caller: Caller, pageId: string): Promise<PageStateView> {
    const [page, stateItem] = await Promise.all([
      new PageCache(ctx, caller.accountId).visiblePage(caller, pageId, 'approval.status'),
      ctx.store.get(keys.pageState(pageId)),
    ]);
    const stored = parsePageState(stateItem);
    const latest = stored ? (await effectiveApproval(ctx, stored)).approval : undefined;
    const derived = derivePageState(latest, page.version);
    const review = deriveReview(latest, ctx.clock.now());
    const view = { pageId, spaceId: page.spaceId, title: page.title, currentPageVersion: page.version, ...derived, ...review, ...(latest ? { latestApproval: latest } : {}), ...(latest?.routedBy ? { routedBy: latest.routedBy } : {}) };
    if (latest?.status !== 'pending') return view;
    const step = activeStepOf(latest);
    return {
      ...view,
      pending: { approval: latest, activeStep: latest.activeStep, ...(step.name ? { stepName: step.name } : {}), approvers: await activeApprovers(ctx, latest), mode: step.mode },
    };
  },
});

function parseApprovals(ids: string[], got: Map<string, StoredItem>): PageApproval[] {
  return ids.flatMap((id) => {
    const item = got.get(keys.approval(id));
    return item ? [parseStored(pageApprovalSchema, item.key, item.value)] : [];
  });
}

export const history = defineOperation({
  rights: 'Anyone who can view the page (else PAGE_NOT_FOUND, audited).',
  async execute(ctx: EngineContext, caller: Caller, pageId: string): Promise<PageApproval[]> {
    await new PageCache(ctx, caller.accountId).visiblePage(caller, pageId, 'approval.history');
    const refs = await ctx.store.queryEntity({ ...approvalIndex.history(pageId), order: 'desc', limit: HISTORY_LIMIT });
    const ids = refs.items.map((i) => i.key);
    return parseApprovals(ids, await getManyByKey(ctx.store, ids.map(keys.approval)));
  },
});

/** Pending approvals of a space the caller can view (others: an empty page, audited), pages they cannot read left out. */
export const queue = defineOperation({
  rights: 'Anyone who can view the space (else an empty page, audited); pages the caller cannot read are left out.',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string, options: { mine?: boolean; cursor?: string; limit?: number }): Promise<Page<PageApproval>> {
    if (!(await new SpaceAccess(ctx, caller.accountId).canView(spaceId))) {
      await denial(ctx, caller, new DomainError('SPACE_NOT_FOUND', 'Space not found.'), spaceId, { operation: 'approval.queue' });
      return { items: [] };
    }
    const page = await ctx.store.queryEntity({ ...approvalIndex.pendingInSpace(spaceId), limit: pageLimit(options.limit), ...(options.cursor ? { cursor: options.cursor } : {}) });
    const ids = page.items.map((i) => i.key);
    const stored = parseApprovals(ids, await getManyByKey(ctx.store, ids.map(keys.approval)));
    // adopt current definitions (in-flight rule) with one batched read of the workflows
    const wfItems = await getManyByKey(ctx.store, [...new Set(stored.map((a) => keys.workflow(a.workflowId)))]);
    const approvals = stored.map((a) => {
      const wfItem = wfItems.get(keys.workflow(a.workflowId));
      return a.decisions.length === 0 && wfItem ? { ...a, workflowSnapshot: snapshotOf(parseStored(workflowSchema, wfItem.key, wfItem.value)) } : a;
    });
    const readable = await new PageCache(ctx, caller.accountId).readable(approvals.map((a) => a.pageId));
    let items = approvals.filter((a) => readable.has(a.pageId));
    if (options.mine) {
      const groupMembers = new Map<string, string[]>();
      await expandGroups(ctx, groupsOfSteps(items.map(activeStepOf)), groupMembers);
      items = items.filter((a) => expandApprovers(activeStepOf(a), groupMembers).includes(caller.accountId));
    }
    return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});
