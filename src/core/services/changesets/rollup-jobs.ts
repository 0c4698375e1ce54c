/**
 * Which commits queue the `changeset.rollup` job (rollup-events.ts): kept apart from the job itself,
 * which commits, so that commit.ts can ask without an import cycle.
 */
import type { AuditEntry } from '../../audit';
import type { Job } from '../../ports/jobs';
import { pagesMovedBy } from '../automation/label-sync-jobs';

/**
 * The job after a commit of these entries, or none: the pages they moved through a change set (an
 * approval submitted through one names it in its records) and the sets named. A set submit's page
 * submissions are left to its closing `changeset.submitted`, so its batches queue one job, not one
 * each. Left out (docs/decisions.md, x-feed): a page moved by an approval of its own that also sits
 * in a per-page set, and the other per-page sets of pages a set submit submitted.
 */
export function rollupJobs(entries: readonly AuditEntry[]): Job[] {
  const moves = entries.filter((e) => e.changeSetId !== undefined && e.pageId !== undefined && e.action !== 'approval.submitted');
  const setSubmits = entries.filter((e) => e.action === 'changeset.submitted' && e.details.mode !== 'atomic');
  const pageIds = [...new Set([...pagesMovedBy(moves).values()].flatMap((pages) => [...pages]))];
  // the sets named are looked at even before the pages' membership entries show in queries (they lag on Forge)
  const changeSetIds = [...new Set([...moves, ...setSubmits].flatMap((e) => (e.changeSetId !== undefined ? [e.changeSetId] : [])))];
  return changeSetIds.length > 0 ? [{ kind: 'changeset.rollup', pageIds, changeSetIds }] : [];
}
