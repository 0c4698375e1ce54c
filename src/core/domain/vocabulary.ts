/**
 * The one vocabulary for approval states (SPEC §6): not requested, in approval, approved, changes
 * requested, cancelled, stale, review due, review expired. Lozenges, the byline, history, the
 * queue, exports and the app's comments all take their words from here, so one state never has two
 * names. Pure: the UI imports it too.
 */
import type { ApprovalStatus, PageApprovalState, ReviewState } from './model';

export type StateWord = 'not_requested' | 'in_approval' | 'approved' | 'changes_requested' | 'cancelled' | 'stale' | 'review_due' | 'review_expired';

/** As a label (lozenge, column value, heading). */
export const STATE_LABEL: Record<StateWord, string> = {
  not_requested: 'Not requested',
  in_approval: 'In approval',
  approved: 'Approved',
  changes_requested: 'Changes requested',
  cancelled: 'Cancelled',
  stale: 'Stale',
  review_due: 'Review due',
  review_expired: 'Review expired',
};

/** As it reads inside a sentence ("Approval: in approval"). */
export const stateInSentence = (word: StateWord): string => STATE_LABEL[word].toLowerCase();

/** The page state of SPEC 2.4 (with its stale flag) as one word: a stale approval is "stale", not "approved". */
export function pageStateWord(state: PageApprovalState, isStale = false): StateWord {
  if (state === 'approved' && isStale) return 'stale';
  return { draft: 'not_requested', in_approval: 'in_approval', approved: 'approved', changes_requested: 'changes_requested' }[state] as StateWord;
}

/** One approval's status (history, exports): pending is "in approval", rejected is "changes requested". */
export function approvalStatusWord(status: ApprovalStatus): StateWord {
  return ({ pending: 'in_approval', approved: 'approved', rejected: 'changes_requested', cancelled: 'cancelled' } as const)[status];
}

/** The review state of SPEC 2.7; a current review has no word of its own (the page is simply approved). */
export function reviewStateWord(state: ReviewState | null): StateWord | undefined {
  if (state === 'due') return 'review_due';
  if (state === 'expired') return 'review_expired';
  return undefined;
}

/** "+2 versions since approval": the stale detail, short enough for a lozenge's width. */
export function staleDetail(versionDelta: number): string {
  return `${versionDelta} newer version${versionDelta === 1 ? '' : 's'} since approval`;
}
