/**
 * SPEC 2.5a: while its set approval is in review an atomic change set is frozen (update → 409
 * CHANGESET_IN_REVIEW, archive → CHANGE_SET_HAS_PENDING), and its mode changes only while nothing
 * is pending. The returned `check` on the change set's set-approval pointer makes the update or
 * archive fail if a submit starts meanwhile.
 */
import { z } from 'zod';
import type { ChangeSet, SetApproval } from '../../../domain/model';
import { parseStored, setApprovalSchema } from '../../../domain/schemas';
import type { StoredItem, TxOp } from '../../../ports/store';
import type { EngineContext } from '../../context';
import { keys } from '../../keys';
import { parsePageState } from '../../page-context';
import { getManyByKey } from '../../store-reads';
import { effectiveSetStatus, LOCK } from './resolve';
import { DomainError } from '../../../domain/errors';
import { leaseFreeCheck } from '../submit-lease';

const pointerSchema = z.object({ setApprovalId: z.string() });

export interface SetReview {
  /** the change set's newest set approval, when it is pending (or still being submitted) */
  pending?: SetApproval;
  latest?: SetApproval;
  pointerCheck: TxOp;
}

export async function setReviewOf(ctx: EngineContext, changeSetId: string): Promise<SetReview> {
  const pointer = await ctx.store.get(keys.changeSetSetApproval(changeSetId));
  const pointerCheck: TxOp = { op: 'check', key: keys.changeSetSetApproval(changeSetId), condition: pointer ? { kind: 'version', version: pointer.version } : { kind: 'absent' } };
  if (!pointer) return { pointerCheck };
  const item = await ctx.store.get(keys.setApproval(parseStored(pointerSchema, pointer.key, pointer.value).setApprovalId));
  const latest = item ? parseStored(setApprovalSchema, item.key, item.value) : undefined;
  const pending = latest && effectiveSetStatus(latest, ctx.clock.now(), LOCK) === 'pending' ? latest : undefined;
  return { pointerCheck, ...(latest ? { latest } : {}), ...(pending ? { pending } : {}) };
}

/** Pages submitted one by one through this change set that are still pending (switching to atomic and archiving wait for them). */
export async function pagesPendingThrough(ctx: EngineContext, cs: ChangeSet): Promise<number> {
  const states = await getManyByKey(ctx.store, cs.pageRefs.map((r) => keys.pageState(r.pageId)));
  return countPendingThrough(cs.id, states.values());
}

/** The one rule of "pending through this change set", over page-state items already read. */
export function countPendingThrough(changeSetId: string, pageStates: Iterable<StoredItem>): number {
  return pendingThrough(changeSetId, pageStates).length;
}

function pendingThrough(changeSetId: string, pageStates: Iterable<StoredItem>): string[] {
  return [...pageStates].map(parsePageState).flatMap((a) => (a?.status === 'pending' && a.changeSetId === changeSetId ? [a.pageId] : []));
}

/**
 * SPEC 2.5 "archiving is refused while a page submitted through it is still pending" (Audit A#4): an
 * update may not remove such a page (409 CHANGE_SET_HAS_PENDING naming them, nothing changed), so
 * every page pending through the set stays in `pageRefs` where archive checks it. The one op makes
 * the update fail if a submit through the set starts meanwhile: a page becomes pending through the
 * set only under that submit's lease, and the lease is released by a rewrite, never a delete, so its
 * check cannot pass again by ABA (submit-lease.ts). No check per removed page: those would not fit
 * the update's one transaction past 17 removed pages (25 ops).
 */
export async function keepsPendingPages(ctx: EngineContext, cs: ChangeSet, nextRefs: { pageId: string }[]): Promise<TxOp[]> {
  const kept = new Set(nextRefs.map((r) => r.pageId));
  const removed = cs.pageRefs.map((r) => r.pageId).filter((id) => !kept.has(id));
  if (removed.length === 0) return [];
  const leaseKey = keys.changeSetSubmitLease(cs.id);
  const read = await getManyByKey(ctx.store, [...removed.map(keys.pageState), leaseKey]);
  const leaseCheck = leaseFreeCheck(ctx, cs.id, read.get(leaseKey), 'changing its pages');
  read.delete(leaseKey);
  const pending = pendingThrough(cs.id, read.values());
  if (pending.length > 0) {
    const details = pending.map((pageId) => ({ field: pageId, code: 'PENDING_APPROVAL', reason: 'submitted through this change set and still pending' }));
    throw new DomainError('CHANGE_SET_HAS_PENDING', `${pending.length} of the pages to remove were submitted through this change set and are still pending; remove them once their approvals end.`, details);
  }
  return [leaseCheck];
}
