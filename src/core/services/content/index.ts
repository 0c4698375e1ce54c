/** What changed since approval (SPEC 2.4a): page diffs, restore to approved, and the page-updated job. */
import type { ContentService } from '../engine';
import type { EngineContext } from '../context';
import { enqueueAfterCommit } from '../jobs';
import { pageDiff } from './diff';
import { restoreApproved } from './restore';
import { stalenessOf } from '../staleness/evaluate';

export function createContentService(ctx: EngineContext): ContentService {
  return {
    pageUpdated: (pageId) => enqueueAfterCommit(ctx, [{ kind: 'page.updated', pageId }]),
    diff: (caller, pageId, range) => pageDiff(ctx, caller, pageId, range),
    restore: (caller, pageId) => restoreApproved(ctx, caller, pageId),
    staleness: (latest, currentVersion) => stalenessOf(ctx, latest, currentVersion),
  };
}
