/**
 * Page approval state (SPEC 2.4) and change-set roll-up (SPEC 2.5), derived at read time from the
 * page's latest approval and its CURRENT version as Confluence reports it, so the state is correct
 * immediately after an edit without any write. The app never writes pages, so every version newer
 * than the approved one is a human edit (docs/storage.md).
 */
import type { ChangeSetPageView, PageApproval, PageApprovalState, RollupState } from './model';

/**
 * What `page-state:<pageId>` keeps of the page's latest approval (issue 23 item 4: not a full copy;
 * the approval is stored once, in its `af-approval` item): what eligibility, the byline, change-set
 * enrichment, staleness, review and stuck flags read, without steps, decisions or people. Readers
 * that need the whole approval read it by `id`. A whole approval is a PageLatest too (older states).
 */
export type PageLatest = Pick<PageApproval, 'id' | 'pageId' | 'spaceId' | 'workflowId' | 'status' | 'activeStep' | 'pageVersion' | 'version' | 'submittedAt' | 'decidedAt' | 'changeSetId' | 'followUp' | 'contentHash' | 'hashAlg'> & {
  workflowSnapshot: Pick<PageApproval['workflowSnapshot'], 'reviewPeriodDays' | 'reminderWindowDays' | 'remindAfterDays' | 'stalenessPolicy' | 'tolerance'>;
};

/** The page state's value for `approval`. */
export function pageLatestOf(approval: PageApproval): PageLatest {
  const { id, pageId, spaceId, workflowId, status, activeStep, pageVersion, version, submittedAt, decidedAt, changeSetId, followUp, contentHash, hashAlg } = approval;
  const { reviewPeriodDays, reminderWindowDays, remindAfterDays, stalenessPolicy, tolerance } = approval.workflowSnapshot;
  const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return defined({ id, pageId, spaceId, workflowId, status, activeStep, pageVersion, version, submittedAt, decidedAt, changeSetId, followUp, contentHash, hashAlg, workflowSnapshot: defined({ reviewPeriodDays, reminderWindowDays, remindAfterDays, stalenessPolicy, tolerance }) });
}

/** A page state written before it became a summary holds the whole approval. */
export const isFullApproval = (latest: PageLatest): latest is PageApproval => 'decisions' in latest;

export interface DerivedPageState {
  state: PageApprovalState;
  approvedAtVersion: number | null;
  isStale: boolean;
  versionDelta: number;
}

export function derivePageState(latest: PageLatest | undefined, currentVersion: number): DerivedPageState {
  if (!latest || latest.status === 'cancelled') {
    return { state: 'draft', approvedAtVersion: null, isStale: false, versionDelta: 0 };
  }
  if (latest.status === 'pending') return { state: 'in_approval', approvedAtVersion: null, isStale: false, versionDelta: 0 };
  if (latest.status === 'rejected') return { state: 'changes_requested', approvedAtVersion: null, isStale: false, versionDelta: 0 };
  const versionDelta = Math.max(0, currentVersion - latest.pageVersion);
  return { state: 'approved', approvedAtVersion: latest.pageVersion, isStale: versionDelta > 0, versionDelta };
}

/** First match wins, in exactly the order of SPEC 2.5. */
export function rollUp(pages: ReadonlyArray<Pick<ChangeSetPageView, 'approvalStatus' | 'isStale'>>): RollupState {
  if (pages.some((p) => p.approvalStatus === 'approved' && p.isStale)) return 'stale';
  if (pages.some((p) => p.approvalStatus === 'changes_requested')) return 'has_rejections';
  const approved = pages.filter((p) => p.approvalStatus === 'approved').length;
  if (pages.length > 0 && approved === pages.length) return 'all_approved';
  if (approved > 0) return 'partially_approved';
  if (pages.some((p) => p.approvalStatus === 'in_approval')) return 'in_review';
  return 'open';
}
