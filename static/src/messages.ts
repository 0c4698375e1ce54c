/**
 * What a person reads instead of a stable code (SPEC §6: codes are for integrations, not people).
 * The server's reasons stay the contract of the API; the UI words them for the reader.
 */
const REASONS: Record<string, string> = {
  NO_WORKFLOW: 'No workflow applies to this page yet. Choose one below.',
  PENDING_APPROVAL: 'This page is already waiting for approval.',
  PAGE_NOT_FOUND: 'This page was deleted, or you cannot see it.',
  PAGE_NOT_PUBLISHED: 'Drafts cannot be submitted. Publish the page first.',
  NO_EDIT_PERMISSION: 'Only people who can edit this page can request approval.',
  WORKFLOW_DISABLED: 'The workflow for this page is turned off, and no other workflow applies.',
  ALREADY_APPROVED: 'This version is already approved; there is nothing to approve.',
  WRONG_SPACE: 'This page is in another space.',
  NO_ELIGIBLE_APPROVER: 'The workflow has a step with nobody but you to approve it.',
  WORKFLOW_NOT_ASSIGNED: 'This page is assigned to a different workflow.',
  ROUTING_INCOMPLETE: 'Some of this page\'s labels or parent pages cannot be read with your access, so the space\'s routing rules cannot pick its workflow. Ask a space admin to assign one.',
  WORKFLOW_NOT_FOUND: 'That workflow no longer exists in this space.',
  APPROVAL_NOT_PENDING: 'Someone else already finished this approval. The panel now shows the latest state.',
  ALREADY_DECIDED: 'You already decided on this step.',
  VERSION_CONFLICT: 'Someone else changed this meanwhile. The view now shows their version; make your change again.',
  FORBIDDEN: 'You do not have permission to do this.',
  CHANGE_SET_NOT_FOUND: 'This change set was removed, or you cannot see it.',
  CHANGE_SET_ARCHIVED: 'This change set is archived and can no longer be changed.',
  WORKFLOW_HAS_PENDING: 'This workflow still has pending approvals; it can be deleted once they finish.',
};

/** The human sentence for a code, else the server's own message (already a sentence). */
export function humanReason(code: string | undefined, fallback: string | undefined): string {
  return (code && REASONS[code]) || fallback || 'Something went wrong.';
}

/** Codes that mean "the data you look at is out of date": the view reloads itself. */
export const STALE_CODES = new Set(['APPROVAL_NOT_PENDING', 'ALREADY_DECIDED', 'VERSION_CONFLICT', 'PENDING_APPROVAL']);
