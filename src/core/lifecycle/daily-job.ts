/**
 * The daily lifecycle job (SPEC 2.7, 2.8, 2.10): review notices, reminders and escalations for what
 * the due-date index says is due, then retention. See docs/lifecycle.md.
 *
 * - Cheap when nothing is due: four prefix queries (one for refusal counts to flush, services/denials-flush.ts),
 *   a settings read and the approver-index back-fill's state, no write, no Confluence call.
 * - Starts the one-off back-fill of the approver index until it is done (services/approvals/index-backfill.ts);
 *   a failure there is logged (its code) and never stops the lifecycle work.
 * - Chunked and resumable: chunks of CHUNK entries until the invocation's deadline; the index is
 *   consumed as it goes, so it IS the checkpoint. What is left is taken up at once by a
 *   `lifecycle.continue` job (continue-run.ts), pass after pass, not a day later.
 * - Idempotent per page and cycle: see outbox.ts.
 * - One run at a time: a lease in the store (a second run while one holds it does nothing).
 * - Then the stuck-approval scan (stuck-approvals.ts); on a quiet day it runs without the lease and
 *   takes it only if it has something to write.
 */
import { enqueueAfterCommit } from '../services/commit';
import type { LifecycleConfluence } from '../ports/lifecycle-confluence';
import type { EngineContext } from '../services/context';
import { parseStored } from '../domain/schemas';
import { DEFAULT_RETENTION_CHUNK } from '../audit/retention';
import { lcKeys } from '../records/lifecycle-keys';
import { commitTask, deleteKeys, deliver, recoverOutbox } from './outbox';
import { purgeExpiredEvents } from '../events/purge';
import { lastRun, purgeAuditRecords, purgeResolvedApprovals, readRetentionSettings } from './retention';
import { DAY_MS } from '../domain/time';
import { dueEntrySchema, leaseSchema, runSummarySchema } from '../records/lifecycle-schemas';
import type { RunSummary } from '../records/lifecycle-schemas';
import { scanStuckApprovals } from './stuck-approvals';
import { planChunk } from './tasks';
import { defineOperation } from '../services/operation';
import { flushDenialCounts } from '../services/denials-flush';
import { startIndexBackfill } from '../services/approvals/index-backfill';
import { DomainError } from '../domain/errors';
import { StoreError } from '../ports/store';

export const CHUNK = 50;
/** Audit records one purge chunk deletes at most (the audit trail's own chunk); a run purges chunk after chunk until its deadline. */
export const AUDIT_PURGE_PER_RUN = DEFAULT_RETENTION_CHUNK;
const LEASE_MARGIN_MS = 300_000;
/** af-event items (written before events rode in audit records) deleted per run once past the feed window: 80 transactions. */
export const EVENT_PURGE_PER_RUN = 2_000;

export interface JobOptions {
  /** clock time by which the run must stop starting new chunks */
  deadline: number;
  chunkSize?: number;
}

export interface JobResult extends RunSummary {
  /** another run held the lease: this one did nothing */
  skipped?: boolean;
}

const EMPTY = { processed: 0, posted: 0, dropped: 0, recovered: 0, approvalsPurged: 0, auditRecordsPurged: 0, more: false };

async function anythingToDo(ctx: EngineContext, now: number, approvalDays: number): Promise<boolean> {
  const [outbox, due, resolved] = await Promise.all([
    ctx.store.query({ prefix: lcKeys.outboxPrefix, limit: 1 }),
    ctx.store.query({ prefix: lcKeys.duePrefix, limit: 1 }),
    ctx.store.query({ prefix: lcKeys.resolvedPrefix, limit: 1 }),
  ]);
  const timeOf = (key: string | undefined, prefix: string): number => (key ? Number(key.slice(prefix.length, prefix.length + 15)) : Infinity);
  return (
    outbox.items.length > 0 ||
    timeOf(due.items[0]?.key, lcKeys.duePrefix) <= now ||
    timeOf(resolved.items[0]?.key, lcKeys.resolvedPrefix) < now - approvalDays * DAY_MS
  );
}

async function takeLease(ctx: EngineContext, runId: string, until: number): Promise<boolean> {
  const item = await ctx.store.get(lcKeys.lease);
  if (item && parseStored(leaseSchema, item.key, item.value).until > ctx.clock.now()) return false;
  try {
    await ctx.store.transact([{ op: 'put', key: lcKeys.lease, value: { runId, until }, condition: item ? { kind: 'version', version: item.version } : { kind: 'absent' } }]);
    return true;
  } catch {
    return false; // another run took it first (or the store is unwell): this run does nothing
  }
}

/**
 * Processes due entries chunk by chunk until none is due or the deadline passed. Chunks follow on by
 * cursor: an index that lags (U22) still lists the entries this run's tasks deleted, which a walk
 * from the start would plan (and refuse to commit) again and again until the deadline.
 */
async function processDue(ctx: EngineContext, lc: LifecycleConfluence, options: JobOptions, totals: RunSummary): Promise<boolean> {
  const adminCache = new Map<string, string[]>();
  let cursor: string | undefined;
  while (ctx.clock.now() < options.deadline) {
    const now = ctx.clock.now();
    const page = await ctx.store.query({ prefix: lcKeys.duePrefix, limit: options.chunkSize ?? CHUNK, ...(cursor ? { cursor } : {}) });
    const items = page.items
      .map((i) => ({ key: i.key, entry: parseStored(dueEntrySchema, i.key, i.value) }))
      .filter((i) => i.entry.at <= now);
    if (items.length === 0) return false;
    const plan = await planChunk(ctx, lc, items, now, adminCache);
    await deleteKeys(ctx, plan.stale);
    totals.dropped += plan.stale.length;
    const committed = [];
    for (const t of plan.tasks) {
      const outcome = await commitTask(ctx, t);
      if (outcome.committed) committed.push({ key: lcKeys.outbox(t.approval.id, t.taskName), item: t.outbox });
    }
    totals.processed += committed.length;
    const { posted, failed } = await deliver(ctx, lc, committed, false);
    totals.posted += posted;
    if (failed > 0) return true; // Confluence is unwell: the outbox keeps the rest for the next run
    cursor = page.nextCursor;
    if (!cursor) return false;
  }
  return true;
}

/** One run of the daily job (the scheduled trigger calls it once per invocation). */
export const runDailyJob = defineOperation({
  rights: 'The scheduled trigger only: it acts as the app, with no caller.',
  async execute(ctx: EngineContext, options: JobOptions): Promise<JobResult> {
    const lc = ctx.confluence;
    const started = ctx.clock.now();
    await flushDenialCounts(ctx);
    // af-event items of before events moved into audit records (events/purge.ts): no lease (deletes are idempotent), runs even when nothing else is due
    await purgeExpiredEvents(ctx.store, started, EVENT_PURGE_PER_RUN);
    // the back-fill's failures (a corrupt state item, a store error) never stop reminders and retention
    await startIndexBackfill(ctx).catch((error: unknown) => ctx.log('approver-index back-fill not started; the next run tries again', { code: error instanceof DomainError || error instanceof StoreError ? error.code : 'UNKNOWN' }));
    const settings = await readRetentionSettings(ctx);
    const auditProbe = await purgeAuditProbe(ctx, settings.auditRetentionDays);
    if (!auditProbe && !(await anythingToDo(ctx, started, settings.approvalRetentionDays))) return quietRun(ctx, lc, started, options);
    const runId = ctx.ids.next('run');
    // the run may finish its last chunk and the retention step after the deadline
    if (!(await takeLease(ctx, runId, options.deadline + LEASE_MARGIN_MS))) return { at: started, ...EMPTY, skipped: true };
    const totals: RunSummary = { at: started, ...EMPTY };
    try {
      const recovered = await recoverOutbox(ctx, lc, options.deadline);
      totals.recovered = recovered.recovered;
      const moreDue = recovered.more || (await processDue(ctx, lc, options, totals));
      const approvals = await purgeResolvedApprovals(ctx, settings, options.deadline);
      totals.approvalsPurged = approvals.purged;
      // chunk after chunk until the audit window is clean or the deadline passed (issue 23: ≥ 10× the daily write volume)
      let auditDone = !auditProbe;
      while (!auditDone && ctx.clock.now() < options.deadline) {
        const audit = await purgeAuditRecords(ctx, settings, AUDIT_PURGE_PER_RUN);
        totals.auditRecordsPurged += audit.removed;
        auditDone = audit.done;
      }
      if (!auditDone) totals.auditMore = true;
      const stuck = ctx.clock.now() < options.deadline ? await scanStuckApprovals(ctx, lc, options.deadline, () => Promise.resolve(true)) : { flagged: 0, more: true };
      if (stuck.flagged > 0) totals.stuckFlagged = stuck.flagged;
      totals.more = moreDue || approvals.more || totals.auditMore === true || stuck.more;
      await ctx.store.transact([{ op: 'put', key: lcKeys.run, value: runSummarySchema.parse(totals) }]);
    } finally {
      await ctx.store.transact([{ op: 'delete', key: lcKeys.lease }]).catch(() => ctx.log('could not release the lifecycle lease', { runId }));
    }
    // After the lease is released, so the next pass can take it. Only a pass that got something done
    // asks for another: one that could not (Confluence unwell) leaves the rest to the next daily run.
    if (totals.more && madeProgress(totals)) await enqueueAfterCommit(ctx, [{ kind: 'lifecycle.continue' }]);
    return totals;
  },
});

function madeProgress(totals: RunSummary): boolean {
  return totals.processed + totals.dropped + totals.recovered + totals.approvalsPurged + totals.auditRecordsPurged + (totals.stuckFlagged ?? 0) > 0;
}

/** Nothing was due: only the stuck scan runs, taking the lease on its first write (so a quiet day writes nothing). */
async function quietRun(ctx: EngineContext, lc: LifecycleConfluence, started: number, options: JobOptions): Promise<JobResult> {
  let held: boolean | undefined;
  let runId = '';
  const lease = async (): Promise<boolean> => {
    if (held === undefined) {
      runId = ctx.ids.next('run');
      held = await takeLease(ctx, runId, options.deadline + LEASE_MARGIN_MS);
    }
    return held;
  };
  try {
    const stuck = await scanStuckApprovals(ctx, lc, options.deadline, lease);
    if (held === false) return { at: started, ...EMPTY, skipped: true };
    return { at: started, ...EMPTY, more: stuck.more, ...(stuck.flagged > 0 ? { stuckFlagged: stuck.flagged } : {}) };
  } finally {
    if (held) await ctx.store.transact([{ op: 'delete', key: lcKeys.lease }]).catch(() => ctx.log('could not release the lifecycle lease', { runId }));
  }
}

/**
 * Whether the audit retention has work: some kept record is older than the window (one short list
 * call), or the last run's capped purge left records below the checkpoint, which list() no longer
 * shows (one read of the run summary).
 */
async function purgeAuditProbe(ctx: EngineContext, days: number): Promise<boolean> {
  const before = ctx.clock.now() - days * DAY_MS;
  if ((await ctx.audit.list({ to: before - 1 }, { limit: 1 })).items.length > 0) return true;
  return (await lastRun(ctx))?.auditMore === true;
}
