/** Input and result shapes several operations and the transports share (the operations own the rest). */

/** One page of a paged list: `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface ChangeSetCreateInput {
  spaceId: string;
  title: string;
  summary?: string;
  referenceUrl?: string;
  pageRefs: { pageId: string }[];
}

export interface ChangeSetUpdateInput {
  title?: string;
  summary?: string;
  referenceUrl?: string;
  pageRefs?: { pageId: string }[];
  expectedVersion?: number;
}

/** What the caller may do on each surface (computed from the same rules the operations enforce). */
export interface PageCapabilities {
  pageId: string;
  spaceId: string;
  request: boolean;
  decide: boolean;
  cancel: boolean;
  reset: boolean;
  assign: boolean;
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
  createChangeSet: boolean;
}

/**
 * Who an invocation acts for. Confluence reads that decide what a user may see or do are made as
 * this user (SPEC §4); without one (triggers, scheduled jobs) the engine acts as the app.
 * Composition roots build the engine's Confluence access per invocation from it.
 */
export interface Invocation {
  actingAccountId?: string;
}
