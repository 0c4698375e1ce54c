/** audit.verifyJob.status (issue 23 item 6): the latest verification job, polled by the admin page. */
import type { Caller } from '../../domain/caller';
import { readVerifyJob, verifyJobStatus, type VerifyJobStatus } from '../../audit/verify-job';
import type { EngineContext } from '../context';
import { requireSiteAdmin } from '../denials';
import { defineOperation } from '../operation';

export const auditVerificationStatus = defineOperation({
  rights: 'A site admin (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller): Promise<{ job: VerifyJobStatus | null }> {
    await requireSiteAdmin(ctx, caller, 'audit.verifyJob.status');
    const current = await readVerifyJob(ctx.store);
    return { job: current?.job ? verifyJobStatus(current.job, ctx.clock.now()) : null };
  },
});
