/**
 * The "due or expired" queue of a space (SPEC 2.7, queue filter) and its counts for analytics, read
 * from the per-space review index (`lc-review:<space>:<dueFrom>:…`, written with the approving
 * decision). Ascending key order is due order: a read stops at the first page not yet due. Entries of
 * superseded or reset approvals are skipped here and removed by retention with their approval.
 */
import type { Caller } from '../domain/caller';
import type { PageApproval, ReviewState } from '../domain/model';
import { pageApprovalSchema, parseStored } from '../domain/schemas';
import { STORE_LIMITS } from '../ports/store';
import type { EngineContext } from '../services/context';
import { getManyByKey } from '../services/store-reads';
import { keys } from '../services/keys';
import { PageCache } from '../services/page-cache';
import { lcKeys } from './keys';
import { deriveReview } from './review';
import { resolvedRefSchema } from './schemas';
import { defineOperation } from '../services/operation';

export interface ReviewQueueItem {
  pageId: string;
  title: string;
  approvalId: string;
  workflowId: string;
  workflowName: string;
  approvedAtVersion: number;
  reviewState: Exclude<ReviewState, 'current'>;
  reviewDueAt: number;
}

/** Index entries whose dueFrom has passed, from `cursor` on, with the approvals they still describe. */
async function dueEntries(ctx: EngineContext, spaceId: string, limit: number, cursor?: string): Promise<{ items: PageApproval[]; nextCursor?: string }> {
  const prefix = lcKeys.reviewPrefix(spaceId);
  const page = await ctx.store.query({ prefix, limit, ...(cursor ? { cursor } : {}) });
  const now = ctx.clock.now();
  const due = page.items.filter((i) => Number(i.key.slice(prefix.length, prefix.length + 15)) <= now);
  const refs = due.map((i) => parseStored(resolvedRefSchema, i.key, i.value));
  const states = await getManyByKey(ctx.store, [...new Set(refs.map((r) => keys.pageState(r.pageId)))]);
  const items = refs.flatMap((ref) => {
    const item = states.get(keys.pageState(ref.pageId));
    const latest = item ? parseStored(pageApprovalSchema, item.key, item.value) : undefined;
    return latest?.id === ref.approvalId && latest.status === 'approved' ? [latest] : [];
  });
  // a not-yet-due entry ends the queue: everything after it is later still
  const more = due.length === page.items.length && page.nextCursor !== undefined;
  return { items, ...(more ? { nextCursor: page.nextCursor } : {}) };
}

/** Pages of the space due or expired for review that the caller can read, soonest due first. */
export const reviewQueue = defineOperation({
  rights: 'Anyone who can view the space; pages the caller cannot read are left out.',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string, options: { cursor?: string; limit?: number }): Promise<{ items: ReviewQueueItem[]; nextCursor?: string }> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), STORE_LIMITS.maxQueryLimit);
    const { items, nextCursor } = await dueEntries(ctx, spaceId, limit, options.cursor);
    const cache = new PageCache(ctx, caller.accountId);
    const [pages, readable] = await Promise.all([cache.pages(items.map((a) => a.pageId)), cache.readable(items.map((a) => a.pageId))]);
    const now = ctx.clock.now();
    const out: ReviewQueueItem[] = [];
    for (const a of items) {
      const review = deriveReview(a, now);
      if (!readable.has(a.pageId) || review.reviewState === null || review.reviewState === 'current' || review.reviewDueAt === null) continue;
      out.push({
        pageId: a.pageId,
        title: pages.get(a.pageId)?.title ?? '',
        approvalId: a.id,
        workflowId: a.workflowId,
        workflowName: a.workflowSnapshot.name,
        approvedAtVersion: a.pageVersion,
        reviewState: review.reviewState,
        reviewDueAt: review.reviewDueAt,
      });
    }
    return { items: out, ...(nextCursor ? { nextCursor } : {}) };
  },
});

/**
 * Counts for analytics cards over the pages the caller can read (bounded: each page needs a permission
 * check), optionally of one workflow; `complete: false` when more than `maxEntries` pages are due.
 */
export const reviewCounts = defineOperation({
  rights: 'Anyone who can view the space.',
  async execute(
    ctx: EngineContext,
    caller: Caller,
    spaceId: string,
    options: { workflowId?: string; maxEntries?: number } = {},
  ): Promise<{ due: number; expired: number; complete: boolean }> {
    const maxEntries = options.maxEntries ?? 500;
    const counts = { due: 0, expired: 0, complete: true };
    let cursor: string | undefined;
    let seen = 0;
    do {
      const page = await reviewQueue.execute(ctx, caller, spaceId, { limit: STORE_LIMITS.maxQueryLimit, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) if (!options.workflowId || item.workflowId === options.workflowId) counts[item.reviewState]++;
      seen += STORE_LIMITS.maxQueryLimit;
      cursor = page.nextCursor;
    } while (cursor && seen < maxEntries);
    counts.complete = cursor === undefined;
    return counts;
  },
});
