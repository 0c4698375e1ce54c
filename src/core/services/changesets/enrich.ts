/**
 * Change sets as a reader sees them (SPEC 2.5): per page its title, versions and approval state,
 * plus the roll-up. ONE getPages for all pages of all sets, parallel read checks, batched
 * page-state reads. A page the reader cannot view shows as not_found, without its title.
 */
import { deriveReview } from '../../lifecycle/review';
import { derivePageState, rollUp } from '../../domain/page-state';
import type { ChangeSet, ChangeSetPageView, ChangeSetView } from '../../domain/model';
import type { EngineContext } from '../context';
import type { PageCache } from '../page-cache';
import { parsePageState } from '../page-context';
import { getManyByKey } from '../store-reads';
import { keys } from '../keys';
import { stalenessOfMany } from '../staleness/evaluate';
import { DISPLAY, loadPointedSets, resolveLatest, setOf } from './atomic/resolve';

const HIDDEN = {
  title: '',
  currentPageVersion: null,
  approvedAtVersion: null,
  isStale: false,
  versionDelta: 0,
  approvalStatus: 'not_found',
  approvalId: null,
  reviewState: null,
  reviewDueAt: null,
  staleness: { stale: false, reason: 'not_approved', versionDelta: 0 },
} as const;

export async function enrich(ctx: EngineContext, sets: ChangeSet[], cache: PageCache): Promise<ChangeSetView[]> {
  const pageIds = [...new Set(sets.flatMap((s) => s.pageRefs.map((r) => r.pageId)))];
  const [pages, states] = await Promise.all([cache.pages(pageIds), getManyByKey(ctx.store, pageIds.flatMap((id) => [keys.pageState(id), keys.setMember(id)]))]);
  const pointed = await loadPointedSets(ctx, pageIds.map((id) => states.get(keys.setMember(id))));
  const readable = await cache.readable(pageIds.filter((id) => pages.has(id)));
  // SPEC 2.4a per visible page, at most 5 content reads in flight (cached hashes need none)
  const visible = pageIds.filter((id) => pages.has(id) && readable.has(id));
  const now = ctx.clock.now();
  const latestOf = new Map(visible.map((id) => [id, resolveLatest(parsePageState(states.get(keys.pageState(id))), setOf(states.get(keys.setMember(id)), pointed), id, now, DISPLAY).latest]));
  const stalenessList = await stalenessOfMany(ctx, visible.map((id) => ({ latest: latestOf.get(id), currentVersion: pages.get(id)!.version })));
  const stalenessById = new Map(visible.map((id, i) => [id, stalenessList[i]!]));
  return sets.map((cs) => {
    const views = cs.pageRefs.map(({ pageId }): ChangeSetPageView => {
      const page = pages.get(pageId);
      const staleness = stalenessById.get(pageId);
      if (!page || !staleness) return { pageId, ...HIDDEN };
      const latest = latestOf.get(pageId);
      const derived = derivePageState(latest, page.version);
      return {
        pageId,
        title: page.title,
        currentPageVersion: page.version,
        approvedAtVersion: derived.approvedAtVersion,
        isStale: staleness.stale,
        versionDelta: derived.versionDelta,
        staleness,
        approvalStatus: derived.state,
        approvalId: latest?.id ?? null,
        ...deriveReview(latest, ctx.clock.now()),
      };
    });
    return { ...cs, rollupState: rollUp(views), pages: views };
  });
}

export async function enrichOne(ctx: EngineContext, cs: ChangeSet, cache: PageCache): Promise<ChangeSetView> {
  const [view] = await enrich(ctx, [cs], cache);
  if (!view) throw new Error('enrich answers once per change set');
  return view;
}
