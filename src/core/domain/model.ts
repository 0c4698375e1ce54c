/**
 * Domain records (SPEC §2, §5). These TypeScript types are the contract between the engine and its
 * transports (REST handlers, resolvers, UI). zod schemas that re-validate them when read from storage
 * live beside the engine (src/core/domain/schemas.ts) and MUST stay equivalent to these types.
 */
import type { Staleness, StalenessTerms } from './staleness-model';

export * from './staleness-model';

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
  /** SPEC 2.3c: decisions of this step are electronically signed */
  signature?: StepSignature;
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

export const SIGNATURE_AUTH = ['pin', 'totp', 'pin_or_totp'] as const;
export type SignatureAuth = (typeof SIGNATURE_AUTH)[number];
export const CREDENTIAL_TYPES = ['pin', 'totp'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** SPEC 2.3c step settings: `required` makes every decision of the step (rejections too) signed. */
export interface StepSignature {
  required: boolean;
  auth: SignatureAuth;
  meanings: { code: string; label: string }[];
}

/** SPEC 2.3c: what a signed decision keeps (§11.50 manifestation, §11.70 link to the record). */
export interface DecisionSignature {
  meaning: string;
  meaningLabel: string;
  /** display name at signing; later renames do not change it */
  printedName: string;
  /** set when a delegate signed for someone: that person's display name at signing */
  onBehalfOfName?: string;
  signedAt: number;
  authMethod: CredentialType;
  pageVersion: number;
  contentHash?: string;
}

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
  version: number;
}

export interface ChangeSet {
  /** SPEC 2.5a; absent = per_page */
  approvalMode?: ApprovalMode;
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
  /** SPEC 2.5a: the set's latest set approval (atomic mode) */
  setApproval?: SetApproval;
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
  'approval.stale',
  'approval.fresh_again',
  'page.restored',
  'changeset.decided',
  'changeset.approved',
  'changeset.rejected',
  'changeset.invalidated',
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
  'delegation.created',
  'delegation.revoked',
  'signature.enrolled',
  'signature.enrollment_started',
  'signature.failed',
  'signature.reset',
  'evidence.exported',
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
