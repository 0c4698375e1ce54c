/**
 * Continuation of the daily lifecycle run (issue 23): a run that stops at its deadline with work
 * left (due pages, retention) enqueues `lifecycle.continue`, and the queue consumer runs another
 * pass at once instead of waiting a day; each pass does the same. So 100k due pages are notified in
 * hours, and audit retention keeps up with any daily write volume. One pass at a time: each takes
 * the run's lease (a pass finding it held does nothing and enqueues nothing: the holder continues).
 */
import type { EngineContext } from '../services/context';
import { runDailyJob } from './daily-job';

/** A consumer invocation may run 900 s; a pass stops starting chunks after this, as the scheduled run does. */
export const CONTINUATION_BUDGET_MS = 600_000;

export async function continueDailyRun(ctx: EngineContext): Promise<void> {
  await runDailyJob.execute(ctx, { deadline: ctx.clock.now() + CONTINUATION_BUDGET_MS });
}
