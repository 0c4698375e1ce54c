/** Reading change sets: a space's list, one change set, and the change sets of one page (the macro). */
import { FIELD_LIMITS } from '../../domain/limits';
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { ChangeSetView } from '../../domain/model';
import { ROLLUP_STATES, isRollupState } from '../../domain/model';
import { changeSetSchema, parseStored } from '../../domain/schemas';
import type { ResultPage } from '../types';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { denial } from '../denials';
import { PageCache } from '../page-cache';
import { getManyByKey, pageLimit } from '../store-reads';
import { keys } from '../keys';
import { enrich, enrichOne } from './enrich';
import { loadReadableChangeSet } from './guards';
import { membershipSchema, unindexedMarkerSchema } from './store';
import { defineOperation } from '../operation';

type ListQuery = { spaceId: string; status?: 'open' | 'archived'; rollupState?: string; limit?: number; cursor?: string };

/** A space the caller cannot view lists as empty, like a space without change sets (and is audited). */
export const listChangeSets = defineOperation({
  rights: 'Anyone who can view the space (else an empty page, audited).',
  async execute(ctx: EngineContext, caller: Caller, query: ListQuery): Promise<ResultPage<ChangeSetView>> {
    const limit = pageLimit(query.limit);
    if (query.rollupState !== undefined && !isRollupState(query.rollupState)) {
      throw new DomainError('INVALID_REQUEST', 'Unknown rollupState.', [{ field: 'rollupState', code: 'ENUM', reason: `one of ${ROLLUP_STATES.join(', ')}` }]);
    }
    if (!(await new SpaceAccess(ctx, caller.accountId).canView(query.spaceId))) {
      await denial(ctx, caller, new DomainError('SPACE_NOT_FOUND', 'Space not found.'), query.spaceId, { operation: 'changeset.list' });
      return { items: [] };
    }
    const page = await ctx.store.query({
      prefix: keys.changeSetBySpacePrefix(query.spaceId, query.status ?? 'all'),
      order: 'desc',
      limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    const sets = page.items.map((i) => parseStored(changeSetSchema, i.key, i.value));
    const views = await enrich(ctx, sets, new PageCache(ctx, caller.accountId));
    const items = query.rollupState ? views.filter((v) => v.rollupState === query.rollupState) : views;
    return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});

export const getChangeSet = defineOperation({
  rights: 'Anyone who can view its space (else CHANGE_SET_NOT_FOUND, audited).',
  async execute(ctx: EngineContext, caller: Caller, changeSetId: string): Promise<ChangeSetView> {
    const { cs } = await loadReadableChangeSet(ctx, caller, new SpaceAccess(ctx, caller.accountId), changeSetId, 'changeset.get');
    return enrichOne(ctx, cs, new PageCache(ctx, caller.accountId));
  },
});

/**
 * Change sets that list the page, newest first, paged (limit ≤ 100 + cursor). Candidates are the
 * page's membership entries plus, on the first page, change sets still being indexed (see
 * writeMembership; markers are transient, so a first page holds at most 2 × limit). A reader of the
 * page can view its space, so every change set found is readable.
 */
export const changeSetsOfPage = defineOperation({
  rights: 'Anyone who can view the page (else PAGE_NOT_FOUND, audited).',
  async execute(ctx: EngineContext, caller: Caller, pageId: string, options: { limit?: number; cursor?: string } = {}): Promise<ResultPage<ChangeSetView>> {
    const cache = new PageCache(ctx, caller.accountId);
    const page = await cache.visiblePage(caller, pageId, 'changeset.forPage');
    const limit = pageLimit(options.limit, FIELD_LIMITS.listPage.default);
    const [members, unindexed] = await Promise.all([
      ctx.store.query({ prefix: keys.changeSetOfPagePrefix(pageId), order: 'desc', limit, ...(options.cursor ? { cursor: options.cursor } : {}) }),
      ctx.store.query({ prefix: keys.changeSetUnindexedPrefix(page.spaceId), limit }),
    ]);
    const marked = unindexed.items.map((i) => parseStored(unindexedMarkerSchema, i.key, i.value).changeSetId);
    const listed = members.items.map((i) => parseStored(membershipSchema, i.key, i.value).changeSetId);
    // marked ones are shown on the first page only, so later pages skip them
    const candidateIds = [...new Set(options.cursor ? listed.filter((id) => !marked.includes(id)) : [...marked, ...listed])];
    const records = await getManyByKey(ctx.store, candidateIds.map(keys.changeSet));
    const sets = [...records.values()]
      .map((i) => parseStored(changeSetSchema, i.key, i.value))
      .filter((cs) => cs.pageRefs.some((r) => r.pageId === pageId))
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
    const items = await enrich(ctx, sets, cache);
    return { items, ...(members.nextCursor ? { nextCursor: members.nextCursor } : {}) };
  },
});
