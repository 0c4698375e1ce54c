/**
 * Domain records (SPEC §2, §5). These TypeScript types are the contract between the engine and its
 * transports (REST handlers, resolvers, UI). zod schemas that re-validate them when read from storage
 * live beside the engine (src/core/domain/schemas.ts) and MUST stay equivalent to these types.
 */

export type StepMode = (typeof STEP_MODES)[number];

export type ReviewPeriodDays = 90 | 180 | 365;
export type ReviewState = 'current' | 'due' | 'expired';

export interface WorkflowStep {
  name?: string;
  /** account ids, or group ids written as "group:<groupId>" (expanded at decision time) */
  approvers: string[];
  mode: StepMode;
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
}

export interface PageApproval {
  id: string;
  pageId: string;
  spaceId: string;
  pageVersion: number;
  workflowId: string;
  /** review and reminder settings travel in the snapshot: an approval keeps the terms it was decided under */
  workflowSnapshot: Pick<Workflow, 'id' | 'name' | 'steps' | 'allowSelfApproval' | 'version' | 'reviewPeriodDays' | 'reminderWindowDays' | 'remindAfterDays'>;
  status: ApprovalStatus;
  /** 0-based index into workflowSnapshot.steps */
  activeStep: number;
  decisions: Decision[];
  submittedBy: string;
  submittedAt: number;
  source: 'ui' | 'api';
  clientId?: string;
  changeSetId?: string;
  /** how the workflow was decided at submit (SPEC 2.2a); absent on approvals submitted before routing rules */
  routedBy?: RoutedBy;
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
  /** how the latest approval's workflow was decided (SPEC 2.2a), when it was recorded */
  routedBy?: RoutedBy;
  /** the pending approval with its active step and the approvers of that step (groups expanded) */
  pending?: { approval: PageApproval; activeStep: number; stepName?: string; approvers: string[]; mode: StepMode };
}

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

/** How a page's workflow was decided (SPEC 2.2a): preflight reports it. */
export type RoutedBy = { kind: 'assignment' } | { kind: 'rule'; ruleId: string } | { kind: 'default' };

export interface PreflightResult {
  pageId: string;
  canSubmit: boolean;
  workflowId?: string;
  code?: string;
  reason?: string;
  warnings?: EligibilityIssue[];
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
  'assignment.cleared',
  'approval.purged',
  'retention.updated',
  'routing.updated',
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
