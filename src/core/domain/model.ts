/**
 * Domain records (SPEC §2, §5). These TypeScript types are the contract between the engine and its
 * transports (REST handlers, resolvers, UI). zod schemas that re-validate them when read from storage
 * live beside the engine (src/core/domain/schemas.ts) and MUST stay equivalent to these types.
 */
import type { Staleness, StalenessTerms } from './staleness-model';

export * from './staleness-model';
export * from './step-model';
export * from './audit-actions';
import type { AuditAction } from './audit-actions';
import type { UnavailableApprover } from './approver-availability';
import type { DecisionSignature, SodSettings, StepMode, WorkflowEdit, WorkflowStep } from './step-model';

export type ReviewPeriodDays = 90 | 180 | 365;
export type ReviewState = 'current' | 'due' | 'expired';

export interface Workflow extends StalenessTerms {
  id: string;
  spaceId: string;
  name: string;
  enabled: boolean;
  steps: WorkflowStep[];
  owners: string[];
  allowSelfApproval: boolean;
  /** SPEC 2.7: null/absent = no recertification; see src/core/domain/review.ts */
  reviewPeriodDays?: ReviewPeriodDays | null;
  /** SPEC 2.7: 1..90, default 14; only meaningful with a review period */
  reminderWindowDays?: number;
  /** SPEC 2.8: null/absent = no reminders for pending approvals; else 1..30 */
  remindAfterDays?: number | null;
  /** SPEC 2.3a */
  sod?: SodSettings;
  /** the most recent saves, newest last, capped (services/workflows/edit-log.ts) */
  recentEdits?: WorkflowEdit[];
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
  version: number;
}

export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface Decision {
  step: number;
  accountId: string;
  decision: 'approve' | 'reject';
  comment?: string;
  at: number;
  /** SPEC 2.3b: a delegate's decision fills the delegator's slot */
  onBehalfOf?: string;
  delegationId?: string;
  signature?: DecisionSignature;
}

export interface PageApproval {
  id: string;
  pageId: string;
  spaceId: string;
  pageVersion: number;
  workflowId: string;
  /** review and reminder settings travel in the snapshot: an approval keeps the terms it was decided under */
  workflowSnapshot: Pick<Workflow, 'id' | 'name' | 'steps' | 'allowSelfApproval' | 'version' | 'reviewPeriodDays' | 'reminderWindowDays' | 'remindAfterDays' | 'sod' | 'stalenessPolicy' | 'tolerance'>;
  /** SPEC 2.3a: the page editors separation of duties excludes, read as the submitter at submission */
  sodEditors?: string[];
  /** SPEC 2.3a: more versions than can be checked; every decision is refused (SOD_UNVERIFIABLE) */
  sodUnverifiable?: true;
  status: ApprovalStatus;
  /** 0-based index into workflowSnapshot.steps */
  activeStep: number;
  decisions: Decision[];
  submittedBy: string;
  submittedAt: number;
  source: 'ui' | 'api';
  clientId?: string;
  changeSetId?: string;
  /** names `submission-comments:<followUp>`, its comment id's record (services/submission-comments.ts); absent on older approvals */
  followUp?: string;
  /** how the workflow was decided at submit (SPEC 2.2a); absent on approvals submitted before routing rules */
  routedBy?: RoutedBy;
  decidedAt?: number;
  /** SPEC 2.4a: digest of the pinned version's content, computed at the final approval when the policy compares content */
  contentHash?: string;
  hashAlg?: 'v1';
  version: number;
}

export type PageApprovalState = (typeof PAGE_APPROVAL_STATES)[number];

export interface PageStateView {
  pageId: string;
  spaceId: string;
  title: string;
  state: PageApprovalState;
  currentPageVersion: number;
  approvedAtVersion: number | null;
  isStale: boolean;
  versionDelta: number;
  /** SPEC 2.7: null when the latest approval has no review period (or the page is not approved) */
  reviewState: ReviewState | null;
  reviewDueAt: number | null;
  /** SPEC 2.4a; isStale above is staleness.stale */
  staleness: Staleness;
  /** latest approval of the page (any status), if any; for a page of an atomic set, the set approval as it applies to this page */
  latestApproval?: PageApproval;
  /** SPEC 2.5a: the page's state comes from this atomic change set's approval */
  approvedVia?: { changeSetId: string; setApprovalId: string };
  /** how the latest approval's workflow was decided (SPEC 2.2a), when it was recorded */
  routedBy?: RoutedBy;
  /** the pending approval with its active step and the approvers of that step (groups expanded) */
  pending?: PendingStepView;
}

/** The active step of a pending approval as status answers show it (SPEC 2.1a: per-group progress). */
export interface PendingStepView {
  approval: PageApproval;
  activeStep: number;
  stepName?: string;
  /** everyone who may still act on the step (groups expanded: a Confluence group to its first 200 members) */
  approvers: string[];
  /** a Confluence group of the step has more members than `approvers` lists (issue 23: big groups) */
  approversMore?: true;
  /** only for a single-group step of "any" or "all" */
  mode?: StepMode;
  /** `waitingFor` names at most 50 per group; `waitingForMore` when people were left out, `waitingForCount` how many wait when known */
  groups: { key: string; name: string; required: number; approvedBy: string[]; waitingFor: string[]; waitingForMore?: true; waitingForCount?: number }[];
  /** the groups nobody eligible now can fill any more (emptied groups, deactivated or removed people, no view of the page, SoD): the approval cannot complete */
  stuck?: { group: string; required: number; eligible: string[]; unavailable?: UnavailableApprover[] }[];
}

/** A queue row (SPEC 2.1a): the pending approval with its active step's per-group progress, and its page's staleness (SPEC 2.4a). */
export type QueueItem = PageApproval & { groups: PendingStepView['groups']; staleness: Staleness };

/** Change-set roll-up states in SPEC 2.5 precedence order (first match wins); the one list everything uses. */
export const ROLLUP_STATES = ['stale', 'has_rejections', 'all_approved', 'partially_approved', 'in_review', 'open'] as const;
export type RollupState = (typeof ROLLUP_STATES)[number];

export function isRollupState(value: string): value is RollupState {
  return (ROLLUP_STATES as readonly string[]).includes(value);
}

export const PAGE_APPROVAL_STATES = ['draft', 'in_approval', 'approved', 'changes_requested'] as const;
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export const CHANGE_SET_STATUSES = ['open', 'archived'] as const;
export const SOURCES = ['ui', 'api'] as const;

export interface ChangeSetPageView {
  pageId: string;
  title: string;
  currentPageVersion: number | null;
  approvedAtVersion: number | null;
  isStale: boolean;
  versionDelta: number;
  approvalStatus: PageApprovalState;
  approvalId: string | null;
  reviewState: ReviewState | null;
  reviewDueAt: number | null;
  /** SPEC 2.4a; isStale is staleness.stale */
  staleness: Staleness;
}

/** SPEC 2.5a: approve each page on its own, or the whole set as one. */
export const APPROVAL_MODES = ['per_page', 'atomic'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/**
 * SPEC 2.5a: the one approval of an atomic change set, the source of truth for its pages' state.
 * `submitting`: the submit is still writing its page pointers (counts as pending while its lease
 * runs, as nothing once it expired); `invalidated`: a pinned page changed during review.
 */
export const SET_APPROVAL_STATUSES = ['submitting', 'pending', 'approved', 'rejected', 'invalidated'] as const;
export type SetApprovalStatus = (typeof SET_APPROVAL_STATUSES)[number];

export interface SetApproval {
  id: string;
  changeSetId: string;
  spaceId: string;
  workflowId: string;
  workflowSnapshot: PageApproval['workflowSnapshot'];
  /** SPEC 2.3a: the editors of every pinned version (read at submission), excluded from deciding */
  sodEditors?: string[];
  /** SPEC 2.3a: some page's editors could not be checked; every decision is refused (SOD_UNVERIFIABLE) */
  sodUnverifiable?: true;
  manifest: { pageId: string; pageVersion: number; contentHash?: string }[];
  status: SetApprovalStatus;
  activeStep: number;
  decisions: Decision[];
  submittedBy: string;
  submittedAt: number;
  source: 'ui' | 'api';
  clientId?: string;
  decidedAt?: number;
  /** the pointer-writing phase must finish before this (a dead submit leaves nothing pending) */
  submitDeadline: number;
  pendingCounted?: true; // in its workflow's pending count while pending (Audit A#3; older sets were not)
  version: number;
}

export interface ChangeSet {
  approvalMode?: ApprovalMode; // SPEC 2.5a: stored only when atomic; a view always answers it
  id: string;
  spaceId: string;
  title: string;
  summary: string;
  referenceUrl?: string;
  pageRefs: { pageId: string }[];
  status: 'open' | 'archived';
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
  version: number;
}

export interface ChangeSetView extends ChangeSet {
  approvalMode: ApprovalMode;
  rollupState: RollupState;
  pages: ChangeSetPageView[];
  setApproval?: SetApproval; // SPEC 2.5a: the set's latest set approval (atomic mode)
}

export interface EligibilityIssue {
  code: string;
  reason: string;
}

/** How a page's workflow was decided (SPEC 2.2a): preflight reports it. */
export type RoutedBy = { kind: 'assignment' } | { kind: 'rule'; ruleId: string } | { kind: 'default' };

export interface PreflightResult {
  pageId: string;
  canSubmit: boolean;
  workflowId?: string;
  code?: string;
  reason?: string;
  warnings?: EligibilityIssue[];
  /** NO_ELIGIBLE_APPROVER: each group left short, with whom separation of duties excluded (SPEC 2.3a) */
  details?: { step: number; group: string; required: number; excluded: string[]; unavailable?: UnavailableApprover[] }[];
  /** how the workflow was decided (SPEC 2.2a), when it could be */
  routedBy?: RoutedBy;
}

export interface SubmitResult {
  pageId: string;
  success: boolean;
  workflowId?: string;
  approvalId?: string;
  code?: string;
  reason?: string;
}

export interface AuditRecord {
  id: string;
  seq: number;
  at: number;
  actor: string;
  action: AuditAction;
  spaceId: string;
  pageId?: string;
  pageVersion?: number;
  workflowId?: string;
  changeSetId?: string;
  approvalId?: string;
  source: 'ui' | 'api';
  clientId?: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /** Listed before the sequencer linked it into the chain: then seq is 0 and prevHash/hash are '' (docs/audit.md). */
  pending?: true;
}

export interface AuditFilter {
  from?: number;
  to?: number;
  spaceId?: string;
  pageId?: string;
  changeSetId?: string;
  actor?: string;
  action?: AuditAction;
  source?: 'ui' | 'api';
  clientId?: string;
}

/** A Confluence page as the rules read it (ports/confluence.ts answers with it). */
export type PageStatus = 'current' | 'draft' | 'archived' | 'trashed' | 'deleted';

export interface PageInfo {
  id: string;
  spaceId: string;
  title: string;
  status: PageStatus;
  /** current version number */
  version: number;
  /** account id of the author of the current version */
  versionAuthorId?: string;
  /** message of the current version (used to recognise versions written by the app itself) */
  versionMessage?: string;
}
