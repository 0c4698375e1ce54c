/**
 * Retention (SPEC 2.10): resolved approvals older than the approval window (180 days minimum) and
 * audit records older than the audit window (365 days minimum) are purged by the daily job, in
 * chunks. Site admins may lengthen the windows, never shorten them below the minimums.
 *
 * An approval that is still its page's latest (the page's state IS that approval: an approved page
 * must not turn `draft` because time passed) is kept and looked at again one window later.
 */
import type { Caller } from '../domain/caller';
import { DomainError, issueDetails } from '../domain/errors';
import { pageStateSchema, parseStored } from '../domain/schemas';
import type { TxOp } from '../ports/store';
import { STORE_LIMITS } from '../ports/store';
import type { EngineContext } from '../services/context';
import { auditEntry, commitWithAudit } from '../services/commit';
import { requireSiteAdmin } from '../services/denials';
import { withRetry } from '../services/retry';
import { getManyByKey } from '../services/store-reads';
import { readApprovals, type StoredApproval } from '../services/approvals/stored';
import { approvalIndex, keys } from '../services/keys';
import { followUpOf, purgeSubmissionCommentOps } from '../services/submission-comments';
import { INSTALLATION_SPACE, runAuditRetention } from '../audit';
import { lcKeys } from '../records/lifecycle-keys';
import { reviewSchedule } from '../domain/review';
import { DAY_MS } from '../domain/time';
import { DEFAULT_RETENTION, resolvedRefSchema, retentionSettingsSchema, runSummarySchema } from '../records/lifecycle-schemas';
import type { RetentionSettings, RunSummary } from '../records/lifecycle-schemas';
import { JOB_ACTOR, deleteKeys } from './outbox';
import { defineOperation } from '../services/operation';

export async function readRetentionSettings(ctx: EngineContext): Promise<RetentionSettings> {
  const item = await ctx.store.get(lcKeys.settings);
  return item ? parseStored(retentionSettingsSchema, item.key, item.value) : DEFAULT_RETENTION;
}

/** The summary the last daily run left (undefined before the first run). */
export async function lastRun(ctx: EngineContext): Promise<RunSummary | undefined> {
  const item = await ctx.store.get(lcKeys.run);
  return item ? parseStored(runSummarySchema, item.key, item.value) : undefined;
}

export const readRetention = defineOperation({
  rights: 'A site admin (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller): Promise<{ settings: RetentionSettings; lastRun: RunSummary | null }> {
    await requireSiteAdmin(ctx, caller, 'retention.read');
    const [settings, run] = await Promise.all([readRetentionSettings(ctx), lastRun(ctx)]);
    return { settings, lastRun: run ?? null };
  },
});

/** Site admins only; audited. Values below the minimums are refused (400), never clamped silently. */
export const updateRetentionSettings = defineOperation({
  rights: 'A site admin (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller, patch: Partial<RetentionSettings>): Promise<RetentionSettings> {
    await requireSiteAdmin(ctx, caller, 'retention.update');
    return withRetry(ctx, async () => {
      const item = await ctx.store.get(lcKeys.settings);
      const current = item ? parseStored(retentionSettingsSchema, item.key, item.value) : DEFAULT_RETENTION;
      const parsed = retentionSettingsSchema.safeParse({ ...current, ...patch });
      if (!parsed.success) {
        throw new DomainError(
          'RETENTION_TOO_SHORT',
          'Retention windows can be lengthened, never shortened below 180 days (approvals) and 365 days (audit).',
          issueDetails(parsed.error.issues),
        );
      }
      const next = parsed.data;
      await commitWithAudit(
        ctx,
        [{ op: 'put', key: lcKeys.settings, value: next, condition: item ? { kind: 'version', version: item.version } : { kind: 'absent' } }],
        [auditEntry(caller, 'retention.updated', INSTALLATION_SPACE, { details: { from: current, to: next } })],
      );
      return next;
    });
  },
});

const PURGE_BATCH = 25;
/** Deletes one approval's keys plus its audit record fit one transaction (≤ 25 ops). */
const MAX_KEYS_WITH_RECORD = 16;

/** One approval: its record, index item, comment id, task markers and resolution entry, with its audit record. */
async function purgeApproval(ctx: EngineContext, entryKey: string, stored: StoredApproval): Promise<void> {
  const { approval } = stored;
  // its comment id may share a follow-up record with other approvals: only its entry goes (re-read after a conflict)
  const commentsKey = keys.submissionComments(followUpOf(approval));
  const [marks, comments] = await Promise.all([ctx.store.query({ prefix: lcKeys.markPrefix(approval.id), limit: STORE_LIMITS.maxQueryLimit }), ctx.store.get(commentsKey)]);
  // an approval written before it moved into its index item also has its `approval:<id>` copy
  const keysToDelete = [...(stored.legacy ? [keys.approval(approval.id)] : []), entryKey, lcKeys.stuck(approval.id)];
  const schedule = reviewSchedule(approval);
  if (schedule) keysToDelete.push(lcKeys.review(approval.spaceId, schedule.dueFrom, approval.id));
  const markKeys = marks.items.map((m) => m.key);
  let commentOps = purgeSubmissionCommentOps(approval, comments);
  // markers only guard tasks of this (superseded) approval; removing them early is harmless
  if (keysToDelete.length + commentOps.length + markKeys.length > MAX_KEYS_WITH_RECORD) await deleteKeys(ctx, markKeys);
  else keysToDelete.push(...markKeys);
  await withRetry(ctx, async (attempt) => {
    if (attempt > 1) commentOps = purgeSubmissionCommentOps(approval, await ctx.store.get(commentsKey));
    return commitWithAudit(
      ctx,
      [...keysToDelete.map((key): TxOp => ({ op: 'delete', key })), ...commentOps, approvalIndex.remove(approval.id)],
      [{ actor: JOB_ACTOR, action: 'approval.purged', spaceId: approval.spaceId, source: 'ui', pageId: approval.pageId, approvalId: approval.id, workflowId: approval.workflowId, details: { reason: 'retention' } }],
    );
  });
}

/**
 * Purges resolved approvals decided before now - window; stops at the deadline. Pages follow on by
 * cursor: an index that lags (U22) still lists the entries this run deleted or moved on, which a walk
 * from the start would handle again (a transaction each) until the deadline.
 */
export async function purgeResolvedApprovals(ctx: EngineContext, settings: RetentionSettings, deadline: number): Promise<{ purged: number; more: boolean }> {
  const now = ctx.clock.now();
  const before = now - settings.approvalRetentionDays * DAY_MS;
  let purged = 0;
  let cursor: string | undefined;
  while (ctx.clock.now() < deadline) {
    const page = await ctx.store.query({ prefix: lcKeys.resolvedPrefix, limit: PURGE_BATCH, ...(cursor ? { cursor } : {}) });
    const due = page.items.filter((i) => Number(i.key.slice(lcKeys.resolvedPrefix.length, lcKeys.resolvedPrefix.length + 15)) < before);
    if (due.length === 0) return { purged, more: false };
    const refs = due.map((i) => ({ key: i.key, ref: parseStored(resolvedRefSchema, i.key, i.value) }));
    const [approvals, got] = await Promise.all([readApprovals(ctx, refs.map(({ ref }) => ref.approvalId)), getManyByKey(ctx.store, refs.map(({ ref }) => keys.pageState(ref.pageId)))]);
    for (const { key, ref } of refs) {
      const stored = approvals.get(ref.approvalId);
      const state = got.get(keys.pageState(ref.pageId));
      const latestId = state ? parseStored(pageStateSchema, state.key, state.value).id : undefined;
      if (!stored) {
        await ctx.store.transact([{ op: 'delete', key }]);
      } else if (latestId === ref.approvalId) {
        // still the page's state: look again one window from now
        await ctx.store.transact([{ op: 'delete', key }, { op: 'put', key: lcKeys.resolved(now, ref.approvalId), value: ref }]);
      } else {
        await purgeApproval(ctx, key, stored);
        purged++;
      }
    }
    cursor = page.nextCursor;
    if (!cursor) return { purged, more: false };
  }
  return { purged, more: true };
}

/**
 * Audit records older than the audit window, at most `maxDeletes` per run, through the audit trail's
 * one retention rule (runAuditRetention: an earlier capped purge's leftovers first, at most one
 * `audit.purged` record per run, the chain keeps verifying). `done: false`: records wait for the next run.
 */
export async function purgeAuditRecords(ctx: EngineContext, settings: RetentionSettings, maxDeletes: number): Promise<{ removed: number; done: boolean }> {
  const run = await runAuditRetention(ctx.audit, { now: ctx.clock.now(), retentionDays: settings.auditRetentionDays, actor: JOB_ACTOR, maxDeletes });
  return { removed: run.removed, done: run.done };
}
