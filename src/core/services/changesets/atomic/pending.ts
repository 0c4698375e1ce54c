/**
 * SPEC 2.1 "delete (refused while approvals under it are pending)": a pending set approval counts in
 * its workflow's pending count (approvals/pending-count.ts) from the submit that makes it pending
 * until the transaction that takes it out of pending (final decision, invalidation). Audit A#3.
 */
import type { SetApproval } from '../../../domain/model';
import type { TxOp } from '../../../ports/store';
import type { EngineContext } from '../../context';
import { pendingCountOps } from '../../approvals/pending-count';

/** The count ops when `next` leaves pending; none for one still pending or never counted (pending before sets were counted). */
export async function setLeavingPendingOps(ctx: EngineContext, next: SetApproval): Promise<TxOp[]> {
  if (next.status === 'pending' || !next.pendingCounted) return [];
  return pendingCountOps(ctx, { leaving: [next] });
}
