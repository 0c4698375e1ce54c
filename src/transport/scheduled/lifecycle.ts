/**
 * The daily scheduled trigger (manifest `scheduledTrigger`, interval day): one run of the lifecycle
 * job per invocation, acting as the app. The function's `timeoutSeconds` is 900 (Forge's maximum for
 * scheduled triggers); the job stops starting chunks RUN_BUDGET_MS after it began, so the last chunk
 * and the run summary finish well inside the limit. What is left waits in the due-date index for the
 * next run (docs/lifecycle.md).
 */
import type { JobResult } from '../../core/lifecycle/daily-job';
import { LICENSE_INACTIVE_MESSAGE, licenceInactive } from '../licence';

export const RUN_BUDGET_MS = 600_000;

export type LifecycleRunner = (options: { deadline: number }) => Promise<JobResult>;

export interface ScheduledOutcome {
  ok: boolean;
  code?: string;
  result?: JobResult;
}

export function createLifecycleTrigger(run: LifecycleRunner, now: () => number, log: (message: string) => void = console.warn) {
  return async (_event: unknown, context?: unknown): Promise<ScheduledOutcome> => {
    if (licenceInactive(context)) {
      log(`[approvalflow] daily lifecycle run skipped: ${LICENSE_INACTIVE_MESSAGE}`);
      return { ok: false, code: 'LICENSE_INACTIVE' };
    }
    const result = await run({ deadline: now() + RUN_BUDGET_MS });
    return { ok: true, result };
  };
}
