/**
 * Where submission comment ids live (issue 23 item 4: no write per approval). A submission
 * follow-up job posts the comments of up to SUBMISSION_FOLLOW_UP_BATCH approvals and records all
 * their ids in ONE record, `submission-comments:<followUp>`; each approval names it by its
 * `followUp` (set at submit, so a reader that has the approval needs no extra read). Approvals
 * submitted before carry no `followUp`: their id is at `approval-comment:<id>` (or, when a job
 * posted it since, in the record named by their own id).
 */
import { z } from 'zod';
import type { PageApproval } from '../domain/model';
import { commentRefSchema } from '../domain/schemas';
import { StoreError, type StoredItem, type TxOp } from '../ports/store';
import type { EngineContext } from './context';
import { RECORD_ATTEMPTS } from './comments';
import { keys } from './keys';

const id = z.string().min(1).max(200);
/** Any number of entries (within the store's value size): a job records at most SUBMISSION_FOLLOW_UP_BATCH, but twins and older runs may add to one record. */
const recordSchema = z.object({ comments: z.record(id, id) }).strict();

type Named = Pick<PageApproval, 'id' | 'followUp'>;

/** The follow-up an approval's comment id is recorded under (its own id when it was submitted before follow-ups were named). */
export const followUpOf = (approval: Named): string => approval.followUp ?? approval.id;

/** The keys that hold these approvals' comment ids, to read beside whatever else the caller reads. */
export function submissionCommentKeys(approvals: Named[]): string[] {
  return [...new Set(approvals.flatMap((a) => [keys.submissionComments(followUpOf(a)), ...(a.followUp ? [] : [keys.approvalComment(a.id)])]))];
}

/** The ids a follow-up record holds; an unreadable record holds none (replies then go top-level, as without a comment). */
function recorded(item: StoredItem | undefined): Map<string, string> {
  const parsed = item ? recordSchema.safeParse(item.value) : undefined;
  return new Map(parsed?.success ? Object.entries(parsed.data.comments) : []);
}

/** The approval's submission comment id among the items read for submissionCommentKeys; undefined when none was posted. */
export function submissionCommentOf(approval: Named, got: Map<string, StoredItem>): string | undefined {
  const inRecord = recorded(got.get(keys.submissionComments(followUpOf(approval)))).get(approval.id);
  if (inRecord !== undefined || approval.followUp) return inRecord;
  const old = got.get(keys.approvalComment(approval.id));
  const ref = old ? commentRefSchema.safeParse(old.value) : undefined;
  return ref?.success ? ref.data.commentId : undefined;
}

/** A comment a follow-up posted, to record. */
export interface PostedComment {
  approvalId: string;
  pageId: string;
  commentId: string;
}

/**
 * Records the ids of one follow-up's posted comments in one put, beside those already recorded
 * (`known`: the record as read before posting). Ids recorded first (a redelivered twin's) stay.
 * A record that keeps failing is logged, never thrown: a queue retry would post the comments again.
 * A record that exists but does not parse is logged and left as it is (never overwritten).
 */
export async function recordSubmissionComments(ctx: EngineContext, followUp: string, posted: PostedComment[], known: StoredItem | undefined): Promise<void> {
  const key = keys.submissionComments(followUp);
  let item = known;
  for (let attempt = 1; ; attempt++) {
    if (item && !recordSchema.safeParse(item.value).success) {
      // never overwrite a record that does not parse: the ids it holds would be lost (the comments stay posted)
      ctx.log('submission comment record unreadable; ids not recorded', { key, posted: posted.length });
      return;
    }
    const comments = Object.fromEntries([...posted.map((p) => [p.approvalId, p.commentId] as const), ...recorded(item)]);
    try {
      return await ctx.store.transact([{ op: 'put', key, value: { comments }, condition: item ? { kind: 'version', version: item.version } : { kind: 'absent' } }]);
    } catch (error) {
      if (attempt >= RECORD_ATTEMPTS) {
        for (const p of posted) ctx.log('could not store the notification comment id', { approvalId: p.approvalId, pageId: p.pageId });
        return;
      }
      // a twin wrote the record meanwhile: merge with what it holds now
      if (error instanceof StoreError && error.code === 'CONDITION_FAILED') item = await ctx.store.get(key);
      else await ctx.sleep(10 * attempt);
    }
  }
}

/**
 * Retention (docs/decisions.md): the ops that remove a purged approval's comment id. A follow-up
 * record is shared, so the approval's entry is taken out (version-conditioned on `item`, the record
 * as read) and the record is deleted with its last entry; an old `approval-comment:<id>` is deleted.
 */
export function purgeSubmissionCommentOps(approval: Named, item: StoredItem | undefined): TxOp[] {
  const old: TxOp[] = approval.followUp ? [] : [{ op: 'delete', key: keys.approvalComment(approval.id) }];
  const rest = recorded(item);
  if (!item || !rest.delete(approval.id)) return old;
  const condition = { kind: 'version' as const, version: item.version };
  return [...old, rest.size === 0 ? { op: 'delete', key: item.key, condition } : { op: 'put', key: item.key, value: { comments: Object.fromEntries(rest) }, condition }];
}
