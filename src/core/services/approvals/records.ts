/** Approval records: loading, the in-flight rule, and the ops that take an approval out of "pending". */
import { DomainError } from '../../domain/errors';
import type { PageApproval } from '../../domain/model';
import { pageApprovalSchema, parseStored, workflowSchema } from '../../domain/schemas';
import type { StoredItem, TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { getManyByKey } from '../store-reads';
import { approvalIndexOp, keys } from '../keys';
import { snapshotOf } from '../submission';

export const notPending = (): DomainError => new DomainError('APPROVAL_NOT_PENDING', 'This approval is no longer pending.');
export const approvalNotFound = (): DomainError => new DomainError('APPROVAL_NOT_FOUND', 'Approval not found.');

export interface LoadedApproval {
  item: StoredItem;
  approval: PageApproval;
  /** where the submission comment lives, for threaded replies */
  commentRef: unknown;
}

export async function loadApproval(ctx: EngineContext, approvalId: string): Promise<LoadedApproval> {
  const got = await getManyByKey(ctx.store, [keys.approval(approvalId), keys.approvalComment(approvalId)]);
  const item = got.get(keys.approval(approvalId));
  if (!item) throw approvalNotFound();
  return { item, approval: parseStored(pageApprovalSchema, item.key, item.value), commentRef: got.get(keys.approvalComment(approvalId))?.value };
}

/**
 * The in-flight rule (SPEC 2.1): a pending approval without decisions follows its workflow's
 * current definition; once decided on, it keeps its snapshot. Adoption happens at read time, and a
 * write based on an adopted definition carries a `check` on the workflow version so a concurrent
 * workflow edit forces a re-read. A deleted workflow leaves the snapshot in force.
 */
export async function effectiveApproval(ctx: EngineContext, approval: PageApproval): Promise<{ approval: PageApproval; workflowCheck?: TxOp }> {
  if (approval.status !== 'pending' || approval.decisions.length > 0) return { approval };
  const item = await ctx.store.get(keys.workflow(approval.workflowId));
  if (!item) return { approval };
  const workflow = parseStored(workflowSchema, item.key, item.value);
  return {
    approval: { ...approval, workflowSnapshot: snapshotOf(workflow) },
    workflowCheck: { op: 'check', key: item.key, condition: { kind: 'version', version: item.version } },
  };
}

/** Ops that take a leaving-pending approval out of the pending indexes (its index item turns `done`; the page state, rewritten with it, is the lock). */
export function leavePendingOps(approval: PageApproval): TxOp[] {
  return [
    approvalIndexOp(approval, 'done'),
  ];
}
