/** The page-updated trigger's operation, and staleness for the byline (SPEC 2.4a). */
import { enqueueAfterCommit } from '../commit';
import type { Staleness } from '../../domain/model';
import type { PageLatest } from '../../domain/page-state';
import type { EngineContext } from '../context';
import { defineOperation } from '../operation';
import { stalenessOf } from '../staleness/evaluate';

export const pageUpdated = defineOperation({
  rights: 'The page-updated trigger (no user): queues the hash and staleness job of the page; reads and writes nothing else.',
  async execute(ctx: EngineContext, pageId: string): Promise<void> {
    await enqueueAfterCommit(ctx, [{ kind: 'page.updated', pageId, updatedAt: ctx.clock.now() }]);
  },
});

export const stalenessOfPage = defineOperation({
  rights: 'The byline, after it read the page as the viewer: content is read as that viewer (a page they cannot read counts as HASH_UNAVAILABLE).',
  async execute(ctx: EngineContext, latest: PageLatest | undefined, currentVersion: number): Promise<Staleness> {
    return stalenessOf(ctx, latest, currentVersion);
  },
});
