/**
 * Page approval state (SPEC 2.4) and change-set roll-up (SPEC 2.5), derived at read time from the
 * page's latest approval and its CURRENT version as Confluence reports it, so the state is correct
 * immediately after an edit without any write. The app never writes pages, so every version newer
 * than the approved one is a human edit (docs/storage.md).
 */
import type { ChangeSetPageView, PageApproval, PageApprovalState, RollupState } from './model';

export interface DerivedPageState {
  state: PageApprovalState;
  approvedAtVersion: number | null;
  isStale: boolean;
  versionDelta: number;
}

export function derivePageState(latest: PageApproval | undefined, currentVersion: number): DerivedPageState {
  if (!latest || latest.status === 'cancelled') {
    return { state: 'draft', approvedAtVersion: null, isStale: false, versionDelta: 0 };
  }
  if (latest.status === 'pending') return { state: 'in_approval', approvedAtVersion: null, isStale: false, versionDelta: 0 };
  if (latest.status === 'rejected') return { state: 'changes_requested', approvedAtVersion: null, isStale: false, versionDelta: 0 };
  const versionDelta = Math.max(0, currentVersion - latest.pageVersion);
  return { state: 'approved', approvedAtVersion: latest.pageVersion, isStale: versionDelta > 0, versionDelta };
}

/** First match wins, in exactly the order of SPEC 2.5. */
export function rollUp(pages: ChangeSetPageView[]): RollupState {
  if (pages.some((p) => p.approvalStatus === 'approved' && p.isStale)) return 'stale';
  if (pages.some((p) => p.approvalStatus === 'changes_requested')) return 'has_rejections';
  const approved = pages.filter((p) => p.approvalStatus === 'approved').length;
  if (pages.length > 0 && approved === pages.length) return 'all_approved';
  if (approved > 0) return 'partially_approved';
  if (pages.some((p) => p.approvalStatus === 'in_approval')) return 'in_review';
  return 'open';
}
