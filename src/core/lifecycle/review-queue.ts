/**
 * The "due or expired" queue of a space (SPEC 2.7, queue filter) and its counts for analytics, read
 * from the per-space review index (`lc-review:<space>:<dueFrom>:…`, written with the approving
 * decision). Ascending key order is due order: a read stops at the first page not yet due. Entries of
 * superseded or reset approvals are skipped here and removed by retention with their approval.
 */
import type { Caller } from '../domain/caller';
import type { PageApproval, ReviewState, Staleness } from '../domain/model';
import { pageStateSchema, parseStored } from '../domain/schemas';
import { wholeApprovals } from '../services/approvals/stored';
import { STORE_LIMITS } from '../ports/store';
import type { EngineContext } from '../services/context';
import { SpaceAccess } from '../services/access';
import { denial } from '../services/denials';
import { DomainError } from '../domain/errors';
import { getManyByKey } from '../services/store-reads';
import { keys } from '../services/keys';
import { PageCache } from '../services/page-cache';
import { lcKeys } from '../records/lifecycle-keys';
import { deriveReview } from '../domain/review';
import { pageGate } from '../domain/eligibility';
import { resolvedRefSchema } from '../records/lifecycle-schemas';
import { defineOperation } from '../services/operation';
import { stalenessOfMany } from '../services/staleness/evaluate';

export interface ReviewQueueItem {
  pageId: string;
  title: string;
  approvalId: string;
  workflowId: string;
  workflowName: string;
  approvedAtVersion: number;
  reviewState: Exclude<ReviewState, 'current'>;
  reviewDueAt: number;
  /** the caller may request approval again (recertify) now: the page-level eligibility checks pass */
  canRequest: boolean;
  /** SPEC 2.4a, as in /pages/status (the queue only; the analytics counts do not need it) */
  staleness?: Staleness;
}

/** Index entries whose dueFrom has passed, from `cursor` on, with the approvals they still describe. */
async function dueEntries(ctx: EngineContext, spaceId: string, limit: number, cursor?: string): Promise<{ items: PageApproval[]; nextCursor?: string }> {
  const prefix = lcKeys.reviewPrefix(spaceId);
  const page = await ctx.store.query({ prefix, limit, ...(cursor ? { cursor } : {}) });
  const now = ctx.clock.now();
  const due = page.items.filter((i) => Number(i.key.slice(prefix.length, prefix.length + 15)) <= now);
  const refs = due.map((i) => parseStored(resolvedRefSchema, i.key, i.value));
  const states = await getManyByKey(ctx.store, [...new Set(refs.map((r) => keys.pageState(r.pageId)))]);
  const current = refs.flatMap((ref) => {
    const item = states.get(keys.pageState(ref.pageId));
    const latest = item ? parseStored(pageStateSchema, item.key, item.value) : undefined;
    return latest?.id === ref.approvalId && latest.status === 'approved' ? [latest] : [];
  });
  // the page state is a summary: the rows show whole approvals
  const items = await wholeApprovals(ctx, current);
  // a not-yet-due entry ends the queue: everything after it is later still
  const more = due.length === page.items.length && page.nextCursor !== undefined;
  return { items, ...(more ? { nextCursor: page.nextCursor } : {}) };
}

/** Index scans one page of the queue may spend skipping pages the caller cannot read. */
const MAX_SCANS_PER_PAGE = 20;

/** The due entries' rows the caller can read (a page they cannot read is no row at all). */
async function readableRows(ctx: EngineContext, cache: PageCache, callerId: string, items: PageApproval[], withStaleness: boolean): Promise<ReviewQueueItem[]> {
  const [pages, perms] = await Promise.all([cache.pages(items.map((a) => a.pageId)), cache.permissions(items.map((a) => a.pageId))]);
  const readable = perms.canRead;
  const now = ctx.clock.now();
  const gate = (a: PageApproval) =>
    pageGate({ callerId, pageId: a.pageId, page: pages.get(a.pageId), canRead: true, canEdit: perms.canEdit.has(a.pageId), latest: a, assigned: undefined, spaceWorkflows: [], groupMembers: new Map(), now }).ok;
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
      canRequest: gate(a),
    });
  }
  if (!withStaleness) return out;
  // the status builder: a cached hash costs a store read, only a missing one a Confluence read (5 in flight)
  const latestOf = new Map(items.map((a) => [a.pageId, a]));
  const staleness = await stalenessOfMany(ctx, out.map((row) => ({ latest: latestOf.get(row.pageId), currentVersion: pages.get(row.pageId)?.version ?? row.approvedAtVersion })));
  return out.map((row, i) => ({ ...row, staleness: staleness[i]! }));
}

/**
 * One page of readable rows: scans on past entries the caller cannot read, so a page is never an
 * empty row with a cursor that would let them count what they cannot see (bounded by MAX_SCANS_PER_PAGE).
 */
async function readableDue(ctx: EngineContext, caller: Caller, spaceId: string, limit: number, withStaleness: boolean, cursor?: string): Promise<{ items: ReviewQueueItem[]; nextCursor?: string }> {
  const cache = new PageCache(ctx, caller.accountId);
  const items: ReviewQueueItem[] = [];
  let next = cursor;
  for (let scan = 0; scan < MAX_SCANS_PER_PAGE; scan++) {
    const page = await dueEntries(ctx, spaceId, limit - items.length, next);
    items.push(...(await readableRows(ctx, cache, caller.accountId, page.items, withStaleness)));
    next = page.nextCursor;
    if (next === undefined || items.length >= limit) break;
  }
  return { items, ...(next ? { nextCursor: next } : {}) };
}

/** Pages of the space due or expired for review that the caller can read, soonest due first. */
export const reviewQueue = defineOperation({
  rights: 'Anyone who can view the space (others get an empty list, like a space with nothing due, and the refusal is audited); pages the caller cannot read are no rows.',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string, options: { cursor?: string; limit?: number }): Promise<{ items: ReviewQueueItem[]; nextCursor?: string }> {
    if (!(await new SpaceAccess(ctx, caller.accountId).canView(spaceId))) {
      await denial(ctx, caller, new DomainError('SPACE_NOT_FOUND', 'Space not found.'), spaceId, { operation: 'queue.review' });
      return { items: [] };
    }
    const limit = Math.min(Math.max(options.limit ?? 50, 1), STORE_LIMITS.maxQueryLimit);
    return readableDue(ctx, caller, spaceId, limit, true, options.cursor);
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
    // no record here: the analytics call that asks also lists the space's workflows, which records the refusal
    if (!(await new SpaceAccess(ctx, caller.accountId).canView(spaceId))) return counts;
    let cursor: string | undefined;
    let seen = 0;
    do {
      const page = await readableDue(ctx, caller, spaceId, STORE_LIMITS.maxQueryLimit, false, cursor);
      for (const item of page.items) if (!options.workflowId || item.workflowId === options.workflowId) counts[item.reviewState]++;
      seen += STORE_LIMITS.maxQueryLimit;
      cursor = page.nextCursor;
    } while (cursor && seen < maxEntries);
    counts.complete = cursor === undefined;
    return counts;
  },
});
