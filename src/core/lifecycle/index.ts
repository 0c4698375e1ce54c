/** The lifecycle use cases as one service the engine exposes (SPEC 2.7–2.10; docs/lifecycle.md). */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { INSTALLATION_SPACE } from '../audit';
import type { LifecycleConfluence } from '../ports/lifecycle-confluence';
import type { EngineContext } from '../services/context';
import { denial } from '../services/denials';
import { lastRun, runDailyJob } from './daily-job';
import type { JobOptions, JobResult } from './daily-job';
import { clearAssignment, spaceTree } from './manage-space';
import type { TreeRow } from './manage-space';
import { reviewCounts, reviewQueue } from './review-queue';
import type { ReviewQueueItem } from './review-queue';
import { readRetentionSettings, updateRetentionSettings } from './retention';
import type { RetentionSettings, RunSummary } from './schemas';

export type { TreeRow, ReviewQueueItem, RetentionSettings, RunSummary, JobResult };

export interface LifecycleService {
  /** Space admins: one level of the space's page tree with each page's lifecycle. */
  spaceTree(caller: Caller, input: { spaceId: string; parent?: { kind: 'page' | 'folder'; id: string }; cursor?: string }): Promise<{ items: TreeRow[]; nextCursor?: string }>;
  /** Space admins: remove the page's assignment and reset it to draft (audited `assignment.cleared`). */
  clearAssignment(caller: Caller, pageId: string): Promise<void>;
  /** Pages due or expired for review that the caller can read. */
  reviewQueue(caller: Caller, spaceId: string, options: { cursor?: string; limit?: number }): Promise<{ items: ReviewQueueItem[]; nextCursor?: string }>;
  reviewCounts(caller: Caller, spaceId: string, options?: { workflowId?: string }): Promise<{ due: number; expired: number; complete: boolean }>;
  /** Site admins: the retention windows and the last daily run. */
  retention(caller: Caller): Promise<{ settings: RetentionSettings; lastRun: RunSummary | null }>;
  updateRetention(caller: Caller, patch: Partial<RetentionSettings>): Promise<RetentionSettings>;
  /** The scheduled trigger only (acts as the app). */
  runDaily(options: JobOptions): Promise<JobResult>;
}

const unavailable = (): Promise<never> => Promise.reject(new DomainError('unavailable', 'UPSTREAM_UNAVAILABLE', 'This installation cannot reach Confluence for this.'));
/** For engines built without lifecycle Confluence access (tests, tools): those calls refuse clearly. */
export const UNAVAILABLE_LIFECYCLE: LifecycleConfluence = { listChildren: unavailable, spaceAdmins: unavailable, findComment: unavailable };

export function createLifecycleService(ctx: EngineContext, lc: LifecycleConfluence): LifecycleService {
  return {
    spaceTree: (caller, input) => spaceTree(ctx, lc, caller, input),
    clearAssignment: (caller, pageId) => clearAssignment(ctx, caller, pageId),
    reviewQueue: (caller, spaceId, options) => reviewQueue(ctx, caller, spaceId, options),
    reviewCounts: (caller, spaceId, options) => reviewCounts(ctx, caller, spaceId, options),
    async retention(caller) {
      if (!(await ctx.confluence.isSiteAdmin(caller.accountId))) {
        throw await denial(ctx, caller, new DomainError('forbidden', 'FORBIDDEN', 'Only a site admin can see retention settings.'), INSTALLATION_SPACE, { operation: 'retention.read' });
      }
      const [settings, run] = await Promise.all([readRetentionSettings(ctx), lastRun(ctx)]);
      return { settings, lastRun: run ?? null };
    },
    updateRetention: (caller, patch) => updateRetentionSettings(ctx, caller, patch),
    runDaily: (options) => runDailyJob(ctx, lc, options),
  };
}
