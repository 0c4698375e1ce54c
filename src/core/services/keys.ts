/**
 * Every store key the engine writes (docs/storage.md explains each). Ids are validated store-safe
 * tokens; timestamps are zero-padded so key order is time order.
 */
const pad = (n: number): string => String(n).padStart(15, '0');

export const keys = {
  workflow: (workflowId: string) => `workflow:${workflowId}`,
  /** copy of the workflow, so listing a space's workflows is one query */
  workflowBySpace: (spaceId: string, workflowId: string) => `wf-space:${spaceId}:${workflowId}`,
  workflowBySpacePrefix: (spaceId: string) => `wf-space:${spaceId}:`,
  assignment: (pageId: string) => `assign:${pageId}`,

  approval: (approvalId: string) => `approval:${approvalId}`,
  /** copy of the page's latest approval (any status): page status is one read; version-conditioned writes make it the per-page lock */
  pageState: (pageId: string) => `page-state:${pageId}`,
  pageHistory: (pageId: string, submittedAt: number, approvalId: string) => `page-history:${pageId}:${pad(submittedAt)}:${approvalId}`,
  pageHistoryPrefix: (pageId: string) => `page-history:${pageId}:`,
  pendingBySpace: (spaceId: string, submittedAt: number, approvalId: string) => `pending-space:${spaceId}:${pad(submittedAt)}:${approvalId}`,
  pendingBySpacePrefix: (spaceId: string) => `pending-space:${spaceId}:`,
  pendingByWorkflow: (workflowId: string, approvalId: string) => `pending-wf:${workflowId}:${approvalId}`,
  pendingByWorkflowPrefix: (workflowId: string) => `pending-wf:${workflowId}:`,
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

  /** per-caller denial counter (TTL'd) that aggregates a flood of refusals (services/denials.ts) */
  denialState: (accountId: string) => `deny-state:${storeSafe(accountId)}`,
};

/** Account ids come from the platform; anything outside the store's key alphabet is replaced (a merged counter is harmless). */
function storeSafe(value: string): string {
  return value.replace(/[^a-zA-Z0-9:._-]/g, '_').slice(0, 200) || '_';
}
