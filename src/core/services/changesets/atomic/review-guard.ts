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
  return [...pageStates].map(parsePageState).filter((a) => a?.status === 'pending' && a.changeSetId === changeSetId).length;
}
