/** Reading approvals: a page's status (SPEC 2.4) and history, and a space's pending queue. */
import { deriveReview } from '../../domain/review';
import { FIELD_LIMITS } from '../../domain/limits';
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import { activeStepOf } from '../../domain/approvers';
import { derivePageState } from '../../domain/page-state';
import type { PageApproval, PageStateView, QueueItem } from '../../domain/model';
import type { ResultPage } from '../types';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { denial } from '../denials';
import { getManyByKey, pageLimit } from '../store-reads';
import type { StoredItem } from '../../ports/store';
import { asPageApproval, DISPLAY, effectiveSetStatus, loadPointedSets, setOf } from '../changesets/atomic/resolve';
import { approvalIndex, keys } from '../keys';
import { PageCache } from '../page-cache';
import { parsePageState } from '../page-context';
import { GroupListing } from '../group-listing';
import { activeStepProgress, progressWith, stepApprovers, waitingFor } from '../step-progress';
import { stuckAtRead } from '../stuck-at-read';
import { waitingCover, withCover } from '../delegations/cover';
import { readPageLatest } from './page-latest';
import { approvalsOfItems, wholeApprovals } from './stored';
import { invalidQueueCursor, isMineCursor, minePage } from './queue-mine';
import { withCurrentDefinitions } from './records';
import { stalenessOf, stalenessOfMany } from '../staleness/evaluate';
import { defineOperation } from '../operation';

/** Newest approvals of a page shown in its history. */
const HISTORY_LIMIT = FIELD_LIMITS.listPage.max;

export const pageStatus = defineOperation({
  rights: 'Anyone who can view the page (else PAGE_NOT_FOUND, audited).',
  async execute(ctx: EngineContext, caller: Caller, pageId: string): Promise<PageStateView> {
    const [page, { latest, approvedVia }] = await Promise.all([new PageCache(ctx, caller.accountId).visiblePage(caller, pageId, 'approval.status'), readPageLatest(ctx, pageId)]);
    const derived = derivePageState(latest, page.version);
    const review = deriveReview(latest, ctx.clock.now());
    const staleness = await stalenessOf(ctx, latest, page.version);
    const view = {
      pageId,
      spaceId: page.spaceId,
      title: page.title,
      currentPageVersion: page.version,
      ...derived,
      isStale: staleness.stale,
      ...review,
      staleness,
      ...(latest ? { latestApproval: latest } : {}),
      ...(approvedVia ? { approvedVia } : {}),
      ...(latest?.routedBy ? { routedBy: latest.routedBy } : {}),
    };
    if (latest?.status !== 'pending') return view;
    const step = activeStepOf(latest);
    // one listing of the step's groups for progress, approvers and the stuck check (which reads further only while a group is short, within its read bound)
    const listing = new GroupListing(ctx);
    const progress = await activeStepProgress(ctx, latest, listing);
    const { approvers, more } = stepApprovers(latest, listing);
    // SPEC 2.3b: the waiting lists name who acts (a `replace` delegate instead of the person away); read beside the stuck check
    const [stuck, cover] = await Promise.all([stuckAtRead(ctx, latest, listing), waitingCover(ctx, latest, waitingFor(progress))]);
    const groups = withCover(progress, cover);
    const named = { approvers, ...(more ? { approversMore: true as const } : {}) };
    return {
      ...view,
      pending: { approval: latest, activeStep: latest.activeStep, ...(step.name ? { stepName: step.name } : {}), ...named, ...(step.mode ? { mode: step.mode } : {}), groups, ...(stuck.length > 0 ? { stuck } : {}) },
    };
  },
});

export const history = defineOperation({
  rights: 'Anyone who can view the page (else PAGE_NOT_FOUND, audited).',
  async execute(ctx: EngineContext, caller: Caller, pageId: string): Promise<PageApproval[]> {
    await new PageCache(ctx, caller.accountId).visiblePage(caller, pageId, 'approval.history');
    // read-your-writes: the index may not show a submit made a moment ago (docs/forge-platform.md U22);
    // the page state (strong `get`) names the latest approval, which leads the history if the index lags
    const [refs, stored] = await Promise.all([
      ctx.store.queryEntity({ ...approvalIndex.history(pageId), order: 'desc', limit: HISTORY_LIMIT }),
      getManyByKey(ctx.store, [keys.pageState(pageId), keys.setMember(pageId)]),
    ]);
    const indexed = (await approvalsOfItems(ctx, refs.items)).map((s) => s.approval);
    const summary = parsePageState(stored.get(keys.pageState(pageId)));
    const [newest] = summary && !indexed.some((a) => a.id === summary.id) ? await wholeApprovals(ctx, [summary]) : [];
    const own = newest ? [newest, ...indexed] : indexed;
    // SPEC 2.4 "history keeps the old ones": the set approvals that pinned the page too (Audit A#2)
    const sets = await setApprovalsOf(ctx, pageId, stored.get(keys.setMember(pageId)));
    return [...own, ...sets].sort((a, b) => b.submittedAt - a.submittedAt).slice(0, HISTORY_LIMIT);
  },
});

/** The set approvals the page's pointer remembers, as approvals of this page; a voided or dead one is left out (docs/decisions.md "x-sets"). */
async function setApprovalsOf(ctx: EngineContext, pageId: string, memberItem: StoredItem | undefined): Promise<PageApproval[]> {
  const now = ctx.clock.now();
  const sets = setOf(memberItem, await loadPointedSets(ctx, [memberItem], true));
  return sets.flatMap((set) => {
    const status = effectiveSetStatus(set, now, DISPLAY);
    return (status && asPageApproval(set, pageId, status)) || [];
  });
}

/** Pending approvals of a space the caller can view (others: an empty page, audited), pages they cannot read left out. */
export const queue = defineOperation({
  rights: 'Anyone who can view the space (else an empty page, audited); pages the caller cannot read are left out.',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string, options: { mine?: boolean; requestedByMe?: boolean; cursor?: string; limit?: number }): Promise<ResultPage<QueueItem>> {
    if (!(await new SpaceAccess(ctx, caller.accountId).canView(spaceId))) {
      await denial(ctx, caller, new DomainError('SPACE_NOT_FOUND', 'Space not found.'), spaceId, { operation: 'approval.queue' });
      return { items: [] };
    }
    // "mine" asks the caller's groups once; the rows' groups are listed once for the page (a page of members each, SPEC 2.1a progress)
    const listing = new GroupListing(ctx);
    const paging = { limit: pageLimit(options.limit), ...(options.cursor ? { cursor: options.cursor } : {}) };
    // "mine" through the approver index once it is complete (queue-mine.ts); else, and for the whole queue, the space's pending approvals
    const page = (options.mine ? await minePage(ctx, caller.accountId, spaceId, listing.membership, paging) : undefined) ?? (await pendingInSpace(ctx, spaceId, paging));
    const readable = await new PageCache(ctx, caller.accountId).readable(page.approvals.map((a) => a.pageId));
    let items = page.approvals.filter((a) => readable.has(a.pageId));
    // the authority on "mine": an approver of the effective active step (the index only narrows)
    if (options.mine) {
      const mine = await Promise.all(items.map((a) => listing.membership.isApprover(activeStepOf(a), caller.accountId)));
      items = items.filter((_, i) => mine[i]);
    }
    // An author's own requests still waiting ("Requested by me").
    if (options.requestedByMe) items = items.filter((a) => a.submittedBy === caller.accountId);
    // SPEC 2.4a with the status builder; a row's latest approval is the pending one, so no content is read
    const [staleness] = await Promise.all([stalenessOfMany(ctx, items.map((a) => ({ latest: a, currentVersion: a.pageVersion }))), listing.readFor(items)]);
    return { items: items.map((a, i) => ({ ...a, groups: progressWith(a, listing.members, listing.cutOf(activeStepOf(a))), staleness: staleness[i]! })), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});

/** A page of the space's pending approvals, oldest first, with current definitions adopted (in-flight rule). */
async function pendingInSpace(ctx: EngineContext, spaceId: string, paging: { limit: number; cursor?: string }): Promise<{ approvals: PageApproval[]; nextCursor?: string }> {
  if (isMineCursor(paging.cursor)) throw invalidQueueCursor();
  const page = await ctx.store.queryEntity({ ...approvalIndex.pendingInSpace(spaceId), ...paging });
  const approvals = await withCurrentDefinitions(ctx, (await approvalsOfItems(ctx, page.items)).map((s) => s.approval));
  return { approvals, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
