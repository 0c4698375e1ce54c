/** Engine-level set-up for lifecycle tests: the seed plus workflows with review and reminder terms. */
import type { Workflow } from '../../src/core/domain/model';
import type { KeyValueStore } from '../../src/core/ports/store';
import type { PlatformProfile } from '../../src/adapters/platform-profile';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { seedWorkflows } from '../../src/core/services';
import { createContext } from '../../src/core/services/context';
import type { EngineContext } from '../../src/core/services/context';
import { runDailyJob } from '../../src/core/lifecycle/daily-job';
import type { JobResult } from '../../src/core/lifecycle/daily-job';
import { DAY_MS } from '../../src/core/domain/time';
import { ALICE, CAROL, DAVE, ENG, setup } from '../engine/helpers';
import { continueIndexBackfill, startIndexBackfill } from '../../src/core/services/approvals/index-backfill';
import type { Job } from '../../src/core/ports/jobs';
import type { TestEnv } from '../engine/helpers';

export { DAY_MS };

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const base = { spaceId: ENG, enabled: true, owners: [ALICE], allowSelfApproval: false, createdAt: T0, createdBy: 'system', updatedAt: T0, updatedBy: 'system', version: 1 };

/** 90-day review with a 14-day window, one "any" step. */
export const RECERT: Workflow = { ...base, id: 'wf-recert', name: 'Recertified', steps: [{ approvers: [CAROL, DAVE], mode: 'any' }], reviewPeriodDays: 90, reminderWindowDays: 14 };
/** Reminders every 2 days; step 1 needs both Carol and Dave. */
export const REMIND: Workflow = { ...base, id: 'wf-remind', name: 'Chased', steps: [{ name: 'Both reviewers', approvers: [CAROL, DAVE], mode: 'all' }], remindAfterDays: 2 };

/** Two steps (Carol, then Dave), reminders every 3 days counted from when each step started. */
export const REMIND2: Workflow = { ...base, id: 'wf-remind2', name: 'Two steps, chased', steps: [{ approvers: [CAROL], mode: 'any' }, { name: 'Sign-off', approvers: [DAVE], mode: 'any' }], remindAfterDays: 3 };

export interface LifecycleEnv extends TestEnv {
  ctx: EngineContext;
  /** a run with a generous deadline */
  run(options?: { chunkSize?: number }): Promise<JobResult>;
  /** comments posted on the page, oldest first */
  comments(pageId: string): { id: string; parentCommentId: string | null; body: string }[];
  advanceDays(days: number): void;
}

export async function lifecycleSetup(options: { store?: KeyValueStore; wrap?: (s: KeyValueStore) => KeyValueStore; extraPages?: number; extraUsers?: string[]; siteProfile?: PlatformProfile } = {}): Promise<LifecycleEnv> {
  const store = options.store ?? new MemoryStore();
  const env = await setup({ ...options, store });
  await seedWorkflows({ ...env.deps, store }, [RECERT, REMIND, REMIND2]);
  const ctx = createContext(env.deps, () => undefined);
  await finishIndexBackfill(ctx);
  return {
    ...env,
    ctx,
    run: (o = {}) => runDailyJob.execute(ctx, { deadline: env.deps.clock.now() + 10 * 60_000, ...o }),
    comments: (pageId) => env.site.listComments(pageId).map((c) => ({ id: c.id, parentCommentId: c.parentCommentId, body: c.body })),
    advanceDays: (days) => env.tick(days * DAY_MS),
  };
}

/**
 * As on a site that has run this build a while: the one-off approver-index back-fill, which the
 * first daily run after the upgrade starts (services/approvals/index-backfill.ts), is done, so the
 * runs these tests count do only the lifecycle's own work.
 */
async function finishIndexBackfill(ctx: EngineContext): Promise<void> {
  const queued: Job[] = [];
  const queueing = { ...ctx, jobs: { push: (jobs: Job[]) => Promise.resolve(void queued.push(...jobs)) } };
  await startIndexBackfill(queueing);
  while (queued.shift()) await continueIndexBackfill(queueing);
}

/**
 * Runs `run` while `accountId` may also read page `pageId` (restricted pages such as 2012): an
 * approver decides only what they can view (an approval on a page one cannot view answers as a
 * missing one, audit A#5); the restriction is back as it was afterwards.
 */
export async function whileReader<T>(env: TestEnv, pageId: string, accountId: string, run: () => Promise<T>): Promise<T> {
  const read = env.site.getPage(pageId)!.restrictions.read;
  if (read.length === 0) return run();
  const grant = { type: 'user' as const, id: accountId };
  read.push(grant);
  try {
    return await run();
  } finally {
    read.splice(read.indexOf(grant), 1);
  }
}
