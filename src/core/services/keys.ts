/**
 * Every store key the engine writes (docs/storage.md explains each). Ids are validated store-safe
 * tokens; timestamps are zero-padded so key order is time order.
 */
import { APPROVAL_ENTITY } from '../ports/entities';
import type { EntityQuery, TxOp } from '../ports/store';

const pad = (n: number): string => String(n).padStart(15, '0');

export const keys = {
  workflow: (workflowId: string) => `workflow:${workflowId}`,
  /** copy of the workflow, so listing a space's workflows is one query */
  workflowBySpace: (spaceId: string, workflowId: string) => `wf-space:${spaceId}:${workflowId}`,
  workflowBySpacePrefix: (spaceId: string) => `wf-space:${spaceId}:`,
  assignment: (pageId: string) => `assign:${pageId}`,
  /** a space's routing rules (SPEC 2.2a), one item replaced as a whole */
  routingRules: (spaceId: string) => `routing:${spaceId}`,
  /** present while a page a rule bound shows routing drift (recorded from label/move events) */
  routingDrift: (pageId: string) => `routing-drift:${pageId}`,

  approval: (approvalId: string) => `approval:${approvalId}`,
  /** copy of the page's latest approval (any status): page status is one read; version-conditioned writes make it the per-page lock */
  pageState: (pageId: string) => `page-state:${pageId}`,
  approvalComment: (approvalId: string) => `approval-comment:${approvalId}`,

  changeSet: (changeSetId: string) => `changeset:${changeSetId}`,
  /** copies of the change set for listing by space (+ status), newest first */
  changeSetBySpace: (spaceId: string, bucket: 'open' | 'archived' | 'all', createdAt: number, changeSetId: string) =>
    `cs-space:${spaceId}:${bucket}:${pad(createdAt)}:${changeSetId}`,
  changeSetBySpacePrefix: (spaceId: string, bucket: 'open' | 'archived' | 'all') => `cs-space:${spaceId}:${bucket}:`,
  /** membership: page → change sets that list (or once listed) it, newest last; written after the change set commits */
  changeSetOfPage: (pageId: string, createdAt: number, changeSetId: string) => `cs-page:${pageId}:${pad(createdAt)}:${changeSetId}`,
  changeSetOfPagePrefix: (pageId: string) => `cs-page:${pageId}:`,
  /** written with a change set whose membership entries may not all exist yet; cleared once they do */
  changeSetUnindexed: (spaceId: string, changeSetId: string) => `cs-unindexed:${spaceId}:${changeSetId}`,
  changeSetUnindexedPrefix: (spaceId: string) => `cs-unindexed:${spaceId}:`,
  /** lease of a change-set submit in progress: archive waits for it (changesets/submit-lease.ts) */
  changeSetSubmitLease: (changeSetId: string) => `cs-submit-lease:${changeSetId}`,

  /** per-caller denial counter (TTL'd) that aggregates a flood of refusals (services/denials.ts) */
  denialState: (accountId: string) => `deny-state:${storeSafe(accountId)}`,
};

/** Account ids come from the platform; anything outside the store's key alphabet is replaced (a merged counter is harmless). */
function storeSafe(value: string): string {
  return value.replace(/[^a-zA-Z0-9:._-]/g, '_').slice(0, 200) || '_';
}

/** What the approval index item is derived from. */
interface ApprovalRef {
  id: string;
  pageId: string;
  spaceId: string;
  workflowId: string;
  submittedAt: number;
}

/**
 * The approval's `af-approval` index item (one entity put replaces the page-history, pending-space
 * and pending-workflow keys): written `pending` (create-if-absent) with the approval, rewritten
 * `done` when it leaves pending, deleted with it by retention.
 */
export function approvalIndexOp(a: ApprovalRef, state: 'pending' | 'done'): TxOp {
  const value = { sk: `${pad(a.submittedAt)}:${a.id}`, page: a.pageId, space: a.spaceId, wf: a.workflowId, state };
  return { op: 'put', entity: APPROVAL_ENTITY, key: a.id, value, ...(state === 'pending' ? { condition: { kind: 'absent' as const } } : {}) };
}

export const approvalIndex = {
  /** A page's approvals, newest first when read `desc`; item keys are approval ids. */
  history: (pageId: string): Omit<EntityQuery, 'limit' | 'order'> => ({ entity: APPROVAL_ENTITY, index: 'by-page', partition: [pageId] }),
  /** Pending approvals of a space, oldest first. */
  pendingInSpace: (spaceId: string): Omit<EntityQuery, 'limit'> => ({ entity: APPROVAL_ENTITY, index: 'pending-by-space', partition: [spaceId, 'pending'] }),
  pendingOfWorkflow: (workflowId: string): Omit<EntityQuery, 'limit'> => ({ entity: APPROVAL_ENTITY, index: 'pending-by-wf', partition: [workflowId, 'pending'] }),
  remove: (approvalId: string): TxOp => ({ op: 'delete', entity: APPROVAL_ENTITY, key: approvalId }),
};
