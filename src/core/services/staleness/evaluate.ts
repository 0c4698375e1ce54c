/** Staleness of a page as the caller can establish it (SPEC 2.4a): the pure rule plus the reads it needs. */
import { deriveStaleness, needsContent, policyOf } from '../../domain/staleness';
import type { Staleness } from '../../domain/model';
import type { PageLatest } from '../../domain/page-state';
import type { EngineContext } from '../context';
import { settleBounded } from '../../shared/settle-bounded';
import { driftSince, hashOfVersion } from './content';

export async function stalenessOf(ctx: EngineContext, latest: PageLatest | undefined, currentVersion: number): Promise<Staleness> {
  if (!needsContent(latest, currentVersion)) return deriveStaleness(latest, currentVersion);
  const currentHash = await hashOfVersion(ctx, latest.pageId, currentVersion);
  if (policyOf(latest) !== 'content_change_tolerant' || currentHash === undefined || currentHash === latest.contentHash) {
    return deriveStaleness(latest, currentVersion, currentHash === undefined ? {} : { currentHash });
  }
  const drift = await driftSince(ctx, latest, currentVersion);
  return deriveStaleness(latest, currentVersion, { currentHash, ...(drift ? { drift } : {}) });
}

/** Many pages at once (change-set enrichment, queue): at most `parallel` content reads in flight; the first failure (in page order) is thrown. */
export async function stalenessOfMany(
  ctx: EngineContext,
  items: Array<{ latest: PageLatest | undefined; currentVersion: number }>,
  parallel = 5,
): Promise<Staleness[]> {
  const settled = await settleBounded(
    items.map((item) => () => stalenessOf(ctx, item.latest, item.currentVersion)),
    parallel,
  );
  return settled.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}
