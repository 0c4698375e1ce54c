/**
 * Which commits queue the `changeset.rollup` job (rollup-events.ts): kept apart from the job itself,
 * which commits, so that commit.ts can ask without an import cycle.
 */
import type { AuditEntry } from '../../audit';
import type { Job } from '../../ports/jobs';
import { pagesMovedBy } from '../automation/label-sync-jobs';

/**
 * The job after a commit of these entries: one for all the pages they moved through a change set (an
 * approval submitted through one names it in its records), or none, so a page move outside any set
 * costs no job. Left out: a page moved by an approval of its own that also sits in a per-page set.
 */
export function rollupJobs(entries: readonly AuditEntry[]): Job[] {
  const throughSets = entries.filter((e) => e.changeSetId !== undefined && e.pageId !== undefined);
  const pageIds = [...new Set([...pagesMovedBy(throughSets).values()].flatMap((pages) => [...pages]))];
  return pageIds.length > 0 ? [{ kind: 'changeset.rollup', pageIds }] : [];
}
