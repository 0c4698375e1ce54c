/** Approval records: loading, the in-flight rule, and the ops that take an approval out of "pending". */
import { DomainError } from '../../domain/errors';
import type { PageApproval, Workflow } from '../../domain/model';
import { pageStateSchema, parseStored, workflowSchema } from '../../domain/schemas';
import { isFullApproval, pageLatestOf, type PageLatest } from '../../domain/page-state';
import { StoreError, type StoredItem, type TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { keys } from '../keys';
import { getManyByKey } from '../store-reads';
import { snapshotOf } from '../submission';
import { mayAdopt } from '../workflows/edit-log';
import { pendingCountOps } from './pending-count';
import { onCancelled } from '../../records/lifecycle-schedule';
import { approvalRecordOps, readApprovals, wholeApprovals, type StoredApproval } from './stored';
import { submissionCommentKeys, submissionCommentOf } from '../submission-comments';
import type { Caller } from '../../domain/caller';
import { denial } from '../denials';
import { PageCache } from '../page-cache';

export const notPending = (): DomainError => new DomainError('APPROVAL_NOT_PENDING', 'This approval is no longer pending.');
export const approvalNotFound = (): DomainError => new DomainError('APPROVAL_NOT_FOUND', 'Approval not found.');

/** An approval by id (APPROVAL_NOT_FOUND when there is none). */
export async function loadApproval(ctx: EngineContext, approvalId: string): Promise<StoredApproval> {
  const stored = (await readApprovals(ctx, [approvalId])).get(approvalId);
  if (!stored) throw approvalNotFound();
  return stored;
}

/**
 * An approval the caller may address (every operation taking an approval id asks this first, before
 * anything that tells its state): one on a page the caller cannot view answers exactly like a missing
 * one (APPROVAL_NOT_FOUND), and that refusal is recorded as access.denied.
 */
export async function loadVisibleApproval(ctx: EngineContext, caller: Caller, approvalId: string, operation: string): Promise<StoredApproval> {
  const loaded = await loadApproval(ctx, approvalId);
  const { pageId, spaceId } = loaded.approval;
  if (!(await new PageCache(ctx, caller.accountId).readable([pageId])).has(pageId)) {
    throw await denial(ctx, caller, approvalNotFound(), spaceId, { operation, approvalId });
  }
  return loaded;
}

/** An approval about to be written, with its lock: the page state (its summary names the version the record must have). */
export interface LockedApproval extends StoredApproval {
  /** its submission comment, which replies thread under (undefined: not posted) */
  commentId?: string;
  /** undefined: the page state no longer names this approval (it was ended: a reset removes the state) */
  stateItem?: StoredItem;
}

/**
 * loadApproval plus the page state, the lock of every approval write. A pending approval is always
 * its page's latest (SPEC 2.3: one pending per page). The record is read first, so a write between
 * the two reads shows as a page state of a newer version than the record: that is a conflict, and
 * the caller's withRetry reads both again. (A page state written before it became a summary holds
 * the whole approval, the current version.)
 */
export async function loadForUpdate(ctx: EngineContext, approvalId: string): Promise<LockedApproval> {
  const stored = (await readApprovals(ctx, [approvalId])).get(approvalId);
  if (!stored) throw approvalNotFound();
  // the comment id (named by the approval: submission-comments.ts) and the page state in one read
  const got = await getManyByKey(ctx.store, [...submissionCommentKeys([stored.approval]), keys.pageState(stored.approval.pageId)]);
  const commentId = submissionCommentOf(stored.approval, got);
  const loaded = { ...stored, ...(commentId ? { commentId } : {}) };
  const stateItem = got.get(keys.pageState(stored.approval.pageId));
  const latest = stateItem ? parseStored(pageStateSchema, stateItem.key, stateItem.value) : undefined;
  if (!stateItem || latest?.id !== approvalId) return loaded;
  if (isFullApproval(latest)) return { ...loaded, approval: latest, stateItem };
  if (latest.version !== stored.approval.version) throw new StoreError('CONDITION_FAILED', 'The approval changed between its reads.');
  return { ...loaded, stateItem };
}

/**
 * The in-flight rule (SPEC 2.1): a pending approval without decisions follows its workflow's
 * current definition; once decided on, it keeps its snapshot. Adoption happens at read time, and a
 * write based on an adopted definition carries a `check` on the workflow version so a concurrent
 * workflow edit forces a re-read. A deleted workflow leaves the snapshot in force, and so does an
 * edit by the approval's own submitter (SPEC 2.3a: no approving your own page through ownership).
 */
export async function effectiveApproval(ctx: EngineContext, approval: PageApproval): Promise<{ approval: PageApproval; workflowCheck?: TxOp }> {
  if (approval.status !== 'pending' || approval.decisions.length > 0) return { approval };
  const item = await ctx.store.get(keys.workflow(approval.workflowId));
  if (!item) return { approval };
  const adopted = withCurrentDefinition(approval, parseStored(workflowSchema, item.key, item.value));
  if (adopted === approval) return { approval };
  return { approval: adopted, workflowCheck: { op: 'check', key: item.key, condition: { kind: 'version', version: item.version } } };
}

/** The in-flight rule for a page of approvals: their workflows in one batched read. Order kept. */
export async function withCurrentDefinitions(ctx: EngineContext, approvals: PageApproval[]): Promise<PageApproval[]> {
  const workflows = await getManyByKey(ctx.store, [...new Set(approvals.map((a) => keys.workflow(a.workflowId)))]);
  return approvals.map((a) => {
    const item = workflows.get(keys.workflow(a.workflowId));
    return withCurrentDefinition(a, item && parseStored(workflowSchema, item.key, item.value));
  });
}

/** The in-flight rule on a workflow already read (undefined: deleted): the approval as it is, or with the current definition adopted. */
export function withCurrentDefinition(approval: PageApproval, workflow: Workflow | undefined): PageApproval {
  if (approval.status !== 'pending' || approval.decisions.length > 0 || !workflow || !mayAdopt(approval, workflow)) return approval;
  return { ...approval, workflowSnapshot: snapshotOf(workflow) };
}

/**
 * The write of a changed approval that is its page's latest: its record, the page state's summary
 * under the version condition that makes it the lock, and, when it leaves pending, its workflow's
 * pending count (its index item turns `done` with the record).
 */
export async function approvalUpdateOps(ctx: EngineContext, locked: Pick<LockedApproval, 'legacy' | 'stateItem'>, next: PageApproval): Promise<TxOp[]> {
  if (!locked.stateItem) throw notPending();
  return [
    ...approvalRecordOps(next, { legacy: locked.legacy }),
    { op: 'put', key: keys.pageState(next.pageId), value: pageLatestOf(next), condition: { kind: 'version', version: locked.stateItem.version } },
    ...(next.status !== 'pending' ? await pendingCountOps(ctx, { leaving: [next] }) : []),
  ];
}

/**
 * The page's pending approval cancelled in the transaction that deletes its page state (reset,
 * assignment clear: the state's version-conditioned delete is the lock), with its lifecycle schedule
 * ended. The state is a summary: the approval is read whole (a record newer than the state read
 * means a write came between, which fails the state's condition). Whether it is still at
 * `approval:<id>` is not read: that key is deleted either way.
 */
export async function cancelledWithStateOps(ctx: EngineContext, latest: PageLatest): Promise<TxOp[]> {
  const [whole] = await wholeApprovals(ctx, [latest]);
  if (!whole) return [];
  const cancelled: PageApproval = { ...whole, status: 'cancelled', decidedAt: ctx.clock.now(), version: whole.version + 1 };
  return [...approvalRecordOps(cancelled, { legacy: true }), ...(await pendingCountOps(ctx, { leaving: [cancelled] })), ...onCancelled(cancelled)];
}
