/**
 * The one way the app posts a page comment (issue 17 item 6). Every comment (submission, change-set,
 * decision and cancel replies, review notices, reminders, stuck notices) is posted by `postComment`
 * from deferred work that runs after the change causing it has committed (a queue job, or the daily
 * run for lifecycle notices), and each is idempotent the same way: a record written after the post
 * that a redelivery reads first, and then posts nothing.
 * - Comments whose text is built at delivery (submission and change-set comments): the comment id,
 *   recorded under the comment's key (`recordComments`; a submission follow-up's ids in one record,
 *   submission-comments.ts).
 * - Comments whose text is fixed in the change's transaction (replies, notices): an outbox item
 *   (`queuedComment`), deleted once posted; the daily run's recovery finds a post that a crash cut
 *   short before the delete (lifecycle/outbox.ts).
 */
import { DomainError } from '../domain/errors';
import type { PageApproval } from '../domain/model';
import { parseStored } from '../domain/schemas';
import type { Job } from '../ports/jobs';
import { StoreError, type TxOp } from '../ports/store';
import { lcKeys } from '../records/lifecycle-keys';
import { outboxItemSchema, type OutboxItem } from '../records/lifecycle-schemas';
import type { EngineContext } from './context';
import { escapeXml } from '../domain/storage-format';

/** A comment the app posts on a page; a reply when `parentCommentId` is set. */
export interface AppComment {
  pageId: string;
  body: string;
  parentCommentId?: string;
}

/**
 * Posts the comment and answers its id. Confluence answers 404 when the page is gone or restricted
 * without the app (the app user is in no page restriction, SPEC 9): then a reply whose parent vanished
 * is posted top-level, and a comment that no redelivery could ever post answers undefined (an outcome
 * of the page, not a failure; approvers still find the request in their queue). Any other failure
 * throws, so the job is retried.
 */
export async function postComment(ctx: EngineContext, comment: AppComment): Promise<string | undefined> {
  const topLevel = { pageId: comment.pageId, bodyStorage: comment.body };
  try {
    return await ctx.confluence.createPageComment(comment.parentCommentId ? { ...topLevel, parentCommentId: comment.parentCommentId } : topLevel);
  } catch (err) {
    if (!appCannotSeePage(err)) throw err;
  }
  if (!comment.parentCommentId) return undefined;
  try {
    return await ctx.confluence.createPageComment(topLevel);
  } catch (err) {
    if (appCannotSeePage(err)) return undefined;
    throw err;
  }
}

function appCannotSeePage(err: unknown): boolean {
  return err instanceof DomainError && err.code === 'PAGE_NOT_FOUND';
}

/** The reference a recovering run searches for; stable per page and cycle (approval id + task). */
export function taskRef(approvalId: string, taskName: string): string {
  return `approvalflow:${approvalId}:${taskName}`;
}

/**
 * The task's reference travels in the comment's storage inside an anchor macro, which Confluence
 * renders as nothing: readers never see the machine line, a recovering run can find the posted comment.
 */
export const refLine = (ref: string): string => `<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">${escapeXml(ref)}</ac:parameter></ac:structured-macro>`;

/**
 * A comment a request leaves, as an outbox item to put in the change's own transaction (so the
 * comment exists exactly when the change does) and the `notify.comment` job that posts it once that committed.
 */
export function queuedComment(approval: PageApproval, task: string, body: string, parentCommentId: string | undefined, now: number): { op: TxOp; job: Job } {
  const ref = taskRef(approval.id, task);
  const key = lcKeys.outbox(approval.id, task);
  const item: OutboxItem = { pageId: approval.pageId, spaceId: approval.spaceId, approvalId: approval.id, ref, body: body + refLine(ref), ...(parentCommentId ? { parentCommentId } : {}), createdAt: now };
  return { op: { op: 'put', key, value: item, condition: { kind: 'absent' } }, job: { kind: 'notify.comment', key } };
}

/** The `notify.comment` job: post the item, then delete it (its record). No item: already posted. */
export async function postQueuedComment(ctx: EngineContext, key: string): Promise<void> {
  const got = await ctx.store.get(key);
  if (!got) return;
  const item = parseStored(outboxItemSchema, key, got.value);
  await postComment(ctx, item);
  await ctx.store.transact([{ op: 'delete', key }]);
}

/** A posted comment's id to record under the key that makes its job idempotent, and what to log if it cannot be. */
export interface CommentRecord {
  key: string;
  commentId: string;
  log: Record<string, string | number>;
}

/**
 * Records comment ids (≤ 25, one transaction: issue 23, one write request instead of one per
 * comment). Each put is `absent` (Forge needs no read first); if a redelivered twin of the job
 * recorded some first, the rest are recorded one by one. A record that keeps failing is logged,
 * never thrown: a queue retry would post a second comment.
 */
export async function recordComments(ctx: EngineContext, records: CommentRecord[]): Promise<void> {
  const put = (r: CommentRecord): TxOp => ({ op: 'put', key: r.key, value: { commentId: r.commentId }, condition: { kind: 'absent' } });
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.store.transact(records.map(put));
    } catch (error) {
      if (error instanceof StoreError && error.code === 'CONDITION_FAILED') {
        if (records.length > 1) for (const r of records) await recordComments(ctx, [r]);
        return; // alone: the twin recorded it, nothing left to record
      }
      if (attempt >= RECORD_ATTEMPTS) {
        for (const r of records) ctx.log('could not store the notification comment id', r.log);
        return;
      }
      await ctx.sleep(10 * attempt);
    }
  }
}

/** Tries of a comment-id record before it is logged as lost (never thrown: a retry would post again). */
export const RECORD_ATTEMPTS = 3;
