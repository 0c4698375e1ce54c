/**
 * What each resolver key returns on success (the envelope's data part). The Custom UI client
 * (static/src/api.ts) types its calls with this, so the UI and the resolvers cannot drift apart.
 */
import type { AnalyticsCards, DayBucket, WorkflowStats } from '../../core/analytics/summary';
import type { RetentionSettings, ReviewQueueItem, RunSummary, TreeRow } from '../../core/lifecycle/types';
import type {
  AuditRecord,
  ChangeSetView,
  PageApproval,
  QueueItem,
  PageStateView,
  PreflightResult,
  SetApproval,
  SubmitResult,
  Workflow,
} from '../../core/domain/model';
import type { ResolverKey } from './schemas';
import type { DirectoryEntry } from '../../core/ports/directory';
import type { PageCapabilities, SpaceCapabilities } from '../../core/services/engine';
import type { PageDiff } from '../../core/services/content/diff';
import type { RestoreResult } from '../../core/services/content/restore';
import type { SetReviewPreview } from '../../core/services/changesets/atomic/preview';
import type { DiagnosticsSummary } from '../diagnostics/diagnostics-log';
import type { ErrorDetail } from '../../core/domain/errors';
import type { DecisionPreview } from '../../core/domain/decisions';
import type { Delegation } from '../../core/domain/delegation';
import type { VerifyResult } from '../../core/audit/verify';
import type { VerifyJobStatus } from '../../core/audit/verify-job';
import type { SignatureStatus } from '../../core/signatures/status';
import type { EvidenceChunk } from '../../core/domain/evidence-pack-format';
import type { PublishedKey } from '../../core/evidence/installation-key';
import type { RoutingRulesView } from '../../core/services/routing/list';
import type { ImportPreview, WorkflowDocument } from '../../core/services/workflows/document';
import type { RoutingExplanation } from '../../core/services/routing/explain';
import type { LabelBridgeView } from '../../core/services/automation/get-labels';

export type { ErrorDetail };

/** `retryAfter` (seconds) accompanies RATE_LIMITED and UPSTREAM_UNAVAILABLE, as Retry-After does over REST. */
export type ResolverFailure = { success: false; error: string; code: string; details?: ErrorDetail[]; retryAfter?: number; attemptsLeft?: number };

export interface AdminCapabilities {
  readAudit: boolean;
  verifyChain: boolean;
  exportAudit: boolean;
  rotateSigningKey: boolean;
}

export interface ApiInfo {
  baseUrls: string[];
  scopes: { name: string; description: string }[];
  platformScope: string;
  enableSteps: string[];
}

export interface AnalyticsSummary {
  spaceId: string;
  /** the inclusive UTC date range the numbers cover (YYYY-MM-DD) */
  from: string;
  to: string;
  workflowId?: string;
  /** the space's workflows, for the filter */
  workflows: { id: string; name: string }[];
  cards: AnalyticsCards;
  /** false when more pages are due than one invocation counts: due and expired are lower bounds */
  reviewCountsComplete: boolean;
  /** one entry per UTC day of the range, oldest first */
  perDay: DayBucket[];
  byWorkflow: WorkflowStats[];
  medianHoursToDecision: number | null;
  /** false when the caller may not read the space's audit trail: outcome cards are null, trend and comparison empty */
  auditAvailable: boolean;
  /** true when the range held more audit records than one invocation reads: the oldest were not counted */
  truncated: boolean;
  changeSetsByRollup: Record<string, number>;
}

export interface ResolverData {
  'context.me': { accountId: string; moduleKey?: string; pageId?: string; spaceId?: string };
  'api.info': ApiInfo;
  'admin.diagnostics': DiagnosticsSummary;
  /** display name by account id; unknown ids are absent */
  'people.names': { names: Record<string, string> };
  'page.status': { status: PageStateView };
  /** each list is its first page; the *NextCursor values continue it with page.history, page.changeSets, workflow.list */
  'page.overview': {
    status: PageStateView;
    history: PageApproval[];
    historyNextCursor?: string;
    changeSets: ChangeSetView[];
    changeSetsNextCursor?: string;
    workflows: Workflow[];
    workflowsNextCursor?: string;
  };
  'page.history': { approvals: PageApproval[]; nextCursor?: string };
  'page.changeSets': { changeSets: ChangeSetView[]; nextCursor?: string };
  'page.preflight': { result: PreflightResult };
  'page.diff': { diff: PageDiff };
  'changeset.decide': { setApproval: SetApproval };
  'changeset.decisionPreview': SetReviewPreview;
  'page.restore': { restore: RestoreResult };
  'ui.capabilities':
    | { surface: 'page'; page: PageCapabilities }
    | { surface: 'space'; space: SpaceCapabilities }
    | { surface: 'admin'; admin: AdminCapabilities };
  'ui.changeSetCapabilities': { changeSetId: string; update: boolean; submit: boolean; archive: boolean };
  'ui.pageTitles': { pages: Record<string, { title: string; spaceId: string }>; spaces: Record<string, { key: string; name: string }>; workflows: Record<string, string> };
  'ui.search': { results: DirectoryEntry[] };
  'page.submit': { approval: PageApproval };
  'approval.decide': { approval: PageApproval };
  'approval.decisionPreview': { preview: DecisionPreview };
  'approval.cancel': { approval: PageApproval };
  'approval.reset': { pageId: string };
  'queue.list': { approvals: QueueItem[]; nextCursor?: string };
  'workflow.list': { workflows: Workflow[]; nextCursor?: string };
  'workflow.create': { workflow: Workflow };
  'workflow.update': { workflow: Workflow };
  'workflow.duplicate': { workflow: Workflow };
  'workflow.setEnabled': { workflow: Workflow };
  'workflow.delete': { workflowId: string };
  'workflow.import': { workflow: Workflow };
  'workflow.import.preview': ImportPreview;
  'workflow.export': { document: WorkflowDocument };
  'assignment.set': { pageId: string; workflowId: string | null };
  'delegation.create': { delegation: Delegation };
  'delegation.createFor': { delegation: Delegation };
  'delegation.list': { delegations: Delegation[]; nextCursor?: string };
  'delegation.revoke': { delegation: Delegation };
  'routing.rules.list': RoutingRulesView;
  'routing.rules.save': RoutingRulesView;
  'routing.explain': RoutingExplanation;
  'automation.labels.get': LabelBridgeView;
  'automation.labels.save': LabelBridgeView;
  'changeSet.list': { changeSets: ChangeSetView[]; nextCursor?: string };
  'changeSet.get': { changeSet: ChangeSetView };
  'changeSet.create': { changeSet: ChangeSetView };
  'changeSet.update': { changeSet: ChangeSetView };
  'changeSet.archive': { changeSet: ChangeSetView };
  'changeSet.preflight': { summary: { total: number; submittable: number; blocked: number }; results: PreflightResult[] };
  'changeSet.submit': { submittedCount: number; skippedCount: number; results: SubmitResult[]; setApprovalId?: string; status?: 'pending' };
  'analytics.summary': AnalyticsSummary;
  'analytics.export': { format: 'csv' | 'html'; content: string };
  'queue.review': { items: ReviewQueueItem[]; nextCursor?: string };
  'manage.tree': { items: TreeRow[]; nextCursor?: string };
  'manage.clearAssignment': { pageId: string };
  'retention.get': { settings: RetentionSettings; lastRun: RunSummary | null };
  'retention.update': { settings: RetentionSettings };
  'signature.status': SignatureStatus;
  'signature.pin.set': { enrolled: true };
  /** the otpauth URI is answered once; the seed is never readable again */
  'signature.enroll.start': { otpauthUri: string };
  'signature.enroll.confirm': { enrolled: true };
  'signature.reset': { accountId: string };
  /** one chunk; the first carries the header (manifest facts and records); join them with assemblePack */
  'evidence.export': EvidenceChunk;
  'evidence.keys': { keys: PublishedKey[] };
  /** every published key (the retired one with its validTo) and the one that signs from now on */
  'evidence.rotateKey': { keys: PublishedKey[]; current: string };
  'audit.list': { records: AuditRecord[]; nextCursor?: string };
  'audit.verify': VerifyResult;
  /** the job started, or the one already running (issue 23: verify at any size as a resumable job) */
  'audit.verifyJob.start': VerifyJobStatus;
  'audit.verifyJob.status': { job: VerifyJobStatus | null };
  /** one chunk (≤ 4,000,000 bytes); the CSV header comes with the first; join the chunks in order */
  'audit.export': { format: 'csv' | 'ndjson'; content: string; records: number; nextCursor?: string };
}

// Compile-time check that every schema key has a result type and vice versa.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const contractCoversEveryKey: Exact<keyof ResolverData, ResolverKey> = true;
