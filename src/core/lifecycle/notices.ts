/** Texts of the comments the daily job posts (storage format). Every body carries its task reference. */
import type { PageApproval } from '../domain/model';
import type { Cover } from '../domain/delegation-cover';
import { coverParagraph } from '../services/notifications';
import { refLine } from '../services/comments';
import { escapeXml, mention } from '../domain/storage-format';
import { STATE_LABEL } from '../domain/vocabulary';
import { UNAVAILABLE_WORDS } from '../domain/approver-availability';
import type { StuckGroup } from '../services/step-progress';

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function reviewNoticeBody(approval: PageApproval, kind: 'review-due' | 'review-expired', reviewDueAt: number, people: string[], ref: string, others = false): string {
  const workflow = escapeXml(approval.workflowSnapshot.name);
  const approvedOn = day(approval.decidedAt ?? approval.submittedAt);
  const head =
    kind === 'review-due'
      ? `<p><strong>${STATE_LABEL.review_due}</strong>: version ${approval.pageVersion} was approved on ${approvedOn} (workflow ${workflow}); its approval expires on ${day(reviewDueAt)}. Please request approval again to recertify it.</p>`
      : `<p><strong>${STATE_LABEL.review_expired}</strong>: the approval of version ${approval.pageVersion} (${approvedOn}, workflow ${workflow}) expired on ${day(reviewDueAt)}. Please request approval again.</p>`;
  return head + (people.length > 0 ? `<p>${people.map(mention).join(' ')}${others ? ' and others' : ''}</p>` : '') + refLine(ref);
}

/** `others`: a big group was named to its first people (issue 23). */
export function reminderBody(approval: PageApproval, n: number, waitingSince: number, approvers: string[], admins: string[] | undefined, ref: string, cover: Cover[] = [], others = false): string {
  const step = approval.workflowSnapshot.steps[approval.activeStep];
  const stepLabel = `step ${approval.activeStep + 1}${step?.name ? ` (${escapeXml(step.name)})` : ''}`;
  const parts = [`<p><strong>Reminder ${n}</strong>: version ${approval.pageVersion} has been waiting at ${stepLabel} since ${day(waitingSince)}.</p>`];
  if (approvers.length > 0) parts.push(`<p>Waiting for: ${approvers.map(mention).join(' ')}${others ? ' and others' : ''}</p>`, ...coverParagraph(cover));
  if (admins) parts.push(`<p>Escalated to the space admins: ${admins.length > 0 ? admins.map(mention).join(' ') : '(none found)'}</p>`);
  parts.push(refLine(ref));
  return parts.join('');
}

/** To the space admins: the active step can no longer complete with the people eligible now (SPEC 2.8). */
export function stuckBody(approval: PageApproval, groups: StuckGroup[], admins: string[], ref: string): string {
  const step = approval.workflowSnapshot.steps[approval.activeStep];
  const stepLabel = `step ${approval.activeStep + 1}${step?.name ? ` (${escapeXml(step.name)})` : ''}`;
  const nameOf = (key: string): string => escapeXml(step?.groups?.find((g) => g.key === key)?.name ?? key);
  // The mention renders the person's name; the cause is what an admin fixes.
  const gone = (g: StuckGroup): string => (g.unavailable?.length ? `; can no longer approve: ${g.unavailable.map((u) => `${mention(u.accountId)} (${UNAVAILABLE_WORDS[u.cause]})`).join(', ')}` : '');
  const lines = groups.map((g) => `<li>${nameOf(g.group)} needs ${g.required}; eligible now: ${g.eligible.length > 0 ? g.eligible.map(mention).join(' ') : 'nobody'}${gone(g)}</li>`);
  return [
    `<p><strong>Approval stuck</strong>: version ${approval.pageVersion} cannot complete ${stepLabel}; nobody eligible can give the approvals it still needs.</p>`,
    `<ul>${lines.join('')}</ul>`,
    `<p>Space admins, please change the workflow or its groups, or reset the approval: ${admins.length > 0 ? admins.map(mention).join(' ') : '(none found)'}</p>`,
    refLine(ref),
  ].join('');
}
