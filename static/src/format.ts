/** Formatting people read (kept free of React and ADS so it can be tested in Node). */
import type { VerifyJobStatus } from '../../src/core/audit/verify-job';

/** "3 h 20 min", "45 min", "2 d 4 h", "under a minute". */
export function humanDuration(hours: number): string {
  const minutes = Math.round(hours * 60);
  if (minutes < 1) return 'under a minute';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

/** A running verification job's progress line on the admin page. */
export function verifyProgressText(job: VerifyJobStatus): string {
  const chain = `${job.verified.toLocaleString()} of ${job.total.toLocaleString()} records`;
  if (job.stalled) return `Verification was interrupted after ${chain}; resume it to go on from there.`;
  // the single pass met a problem: the passes of before run from the start to name the record (docs/audit.md "Verify")
  if (job.naming) return `Found a problem; locating the record… ${job.phase === 'chain' ? `${chain} checked again` : `${job.recordsRead.toLocaleString()} read`}`;
  if (job.phase === 'chain') return `Verifying the chain… ${chain}`;
  return `Chain verified (${chain}); checking the records not linked yet…`;
}

/**
 * The queue's empty text. A page of "waiting for me" (or a filtered page) can come back empty with a cursor: the
 * approvals read so far held none of the caller's, and more follow (the approver index asks at most 5 (workflow,
 * step) pairs a page). Saying "nothing is waiting" next to "Load more" would then be false.
 */
export function queueEmptyText(view: 'mine' | 'requestedByMe' | 'all', more: boolean): string {
  if (more) return 'None on this page. More pending approvals follow: load more to keep looking.';
  if (view === 'mine') return 'Nothing is waiting for you.';
  return view === 'requestedByMe' ? 'None of your requests is waiting.' : 'No pending approvals in this space.';
}
