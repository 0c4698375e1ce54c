/** Input and result shapes several operations and the transports share (the operations own the rest). */
import type { ApprovalMode } from '../domain/model';
import type { Job } from '../ports/jobs';

/** One page of a paged list: `nextCursor` is absent on the last page. */
export interface ResultPage<T> {
  items: T[];
  nextCursor?: string;
}

export interface ChangeSetCreateInput {
  spaceId: string;
  title: string;
  summary?: string;
  referenceUrl?: string;
  pageRefs: { pageId: string }[];
  /** SPEC 2.5a; absent = per_page */
  approvalMode?: ApprovalMode;
}

export interface ChangeSetUpdateInput {
  /** SPEC 2.5a: changeable only while nothing is pending */
  approvalMode?: ApprovalMode;
  title?: string;
  summary?: string;
  /** null: remove the link */
  referenceUrl?: string | null;
  pageRefs?: { pageId: string }[];
  expectedVersion?: number;
}

/** What the caller may do on each surface (computed from the same rules the operations enforce). */
export interface PageCapabilities {
  pageId: string;
  spaceId: string;
  /** the page-level eligibility checks pass (domain/eligibility.ts pageGate); the workflow's answer comes from the preflight */
  request: boolean;
  /** why not, when request is false (an eligibility code and its reason) */
  requestRefusal?: { code: string; reason: string };
  decide: boolean;
  cancel: boolean;
  reset: boolean;
  assign: boolean;
  /** SPEC 2.4a: restore the approved version */
  restore: boolean;
}

export interface SpaceCapabilities {
  spaceId: string;
  spaceKey?: string;
  spaceName?: string;
  isSpaceAdmin: boolean;
  createWorkflow: boolean;
  importWorkflow: boolean;
  resetApproval: boolean;
  readSpaceAudit: boolean;
  configureWorkflowIds: string[];
  /** workflows the caller may delete now (space admin, nothing pending under them) */
  deleteWorkflowIds: string[];
  createChangeSet: boolean;
}

/**
 * Who an invocation acts for. Confluence reads that decide what a user may see or do are made as
 * this user (SPEC §4); without one (triggers, scheduled jobs) the engine acts as the app.
 * Composition roots build the engine's Confluence access per invocation from it.
 */
export interface Invocation {
  actingAccountId?: string;
  /** told of each refusal the engine records (also those answered with an empty list), so the edge can count it */
  onDenied?: () => void;
  /**
   * what the transport attaches to the jobs the invocation queues (a diagnostics record riding a
   * follow-up, issue 23); the queue calls `taken` once the push succeeded, `released` when it failed
   */
  attachToJobs?: (jobs: Job[]) => { jobs: Job[]; taken: () => void; released: () => void };
}
