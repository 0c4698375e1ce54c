/**
 * SPEC 2.5a: a pinned page that changed during review voids the set approval (its decisions no
 * longer count; the submitter resubmits, which pins the new versions). One transaction: the set
 * turns `invalidated` with its `changeset.invalidated` and `approval.stale` records; then the
 * `notify.setInvalidated` job tells the member pages which edit did it (notify-invalidated.ts).
 */
import type { Caller } from '../../../domain/caller';
import type { SetApproval } from '../../../domain/model';
import { setApprovalSchema, parseStored } from '../../../domain/schemas';
import type { PageInfo } from '../../../ports/confluence';
import type { StoredItem } from '../../../ports/store';
import type { EngineContext } from '../../context';
import { auditEntry, commitWithAudit, enqueueAfterCommit } from '../../commit';
import { invalidationNoticeJob, type PinnedEdit } from './notify-invalidated';
import { keys } from '../../keys';
import { setLeavingPendingOps } from './pending';

/** Pinned pages whose current version is not the pinned one, with that version and its author (a page the reader cannot see is not judged here). */
export function changedPins(set: SetApproval, pages: Map<string, PageInfo>): PinnedEdit[] {
  return set.manifest.flatMap((m): PinnedEdit[] => {
    const page = pages.get(m.pageId);
    if (page === undefined || page.version === m.pageVersion) return [];
    return [{ pageId: m.pageId, version: page.version, ...(page.versionAuthorId ? { by: page.versionAuthorId } : {}) }];
  });
}

export async function invalidateSet(ctx: EngineContext, actor: Caller, item: StoredItem, set: SetApproval, edits: PinnedEdit[]): Promise<SetApproval> {
  const next: SetApproval = { ...set, status: 'invalidated', decidedAt: ctx.clock.now(), version: set.version + 1 };
  const changedPages = edits.map((e) => e.pageId);
  const fields = { changeSetId: set.changeSetId, workflowId: set.workflowId, details: { setApprovalId: set.id, changedPages, decisionsVoided: set.decisions.length } };
  await commitWithAudit(ctx, [{ op: 'put', key: item.key, value: next, condition: { kind: 'version', version: item.version } }, ...(await setLeavingPendingOps(ctx, next))], [
    auditEntry(actor, 'changeset.invalidated', set.spaceId, fields),
    auditEntry(actor, 'approval.stale', set.spaceId, { ...fields, details: { ...fields.details, reason: 'pinned_page_changed' } }),
  ]);
  await enqueueAfterCommit(ctx, [invalidationNoticeJob(set.id, edits)]);
  return next;
}

/** The page-updated job: if the page is pinned by a pending set approval at another version, void it. */
export async function invalidateIfPinned(ctx: EngineContext, actor: Caller, page: PageInfo): Promise<void> {
  const member = await ctx.store.get(keys.setMember(page.id));
  if (!member) return;
  const { setApprovalId } = member.value as { setApprovalId?: unknown };
  if (typeof setApprovalId !== 'string') return;
  const item = await ctx.store.get(keys.setApproval(setApprovalId));
  if (!item) return;
  const set = parseStored(setApprovalSchema, item.key, item.value);
  if (set.status !== 'pending') return;
  const changed = changedPins(set, new Map([[page.id, page]]));
  if (changed.length > 0) await invalidateSet(ctx, actor, item, set, changed);
}
