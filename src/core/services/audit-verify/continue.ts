/**
 * The `audit.verify` job (issue 23 item 6): one bounded slice of the verification from its saved
 * progress, saved under the version it read, then the next slice enqueued (as lifecycle.continue
 * continues the daily run). The last slice records the outcome in the audit trail with the job.
 */
import { SYSTEM_ACTOR } from '../../domain/caller';
import { INSTALLATION_SPACE } from '../../audit';
import { isRunning, putVerifyJob, readVerifyJob, runVerifySlice, type VerifyJob } from '../../audit/verify-job';
import { verificationResult } from '../../audit/verify';
import { StoreError } from '../../ports/store';
import { auditEntry, commitWithAudit, enqueueAfterCommit } from '../commit';
import type { EngineContext } from '../context';

export async function continueVerification(ctx: EngineContext, jobId: string): Promise<void> {
  const current = await readVerifyJob(ctx.store);
  // a message of an older job, or a repeat of a finished one: nothing to do
  if (!current?.job || current.job.id !== jobId || !isRunning(current.job)) return;
  const job = await runVerifySlice(ctx.store, ctx.clock, current.job);
  const save = putVerifyJob(job, current.version);
  const done = !isRunning(job);
  try {
    if (done) await commitWithAudit(ctx, [save], [auditEntry(SYSTEM_ACTOR, 'audit.verified', INSTALLATION_SPACE, { details: outcomeDetails(job) })]);
    else await ctx.store.transact([save]);
  } catch (error) {
    // a duplicate delivery ran this slice too and saved first: that one continues
    if (error instanceof StoreError && error.code === 'CONDITION_FAILED') return;
    throw error;
  }
  if (!done) await enqueueAfterCommit(ctx, [{ kind: 'audit.verify', jobId }]);
}

/** The outcome as the trail records it: the result of the finished job, and who started it. */
function outcomeDetails(job: VerifyJob): Record<string, string | number | boolean> {
  const { ok, checked, headHash, reason, firstBadSeq, badRecord } = verificationResult(job.progress);
  return {
    jobId: job.id,
    startedBy: job.startedBy,
    ok,
    checked,
    headHash,
    ...(reason ? { reason } : {}),
    ...(firstBadSeq !== undefined ? { firstBadSeq } : {}),
    ...(badRecord ? { badRecord } : {}),
  };
}
