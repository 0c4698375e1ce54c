/**
 * The engine's public surface: every transport (REST handlers, resolvers, local runtime) calls only
 * this. Methods take the acting Caller first, check the caller's rights themselves (transport-independent
 * authorization), throw DomainError on refusal, and write audit records atomically with each change.
 *
 * Inputs here are already shape-validated by the transport's zod schemas; the engine still enforces
 * every business rule (lengths, uniqueness, space membership, state).
 */
import type { VerifyResult } from '../audit/verify';
import type { LifecycleService } from '../lifecycle';
import type { WorkflowService } from './workflows/types';
import type { EventPage, EventQuery } from './events/list';
import type { RoutingRulesView } from './routing/list';
import type { RuleInput } from './routing/save';
import type { RoutingExplanation } from './routing/explain';
import type { Caller } from '../domain/caller';
import type { DirectoryEntry, DirectoryKind } from '../ports/directory';
import type { TxOp } from '../ports/store';
import type {
  AuditFilter,
  AuditRecord,
  ChangeSetView,
  PageApproval,
  PageStateView,
  PreflightResult,
  SubmitResult,
} from '../domain/model';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

// The workflow service's types live beside it (so its modules need not import this file back).
export type { SavedWorkflow, WorkflowInput, WorkflowService } from './workflows/types';

export interface ApprovalService {
  /** workflowId: the workflow the author intends to choose at submit (predicts submitPage with the same argument). */
  preflightPage(caller: Caller, pageId: string, workflowId?: string): Promise<PreflightResult>;
  /**
   * Throws DomainError(conflict, <eligibility code>) when the page is not eligible. `alongside`: ops
   * the caller needs committed atomically with the submission (an idempotent request's recorded
   * answer), built from the approval being committed.
   */
  submitPage(caller: Caller, pageId: string, workflowId?: string, options?: { alongside?: (approval: PageApproval) => TxOp[] }): Promise<PageApproval>;
  decide(caller: Caller, approvalId: string, decision: 'approve' | 'reject', comment?: string): Promise<PageApproval>;
  cancel(caller: Caller, approvalId: string): Promise<PageApproval>;
  /** Space admin: cancel a stuck pending approval / clear the page's state (audited as approval.reset). */
  reset(caller: Caller, pageId: string): Promise<void>;
  pageStatus(caller: Caller, pageId: string): Promise<PageStateView>;
  history(caller: Caller, pageId: string): Promise<PageApproval[]>;
  /** Pending approvals in a space; mine = where the caller is an approver of the active step. */
  queue(caller: Caller, spaceId: string, options: { mine?: boolean; cursor?: string; limit?: number }): Promise<Page<PageApproval>>;
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

export interface ChangeSetService {
  list(
    caller: Caller,
    query: { spaceId: string; status?: 'open' | 'archived'; rollupState?: string; limit?: number; cursor?: string },
  ): Promise<Page<ChangeSetView>>;
  get(caller: Caller, changeSetId: string): Promise<ChangeSetView>;
  /**
   * `requestToken` (from an idempotent API request) makes the id deterministic: re-running the same
   * request after its response was lost returns the change set it already created instead of a twin.
   */
  create(caller: Caller, input: ChangeSetCreateInput, options?: { requestToken?: string }): Promise<ChangeSetView>;
  update(caller: Caller, changeSetId: string, input: ChangeSetUpdateInput): Promise<ChangeSetView>;
  archive(caller: Caller, changeSetId: string): Promise<ChangeSetView>;
  preflight(caller: Caller, changeSetId: string): Promise<{ summary: { total: number; submittable: number; blocked: number }; results: PreflightResult[] }>;
  submit(caller: Caller, changeSetId: string): Promise<{ submittedCount: number; skippedCount: number; results: SubmitResult[] }>;
  /** Change sets that contain the page (for the macro), newest first, paged: limit 1..100 (default 20) + cursor. */
  forPage(caller: Caller, pageId: string, options?: { limit?: number; cursor?: string }): Promise<Page<ChangeSetView>>;
}

export interface AuditService {
  list(caller: Caller, filter: AuditFilter, options: { cursor?: string; limit?: number }): Promise<Page<AuditRecord>>;
  verify(caller: Caller): Promise<VerifyResult>;
  export(caller: Caller, filter: AuditFilter, format: 'csv' | 'ndjson'): Promise<string>;
}

export interface PeopleService {
  /** Display names by account id (at most 250 ids); unknown ids are absent. Any signed-in caller. */
  displayNames(caller: Caller, accountIds: string[]): Promise<Record<string, string>>;
}

/** What the caller may do on each surface (computed from the same rules the services enforce). */
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

export interface CapabilityService {
  page(caller: Caller, pageId: string): Promise<PageCapabilities>;
  space(caller: Caller, spaceId: string): Promise<SpaceCapabilities>;
  changeSet(caller: Caller, changeSetId: string): Promise<{ changeSetId: string; update: boolean; submit: boolean; archive: boolean }>;
  /** Title and space of each page the caller can read (unknown or unreadable ids are absent). */
  pageTitles(caller: Caller, pageIds: string[]): Promise<Record<string, { title: string; spaceId: string }>>;
  /** Key and name of each space (unknown ids are absent). */
  spaceNames(caller: Caller, spaceIds: string[]): Promise<Record<string, { key: string; name: string }>>;
  admin(caller: Caller): Promise<{ readAudit: boolean; verifyChain: boolean; exportAudit: boolean }>;
}

export interface EventService {
  /** The event feed (SPEC 3a), oldest first, filtered to the spaces the caller can view. */
  list(caller: Caller, query: EventQuery): Promise<EventPage>;
}

export interface RoutingService {
  /** A space's routing rules (SPEC 2.2a); viewers of the space. */
  list(caller: Caller, spaceId: string): Promise<RoutingRulesView>;
  /** Replace a space's rules (space admins); `expectedVersion` guards lost updates. */
  save(caller: Caller, spaceId: string, rules: RuleInput[], expectedVersion?: number): Promise<RoutingRulesView>;
  /** Each rule's verdict for a page as the caller reads it, the deciding rule, and drift. */
  explain(caller: Caller, pageId: string): Promise<RoutingExplanation>;
}

export interface DirectoryService {
  /** People, groups, pages of a space or spaces whose name matches, as the caller sees them. */
  search(caller: Caller, kind: DirectoryKind, query: string, options?: { spaceId?: string }): Promise<DirectoryEntry[]>;
}

/**
 * Who an invocation acts for. Confluence reads that decide what a user may see or do are made as
 * this user (SPEC §4); without one (triggers, scheduled jobs) the engine acts as the app.
 * Composition roots build the engine's Confluence access per invocation from it.
 */
export interface Invocation {
  actingAccountId?: string;
}

/** The engine for one invocation; transports call it once per request with the resolved caller. */
export type EngineFactory = (invocation: Invocation) => Engine;

export interface Engine {
  workflows: WorkflowService;
  approvals: ApprovalService;
  changeSets: ChangeSetService;
  audit: AuditService;
  people: PeopleService;
  capabilities: CapabilityService;
  directory: DirectoryService;
  lifecycle: LifecycleService;
  events: EventService;
  routing: RoutingService;
}
