/**
 * Change sets as a reader sees them (SPEC 2.5): per page its title, versions and approval state,
 * plus the roll-up. ONE getPages for all pages of all sets, parallel read checks, batched
 * page-state reads. A page the reader cannot view (or a deleted one) shows its approval state only
 * (SPEC 2.5 "shown without its title"; Audit A#17): no title, no versions, no approval id.
 */
import { deriveReview } from '../../domain/review';
import { derivePageState, rollUp, type PageLatest } from '../../domain/page-state';
import type { ChangeSet, ChangeSetPageView, ChangeSetView, SetApproval } from '../../domain/model';
import { parseStored, setApprovalSchema } from '../../domain/schemas';
import { z } from 'zod';

const setPointerSchema = z.object({ setApprovalId: z.string().min(1) });
import type { EngineContext } from '../context';
import type { PageCache } from '../page-cache';
import { parsePageState } from '../page-context';
import { getManyByKey } from '../store-reads';
import { keys } from '../keys';
import { stalenessOfMany } from '../staleness/evaluate';
import { DISPLAY, loadPointedSets, resolveLatest, setOf } from './atomic/resolve';

/** `currentPageVersion: null` marks a page the reader cannot view; its staleness is not judged (reading the page is what it takes). */
const HIDDEN = {
  title: '',
  currentPageVersion: null,
  approvedAtVersion: null,
  isStale: false,
  versionDelta: 0,
  approvalId: null,
  reviewState: null,
  reviewDueAt: null,
  staleness: { stale: false, reason: 'not_approved', versionDelta: 0 },
} as const;

/** A page the reader cannot view: the SPEC 2.4 state of its stored latest approval (docs/decisions.md "x-sets"). */
function hiddenView(pageId: string, latest: PageLatest | undefined): ChangeSetPageView {
  return { pageId, ...HIDDEN, approvalStatus: derivePageState(latest, latest?.pageVersion ?? 0).state };
}

export async function enrich(ctx: EngineContext, sets: ChangeSet[], cache: PageCache): Promise<ChangeSetView[]> {
  const pageIds = [...new Set(sets.flatMap((s) => s.pageRefs.map((r) => r.pageId)))];
  const [pages, states] = await Promise.all([cache.pages(pageIds), getManyByKey(ctx.store, pageIds.flatMap((id) => [keys.pageState(id), keys.setMember(id)]))]);
  const pointed = await loadPointedSets(ctx, pageIds.map((id) => states.get(keys.setMember(id))));
  const [readable, setApprovals] = await Promise.all([cache.readable(pageIds.filter((id) => pages.has(id))), latestSetApprovals(ctx, sets)]);
  // SPEC 2.4a per visible page, at most 5 content reads in flight (cached hashes need none)
  const visible = pageIds.filter((id) => pages.has(id) && readable.has(id));
  const now = ctx.clock.now();
  const latestOf = new Map(pageIds.map((id) => [id, resolveLatest(parsePageState(states.get(keys.pageState(id))), setOf(states.get(keys.setMember(id)), pointed), id, now, DISPLAY).latest]));
  const stalenessList = await stalenessOfMany(ctx, visible.map((id) => ({ latest: latestOf.get(id), currentVersion: pages.get(id)!.version })));
  const stalenessById = new Map(visible.map((id, i) => [id, stalenessList[i]!]));
  return sets.map((cs) => {
    const views = cs.pageRefs.map(({ pageId }): ChangeSetPageView => {
      const page = pages.get(pageId);
      const staleness = stalenessById.get(pageId);
      const latest = latestOf.get(pageId);
      if (!page || !staleness) return hiddenView(pageId, latest);
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
    const setApproval = setApprovals.get(cs.id);
    // SPEC 2.5a: every answer names the mode; a stored per-page set has no field (Audit A#14)
    return { ...cs, approvalMode: cs.approvalMode ?? 'per_page', rollupState: rollUp(views), pages: views, ...(setApproval ? { setApproval } : {}) };
  });
}

/** SPEC 2.5a: each atomic change set's newest set approval (two batched reads for all of them). */
async function latestSetApprovals(ctx: EngineContext, sets: ChangeSet[]): Promise<Map<string, SetApproval>> {
  const atomic = sets.filter((cs) => cs.approvalMode === 'atomic');
  if (atomic.length === 0) return new Map();
  const pointers = await getManyByKey(ctx.store, atomic.map((cs) => keys.changeSetSetApproval(cs.id)));
  const ids = [...pointers.values()].map((p) => parseStored(setPointerSchema, p.key, p.value).setApprovalId);
  const got = await getManyByKey(ctx.store, ids.map(keys.setApproval));
  return new Map([...got.values()].map((item) => {
    const set = parseStored(setApprovalSchema, item.key, item.value);
    return [set.changeSetId, set] as const;
  }));
}

export async function enrichOne(ctx: EngineContext, cs: ChangeSet, cache: PageCache): Promise<ChangeSetView> {
  const [view] = await enrich(ctx, [cs], cache);
  if (!view) throw new Error('enrich answers once per change set');
  return view;
}
