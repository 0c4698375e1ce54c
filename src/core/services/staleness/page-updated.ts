/**
 * After a page-updated event (a queued job, at least once): hash the new version (cached by
 * pageId:version, so a redelivery reads nothing twice) and record the staleness transition of the
 * page's approval, if any. Runs as the app: a page the app cannot read (restricted) fails closed,
 * and the next readable version records `approval.fresh_again` if its hash matches again.
 */
import { SYSTEM_ACTOR } from '../../domain/caller';
import { needsContent, stalenessUnread } from '../../domain/staleness';
import type { PageLatest } from '../../domain/page-state';
import type { EngineContext } from '../context';
import { keys } from '../keys';
import { parsePageState } from '../page-context';
import { hashOfVersion } from './content';
import { stalenessOf } from './evaluate';
import { recordTransition } from './transitions';
import { invalidateIfPinned } from '../changesets/atomic/invalidate';

/** Transitions seen by a job are recorded as the app's. `updatedAt`: when the trigger saw the edit (jobs queued before it was recorded have none). */
export async function onPageUpdated(ctx: EngineContext, pageId: string, updatedAt?: number): Promise<void> {
  const [pages, stateItem] = await Promise.all([ctx.confluence.getPages([pageId]), ctx.store.get(keys.pageState(pageId))]);
  const page = pages.get(pageId);
  const latest = parsePageState(stateItem);
  if (!page) return recordUnread(ctx, latest, updatedAt);
  if (page.status !== 'current') return;
  // SPEC 2.5a: a page pinned by an atomic set in review voids that review when it changes
  await invalidateIfPinned(ctx, SYSTEM_ACTOR, page);
  if (latest?.status !== 'approved') return;
  const hash = needsContent(latest, page.version) ? await hashOfVersion(ctx, pageId, page.version) : undefined;
  const staleness = await stalenessOf(ctx, latest, page.version);
  await recordTransition(ctx, SYSTEM_ACTOR, latest, page.version, staleness, hash);
}

/**
 * SPEC 2.4a "no hash can be computed → stale, HASH_UNAVAILABLE": the event says the page changed but
 * the app cannot read its version. An edit seen before the approval was decided is not a newer one.
 */
async function recordUnread(ctx: EngineContext, latest: PageLatest | undefined, updatedAt: number | undefined): Promise<void> {
  if (latest?.status !== 'approved') return;
  if (updatedAt !== undefined && latest.decidedAt !== undefined && updatedAt < latest.decidedAt) return;
  await recordTransition(ctx, SYSTEM_ACTOR, latest, undefined, stalenessUnread(latest));
}
