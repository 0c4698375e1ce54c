/**
 * Every store key the engine writes (docs/storage.md explains each). Ids are validated store-safe
 * tokens; timestamps are zero-padded so key order is time order.
 */
import { NO_VALUE } from '../audit/keys';
import { APPROVAL_ENTITY } from '../ports/entities';
import type { EntityQuery, TxOp } from '../ports/store';

const pad = (n: number): string => String(n).padStart(15, '0');

export const keys = {
  workflow: (workflowId: string) => `workflow:${workflowId}`,
  /** copy of the workflow, so listing a space's workflows is one query */
  workflowBySpace: (spaceId: string, workflowId: string) => `wf-space:${spaceId}:${workflowId}`,
  workflowBySpacePrefix: (spaceId: string) => `wf-space:${spaceId}:`,
  /** How many workflows a space holds: the 100-per-space limit is checked on it (strong `get`), never on a query. */
  workflowCount: (spaceId: string) => `wf-count:${spaceId}`,
  /** Shards of how many approvals under the workflow are pending: "nothing pending" is checked on them (strong `getMany`), never on a query. */
  workflowPendingShard: (workflowId: string, shard: number) => `wf-pending:${workflowId}:${shard}`,
  /** principals that left a step of the workflow while approvals may still hold them (workflows/former-approvers.ts): the queue's "waiting for me" asks them too */
  formerApprovers: (workflowId: string) => `wf-former:${workflowId}`,
  assignment: (pageId: string) => `assign:${pageId}`,
  /** moved on by every assignment change and atomic submit in the space: a submission checks it once per transaction (services/submit-epoch.ts) */
  submitEpoch: (spaceId: string) => `submit-epoch:${spaceId}`,
  /** a space's routing rules (SPEC 2.2a), one item replaced as a whole */
  routingRules: (spaceId: string) => `routing:${spaceId}`,
  /** present while a page a rule bound shows routing drift (recorded from label/move events) */
  routingDrift: (pageId: string) => `routing-drift:${pageId}`,
  /** a space's Automation label bridge (SPEC 3a): which label each approval state puts on a page */
  labelBridge: (spaceId: string) => `label-bridge:${spaceId}`,

  /** an approval written before it moved into its `af-approval` item (legacy, approvals/stored.ts): read, removed on its next write */
  approval: (approvalId: string) => `approval:${approvalId}`,
  /** progress of the one-off job that gives approvals written before the approver index their `step` (approvals/index-backfill.ts) */
  approvalIndexBackfill: 'approval-index-backfill',
  /** summary of the page's latest approval (any status; domain/page-state.ts PageLatest): page status is one read; version-conditioned writes make it the per-page lock */
  pageState: (pageId: string) => `page-state:${pageId}`,
  /** `{commentId}` of the submission comment of an approval submitted before follow-up records (read only, removed by retention) */
  approvalComment: (approvalId: string) => `approval-comment:${approvalId}`,
  /** the submission comment ids one follow-up job posted (approval id → comment id); named by its approvals' `followUp` */
  submissionComments: (followUp: string) => `submission-comments:${followUp}`,

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
  /** SPEC 3a: a per-page change set's roll-up as last published (`changeset.rollup_changed`); absent = `open` */
  changeSetRollup: (changeSetId: string) => `cs-rollup:${changeSetId}`,
  /** lease of a change-set submit in progress: archive waits for it (changesets/submit-lease.ts) */
  changeSetSubmitLease: (changeSetId: string) => `cs-submit-lease:${changeSetId}`,

  /** SPEC 2.4a: cached content hash of one page version (a digest, never the body); TTL'd, recomputed when absent */
  contentHash: (pageId: string, version: number) => `content-hash:${pageId}:${version}`,
  /** SPEC 2.4a: last staleness recorded for an approved approval, so each transition is audited once */
  stalenessMark: (approvalId: string) => `stale-mark:${approvalId}`,

  /** SPEC 2.5a: one set approval of an atomic change set */
  setApproval: (setApprovalId: string) => `set-approval:${setApprovalId}`,
  /** SPEC 2.5a: per page, the newest set approval that pinned it (page state resolves through it) */
  setMember: (pageId: string) => `set-member:${pageId}`,
  /** SPEC 2.5a: `{commentId}` of a set approval's comment on one member page for one event (0 = submission, n = after decision n); makes the comment job idempotent */
  setComment: (setApprovalId: string, pageId: string, event: number) => `set-comment:${setApprovalId}:${pageId}:${event}`,
  /** SPEC 2.5a: `{commentId}` of the comment on one member page saying the set approval was invalidated (one per page, ever) */
  setInvalidatedComment: (setApprovalId: string, pageId: string) => `set-comment:${setApprovalId}:${pageId}:invalidated`,
  /** SPEC 2.5a: per change set, its newest set approval */
  changeSetSetApproval: (changeSetId: string) => `cs-set-approval:${changeSetId}`,

  /** per-caller denial counter (TTL'd) that aggregates a flood of refusals (services/denials.ts) */
  denialState: (accountId: string) => `deny-state:${storeSafe(accountId)}`,
  /** marks a caller whose denial state holds counted refusals not yet recorded (flushed by the daily run) */
  denialPending: (accountId: string) => `deny-pending:${storeSafe(accountId)}`,
  denialPendingPrefix: 'deny-pending:',
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
 * The index attributes of an approval's `af-approval` item (one entity item replaces the
 * page-history, pending-space and pending-workflow keys): `pending` while it is, else `done`; the
 * active step while pending, else NO_VALUE (every index attribute is always written). The item
 * also holds the approval itself (approvals/stored.ts).
 */
export function approvalIndexValue(a: ApprovalRef & { status: string; activeStep: number }): { sk: string; page: string; space: string; wf: string; state: 'pending' | 'done'; step: string } {
  const pending = a.status === 'pending';
  return { sk: `${pad(a.submittedAt)}:${a.id}`, page: a.pageId, space: a.spaceId, wf: a.workflowId, state: pending ? 'pending' : 'done', step: pending ? String(a.activeStep) : NO_VALUE };
}

export const approvalIndex = {
  /** A page's approvals, newest first when read `desc`; item keys are approval ids. */
  history: (pageId: string): Omit<EntityQuery, 'limit' | 'order'> => ({ entity: APPROVAL_ENTITY, index: 'by-page', partition: [pageId] }),
  /** Pending approvals of a space, oldest first. */
  pendingInSpace: (spaceId: string): Omit<EntityQuery, 'limit'> => ({ entity: APPROVAL_ENTITY, index: 'pending-by-space', partition: [spaceId, 'pending'] }),
  pendingOfWorkflow: (workflowId: string): Omit<EntityQuery, 'limit'> => ({ entity: APPROVAL_ENTITY, index: 'pending-by-wf', partition: [workflowId, 'pending'] }),
  /** Pending approvals of a workflow waiting on step `step` (0-based), oldest first: the approver index. */
  pendingAtStep: (workflowId: string, step: number): Omit<EntityQuery, 'limit'> => ({ entity: APPROVAL_ENTITY, index: 'pending-by-wf-step', partition: [workflowId, 'pending', String(step)] }),
  remove: (approvalId: string): TxOp => ({ op: 'delete', entity: APPROVAL_ENTITY, key: approvalId }),
};
