/**
 * The `submission.followUp` job (issue 23): one consumer invocation posts the submission comments of
 * up to SUBMISSION_FOLLOW_UP_BATCH approvals and records their ids in one write. It must record
 * before the invocation can time out: a comment posted but not recorded is posted again by the
 * next delivery (a duplicate on the user's page).
 */
import type { Job, JobHandlers } from '../ports/jobs';
import { MAX_CONFLUENCE_IN_FLIGHT } from '../domain/call-limit';
import { settleBounded } from '../shared/settle-bounded';
import type { EngineContext } from './context';
import { postSubmissionCommentUnrecorded, readSubmissions, recordPosted, type SubmissionReads } from './notifications';
import type { PostedComment } from './submission-comments';

type FollowUpJob = Extract<Job, { kind: 'submission.followUp' }>;

/**
 * The time a job assumes when the platform does not tell: a plain function's 25 s, less than the
 * 900 s manifest.yml gives `job-consumer`, so a job without the platform's clock cuts early rather
 * than late (a cut only hands the rest to a continuation).
 */
export const FOLLOW_UP_BUDGET_MS = 25_000;

/**
 * No post starts with less time left than this: a post started just before must still end (about
 * two Confluence calls: 0.4 s each as usual, seconds each when Confluence is slow), then the record
 * write and the continuation's push, all before the invocation times out.
 */
export const FOLLOW_UP_RESERVE_MS = 8_000;

type Outcome = { kind: 'done'; comment: PostedComment | undefined } | { kind: 'failed' } | { kind: 'notStarted' };

/** The platform's remaining time when it tells; else the budget less what this job spent on the engine clock. */
function timeLeftOf(ctx: EngineContext): () => number {
  if (ctx.remainingMs) return ctx.remainingMs;
  const started = ctx.clock.now();
  return () => FOLLOW_UP_BUDGET_MS - (ctx.clock.now() - started);
}

/** One approval's post, started only while the time left allows (undefined comment: recorded already, or nothing to post). */
async function postInTime(ctx: EngineContext, approvalId: string, reads: SubmissionReads, timeLeft: () => number): Promise<Outcome> {
  if (timeLeft() < FOLLOW_UP_RESERVE_MS) return { kind: 'notStarted' };
  return { kind: 'done', comment: await postSubmissionCommentUnrecorded(ctx, approvalId, reads) };
}

/**
 * Sequencing first (fast, and the sweep covers it: a failure is logged, not retried), then the
 * comments, at most MAX_CONFLUENCE_IN_FLIGHT posts at a time (SPEC §4; a failed post does not stop
 * the others), none started once the time left is under FOLLOW_UP_RESERVE_MS. The posted ids are
 * recorded in ONE write (the approvals' follow-up record, submission-comments.ts), always before
 * anything else is decided:
 * - all started: a failed post fails the job, so the queue redelivers it; the redelivery skips every
 *   comment recorded;
 * - time ran short and something got done: the approvals not posted (not started, or failed) go to
 *   a continuation job (the same follow-up record, named by the approvals), and this job succeeds:
 *   the original is never redelivered beside its continuation, so no comment is posted by both.
 *   Each link does at least one approval, so the chain ends within SUBMISSION_FOLLOW_UP_BATCH links;
 * - time ran short and nothing got done: the job fails (a redelivery, bounded by the queue's retries).
 * (Only a crash, or a post still running when the invocation ends, between posting and recording
 * would post a comment twice.)
 */
export async function followUpSubmission(ctx: EngineContext, job: FollowUpJob, sequence: JobHandlers['audit.sequence']): Promise<void> {
  const timeLeft = timeLeftOf(ctx);
  if (job.sequenceAudit) await sequence({ kind: 'audit.sequence' }).catch(() => ctx.log('audit sequencing failed; the sweep links the records', {}));
  const reads = await readSubmissions(ctx, job.approvalIds);
  const settled = await settleBounded(job.approvalIds.map((approvalId) => () => postInTime(ctx, approvalId, reads, timeLeft)), MAX_CONFLUENCE_IN_FLIGHT);
  // a failed post is an outcome like the others: it does not stop them
  const outcomes = settled.map((s): Outcome => (s.status === 'fulfilled' ? s.value : { kind: 'failed' }));
  const posted = outcomes.flatMap((o) => (o.kind === 'done' && o.comment ? [o.comment] : []));
  if (posted.length > 0) await recordPosted(ctx, reads, posted);
  const left = job.approvalIds.filter((_, i) => outcomes[i]?.kind !== 'done');
  const cut = outcomes.some((o) => o.kind === 'notStarted');
  if (cut && left.length < job.approvalIds.length) {
    ctx.log('submission follow-up continues in a new job: time ran short', { done: job.approvalIds.length - left.length, left: left.length });
    return ctx.jobs.push([{ kind: 'submission.followUp', approvalIds: left, sequenceAudit: false }]);
  }
  if (left.length > 0) throw new Error(`${left.length} of ${job.approvalIds.length} submission comments not posted`);
}
