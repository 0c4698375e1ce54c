/**
 * Exactly-once comments from a job that may crash at any write.
 *
 * 1. ONE transaction per task: delete the due entry (must exist), create the task's marker (must be
 *    absent), create the outbox item (the comment to post), schedule the next reminder, append the
 *    audit record. A second run, or a retried one, finds no entry and a marker: it does nothing.
 * 2. Post the comment; then delete the outbox item.
 * 3. A run that finds outbox items left by a crash between 1 and 2 first asks Confluence whether
 *    the comment carrying the item's reference exists (the crash may have come after the post) and
 *    posts only if it does not.
 * Comments a request leaves (decision and cancel replies) take the same outbox: the item is put in
 * the change's own transaction and a `notify.comment` job posts it after the response
 * (services/comments.ts, the one comment path); a redelivered job finds no item and posts nothing,
 * and an item whose job was lost is posted by the daily run's recovery (step 3).
 */
import { SYSTEM_ACTOR } from '../domain/caller';
import { parseStored } from '../domain/schemas';
import { STORE_LIMITS } from '../ports/store';
import type { TxOp } from '../ports/store';
import type { LifecycleConfluence } from '../ports/lifecycle-confluence';
import type { EngineContext } from '../services/context';
import { commitWithAudit } from '../services/commit';
import { withRetry } from '../services/retry';
import { getManyByKey } from '../services/store-reads';
import { lcKeys } from '../records/lifecycle-keys';
import type { OutboxItem } from '../records/lifecycle-schemas';
import { outboxItemSchema } from '../records/lifecycle-schemas';
import { postComment } from '../services/comments';
import { MAX_CONFLUENCE_IN_FLIGHT } from '../domain/call-limit';
import type { PlannedTask } from './tasks';
import { markKey } from './tasks';

/** The actor of the daily run's records. */
export const JOB_ACTOR = SYSTEM_ACTOR.accountId;
const CONCURRENCY = MAX_CONFLUENCE_IN_FLIGHT;

/** Commits one task; false when another run already did it (entry gone or marker present). */
export async function commitTask(ctx: EngineContext, t: PlannedTask): Promise<{ committed: boolean }> {
  return withRetry(ctx, async (attempt) => {
    if (attempt > 1) {
      const [entry, mark] = await Promise.all([ctx.store.get(t.entryKey), ctx.store.get(markKey(t))]);
      if (!entry) return { committed: false };
      if (mark) {
        await ctx.store.transact([{ op: 'delete', key: t.entryKey }]);
        return { committed: false };
      }
    }
    const ops: TxOp[] = [
      { op: 'delete', key: t.entryKey, condition: { kind: 'exists' } },
      { op: 'put', key: markKey(t), value: { at: t.outbox.createdAt }, condition: { kind: 'absent' } },
      { op: 'put', key: lcKeys.outbox(t.approval.id, t.taskName), value: t.outbox, condition: { kind: 'absent' } },
      ...t.next,
    ];
    const { approval } = t;
    await commitWithAudit(ctx, ops, [
      {
        actor: JOB_ACTOR,
        action: t.action,
        spaceId: approval.spaceId,
        source: 'ui',
        pageId: approval.pageId,
        pageVersion: approval.pageVersion,
        workflowId: approval.workflowId,
        approvalId: approval.id,
        details: t.details,
      },
    ]);
    return { committed: true };
  });
}

export async function deleteKeys(ctx: EngineContext, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += STORE_LIMITS.maxTransactionOps) {
    await ctx.store.transact(keys.slice(i, i + STORE_LIMITS.maxTransactionOps).map((key): TxOp => ({ op: 'delete', key })));
  }
}

/**
 * Posts items (10 in flight) and deletes the delivered ones. An item whose post failed stays for the
 * next run; `recovering` items are first looked up in Confluence (a crash may have followed the post).
 */
export async function deliver(ctx: EngineContext, lc: LifecycleConfluence, items: { key: string; item: OutboxItem }[], recovering: boolean): Promise<{ posted: number; failed: number }> {
  const done: string[] = [];
  let posted = 0;
  let failed = 0;
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    await Promise.all(
      items.slice(i, i + CONCURRENCY).map(async ({ key, item }) => {
        try {
          const existing = recovering ? await lc.findComment({ pageId: item.pageId, ...(item.parentCommentId ? { parentCommentId: item.parentCommentId } : {}), text: item.ref }) : undefined;
          if (existing === undefined && (await postComment(ctx, item)) !== undefined) posted++;
          done.push(key);
        } catch {
          failed++;
          ctx.log('lifecycle comment not posted; the next run retries', { approvalId: item.approvalId, pageId: item.pageId });
        }
      }),
    );
  }
  await deleteKeys(ctx, done);
  return { posted, failed };
}

/**
 * Outbox items a crashed run left (the job holds the lease, so none belongs to a live run). Pages
 * follow on by cursor and each listed item is read again by key: an index that lags (U22) still
 * lists items delivered and deleted a moment ago, which a walk from the start would meet again and
 * again until the deadline (a Confluence lookup each).
 */
export async function recoverOutbox(ctx: EngineContext, lc: LifecycleConfluence, deadline: number): Promise<{ recovered: number; more: boolean }> {
  let recovered = 0;
  let cursor: string | undefined;
  while (ctx.clock.now() < deadline) {
    const page = await ctx.store.query({ prefix: lcKeys.outboxPrefix, limit: STORE_LIMITS.maxQueryLimit, ...(cursor ? { cursor } : {}) });
    const live = await getManyByKey(ctx.store, page.items.map((i) => i.key));
    const items = [...live.values()].map((i) => ({ key: i.key, item: parseStored(outboxItemSchema, i.key, i.value) }));
    const { posted, failed } = await deliver(ctx, lc, items, true);
    recovered += posted;
    if (failed > 0) return { recovered, more: true }; // Confluence is unwell: leave the rest for the next run
    cursor = page.nextCursor;
    if (!cursor) return { recovered, more: false };
  }
  return { recovered, more: true };
}
