/**
 * audit.verifyJob.start (issue 23 item 6): a site admin starts verifying the whole audit trail as a
 * resumable job (docs/audit.md "Verify as a job"). One job at a time: while one runs, starting
 * answers it; a job whose invocation was lost (stalled) is taken up again from its checkpoint. The
 * start is audited in the transaction that creates the job.
 */
import type { Caller } from '../../domain/caller';
import { INSTALLATION_SPACE } from '../../audit';
import { putVerifyJob, readVerifyJob, verifyJobStatus, isRunning, VERIFY_STALL_MS, type VerifyJob, type VerifyJobStatus } from '../../audit/verify-job';
import { beginVerification, chainedTotal } from '../../audit/verify-progress';
import { StoreError } from '../../ports/store';
import { auditEntry, commitWithAudit, enqueueAfterCommit } from '../commit';
import type { EngineContext } from '../context';
import { requireSiteAdmin } from '../denials';
import { defineOperation } from '../operation';
import { sequenceFirst } from '../audit-service';

const OPERATION = 'audit.verifyJob.start';

export const startAuditVerification = defineOperation({
  rights: 'A site admin: the chain spans every space (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller): Promise<VerifyJobStatus> {
    await requireSiteAdmin(ctx, caller, OPERATION);
    const current = await readVerifyJob(ctx.store);
    const now = ctx.clock.now();
    if (current?.job && isRunning(current.job)) {
      if (now - current.job.updatedAt < VERIFY_STALL_MS) return verifyJobStatus(current.job, now);
      // its invocation was lost: continue from the checkpoint it saved (a slice never half-saves)
      const resumed: VerifyJob = { ...current.job, updatedAt: now };
      return (await saved(() => ctx.store.transact([putVerifyJob(resumed, current.version)]))) ? continued(ctx, resumed) : answerCurrent(ctx);
    }
    await sequenceFirst(ctx); // recent records join the snapshot instead of counting as unsequenced
    const progress = await beginVerification(ctx.store);
    const job: VerifyJob = { id: ctx.ids.next('verify'), startedBy: caller.accountId, startedAt: now, updatedAt: now, progress };
    const entry = auditEntry(caller, 'audit.verify_started', INSTALLATION_SPACE, { details: { jobId: job.id, records: chainedTotal(progress) } });
    const created = await saved(() => commitWithAudit(ctx, [putVerifyJob(job, current?.version)], [entry]));
    return created ? continued(ctx, job) : answerCurrent(ctx);
  },
});

/** Whether the write went through; false when another start wrote the job first (its version moved). */
async function saved(write: () => Promise<void>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof StoreError && error.code === 'CONDITION_FAILED') return false;
    throw error;
  }
}

async function continued(ctx: EngineContext, job: VerifyJob): Promise<VerifyJobStatus> {
  await enqueueAfterCommit(ctx, [{ kind: 'audit.verify', jobId: job.id }]);
  return verifyJobStatus(job, ctx.clock.now());
}

/** Another admin's start won the race: theirs is the running job. */
async function answerCurrent(ctx: EngineContext): Promise<VerifyJobStatus> {
  const current = await readVerifyJob(ctx.store);
  if (!current?.job) throw new StoreError('UNAVAILABLE', 'The verification job could not be read back.');
  return verifyJobStatus(current.job, ctx.clock.now());
}
