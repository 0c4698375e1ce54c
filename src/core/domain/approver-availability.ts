/**
 * Why a named approver can no longer approve (issue 19): a deactivated account, an account the site
 * no longer has (deleted, or unknown to Confluence), or, for a pending approval, no view of the page.
 * Such people are left out of "who can still fill this group" at submit and by the stuck detector.
 */
export type UnavailableCause = 'deactivated' | 'removed' | 'cannot_view';

export interface UnavailableApprover {
  accountId: string;
  cause: UnavailableCause;
}

/** Human words for a cause (comments, warnings). */
export const UNAVAILABLE_WORDS: Record<UnavailableCause, string> = {
  deactivated: 'account deactivated',
  removed: 'no longer on the site',
  cannot_view: 'cannot view the page',
};

/** The unavailable people among `people`, in their order. */
export function unavailableAmong(people: string[], unavailable: ReadonlyMap<string, UnavailableCause>): UnavailableApprover[] {
  return people.flatMap((accountId) => {
    const cause = unavailable.get(accountId);
    return cause ? [{ accountId, cause }] : [];
  });
}
