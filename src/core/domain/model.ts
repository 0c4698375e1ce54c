/**
 * Domain records (SPEC §2, §5). These TypeScript types are the contract between the engine and its
 * transports (REST handlers, resolvers, UI). zod schemas that re-validate them when read from storage
 * live beside the engine (src/core/domain/schemas.ts) and MUST stay equivalent to these types.
 */

export type StepMode = (typeof STEP_MODES)[number];

export type ReviewPeriodDays = 90 | 180 | 365;
export type ReviewState = 'current' | 'due' | 'expired';

/** SPEC 2.1a: one approver group of a step and how many of its people must approve ("all": every eligible member). */
export interface ApproverGroup {
  key: string;
  name: string;
  /** account ids, or group ids written as "group:<groupId>" (expanded at decision time) */
  approvers: string[];
  required: number | 'all';
}

/** SPEC 2.1a: when rejections reject the step (absent = "any", the rule of SPEC 2.3). */
export type RejectPolicy = 'any' | 'unreachable' | { threshold: number };

/**
 * A step: the short form `{approvers, mode}` (SPEC 2.1) or the group form of SPEC 2.1a. Saved steps
 * carry `groups` always, and `approvers`/`mode` too when the step is one group of "any" or "all";
 * read a step's groups through stepGroups() (domain/step-composition.ts), which also reads the
 * short form of records written before 2.1a.
 */
export interface WorkflowStep {
  name?: string;
  approvers?: string[];
  mode?: StepMode;
  groups?: ApproverGroup[];
  rejectPolicy?: RejectPolicy;
  /** default true: one person fills at most one slot of the step */
  distinctAcrossGroups?: boolean;
}

/** SPEC 2.3a separation of duties (absent = none of it, beyond the submitter rule). */
export interface SodSettings {
  excludeEditors: 'none' | 'last_editor' | 'since_last_approval';
  distinctAcrossSteps: boolean;
  changeSetMinDistinctApprovers: number;
}

/** One save of a workflow (who, when): lets a pending approval tell whether its submitter edited the workflow since submitting (SPEC 2.3a). */
export interface WorkflowEdit {
  by: string;
  at: number;
}

export interface Workflow {
  id: string;
  spaceId: string;
  name: string;
  enabled: boolean;
  steps: WorkflowStep[];
  owners: string[];
  allowSelfApproval: boolean;
  /** SPEC 2.7: null/absent = no recertification; see src/core/lifecycle/review.ts */
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
}

export interface PageApproval {
  id: string;
  pageId: string;
  spaceId: string;
  pageVersion: number;
  workflowId: string;
  /** review and reminder settings travel in the snapshot: an approval keeps the terms it was decided under */
  workflowSnapshot: Pick<Workflow, 'id' | 'name' | 'steps' | 'allowSelfApproval' | 'version' | 'reviewPeriodDays' | 'reminderWindowDays' | 'remindAfterDays' | 'sod'>;
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
  decidedAt?: number;
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
  /** latest approval of the page (any status), if any */
  latestApproval?: PageApproval;
  /** the pending approval with its active step and the approvers of that step (groups expanded) */
  pending?: PendingStepView;
}

/** The active step of a pending approval as status answers show it (SPEC 2.1a: per-group progress). */
export interface PendingStepView {
  approval: PageApproval;
  activeStep: number;
  stepName?: string;
  /** everyone who may still act on the step (groups expanded) */
  approvers: string[];
  /** only for a single-group step of "any" or "all" */
  mode?: StepMode;
  groups: { key: string; name: string; required: number; approvedBy: string[]; waitingFor: string[] }[];
  /** the groups nobody eligible now can fill any more (emptied groups, removed people, SoD): the approval cannot complete */
  stuck?: { group: string; required: number; eligible: string[] }[];
}

/** A queue row (SPEC 2.1a): the pending approval with its active step's per-group progress. */
export type QueueItem = PageApproval & { groups: PendingStepView['groups'] };

/** Change-set roll-up states in SPEC 2.5 precedence order (first match wins); the one list everything uses. */
export const ROLLUP_STATES = ['stale', 'has_rejections', 'all_approved', 'partially_approved', 'in_review', 'open'] as const;
export type RollupState = (typeof ROLLUP_STATES)[number];

export function isRollupState(value: string): value is RollupState {
  return (ROLLUP_STATES as readonly string[]).includes(value);
}

export const PAGE_APPROVAL_STATES = ['draft', 'in_approval', 'approved', 'changes_requested'] as const;
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export const STEP_MODES = ['any', 'all'] as const;
export const CHANGE_SET_STATUSES = ['open', 'archived'] as const;
export const SOURCES = ['ui', 'api'] as const;

export interface ChangeSetPageView {
  pageId: string;
  title: string;
  currentPageVersion: number | null;
  approvedAtVersion: number | null;
  isStale: boolean;
  versionDelta: number;
  approvalStatus: PageApprovalState | 'not_found';
  approvalId: string | null;
  reviewState: ReviewState | null;
  reviewDueAt: number | null;
}

export interface ChangeSet {
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
  rollupState: RollupState;
  pages: ChangeSetPageView[];
}

export interface EligibilityIssue {
  code: string;
  reason: string;
}

export interface PreflightResult {
  pageId: string;
  canSubmit: boolean;
  workflowId?: string;
  code?: string;
  reason?: string;
  warnings?: EligibilityIssue[];
  /** NO_ELIGIBLE_APPROVER: each group left short, with whom separation of duties excluded (SPEC 2.3a) */
  details?: { step: number; group: string; required: number; excluded: string[] }[];
}

export interface SubmitResult {
  pageId: string;
  success: boolean;
  workflowId?: string;
  approvalId?: string;
  code?: string;
  reason?: string;
}

/** Every audit action; the one list the engine, the audit schemas, the resolvers and the UI share. */
export const AUDIT_ACTIONS = [
  'workflow.created',
  'workflow.updated',
  'workflow.deleted',
  'workflow.enabled',
  'workflow.disabled',
  'workflow.imported',
  'approval.submitted',
  'approval.approved',
  'approval.rejected',
  'approval.step_completed',
  'approval.cancelled',
  'approval.reset',
  'changeset.created',
  'changeset.updated',
  'changeset.archived',
  'changeset.submitted',
  'assignment.changed',
  'access.denied',
  'audit.purged',
  'review.due',
  'review.expired',
  'reminder.sent',
  'approval.stuck',
  'assignment.cleared',
  'approval.purged',
  'retention.updated',
  'delegation.created',
  'delegation.revoked',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

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
