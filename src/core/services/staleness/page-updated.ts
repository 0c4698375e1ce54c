/**
 * After a page-updated event (a queued job, at least once): hash the new version (cached by
 * pageId:version, so a redelivery reads nothing twice) and record the staleness transition of the
 * page's approval, if any. Runs as the app: a page the app cannot read leaves the hash to the next
 * viewer's read, which computes it as them.
 */
import { SYSTEM_ACTOR } from '../../domain/caller';
import { needsContent } from '../../domain/staleness';
import type { EngineContext } from '../context';
import { keys } from '../keys';
import { parsePageState } from '../page-context';
import { hashOfVersion } from './content';
import { stalenessOf } from './evaluate';
import { recordTransition } from './transitions';
import { invalidateIfPinned } from '../changesets/atomic/invalidate';

/** Transitions seen by a job are recorded as the app's. */

export async function onPageUpdated(ctx: EngineContext, pageId: string): Promise<void> {
  const [pages, stateItem] = await Promise.all([ctx.confluence.getPages([pageId]), ctx.store.get(keys.pageState(pageId))]);
  const page = pages.get(pageId);
  if (!page || page.status !== 'current') return;
  // SPEC 2.5a: a page pinned by an atomic set in review voids that review when it changes
  await invalidateIfPinned(ctx, SYSTEM_ACTOR, page);
  const latest = parsePageState(stateItem);
  if (latest?.status !== 'approved') return;
  const hash = needsContent(latest, page.version) ? await hashOfVersion(ctx, pageId, page.version) : undefined;
  const staleness = await stalenessOf(ctx, latest, page.version);
  await recordTransition(ctx, SYSTEM_ACTOR, latest, page.version, staleness, hash);
}
