/**
 * Page comments that tell people what to do next (SPEC 6): a submission posts a footer comment that
 * @mentions only the active step's approvers; decisions are replies to it, @mentioning whoever must
 * act next (the next step's approvers, or the submitter after a rejection). Posted AFTER the change has
 * committed: a failed notification is logged (ids and a code only) and never undoes the approval.
 */
import type { ChangeSet, PageApproval } from '../domain/model';
import { commentRefSchema, parseStored } from '../domain/schemas';
import { activeStepOf, expandApprovers } from '../domain/approvers';
import { STORE_LIMITS } from '../ports/store';
import type { TxOp } from '../ports/store';
import type { EngineContext } from './context';
import { expandGroups } from './page-context';
import { keys } from './keys';

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function mention(accountId: string): string {
  return `<ac:link><ri:user ri:account-id="${escapeXml(accountId)}"/></ac:link>`;
}

function stepLabel(approval: PageApproval): string {
  const step = activeStepOf(approval);
  const n = approval.activeStep + 1;
  return step.name ? `step ${n} (${escapeXml(step.name)})` : `step ${n}`;
}

export function submissionBody(approval: PageApproval, approvers: string[], changeSet?: ChangeSet): string {
  const parts = [
    `<p>Approval requested for version ${approval.pageVersion} ` +
      `(workflow ${escapeXml(approval.workflowSnapshot.name)}, ${stepLabel(approval)}).</p>`,
    `<p>Approvers: ${approvers.map(mention).join(' ')}</p>`,
  ];
  if (changeSet) {
    parts.push(`<p>Change set: <strong>${escapeXml(changeSet.title)}</strong></p>`);
    if (changeSet.summary) parts.push(`<p>${escapeXml(changeSet.summary)}</p>`);
    if (changeSet.referenceUrl) parts.push(`<p><a href="${escapeXml(changeSet.referenceUrl)}">${escapeXml(changeSet.referenceUrl)}</a></p>`);
  }
  return parts.join('');
}

/** `what` is a sentence fragment ("step 1 is approved"); the decider is in the audit trail, not @mentioned. */
export function decisionBody(approval: PageApproval, what: string, comment: string | undefined, nextApprovers: string[]): string {
  const parts = [`<p>${escapeXml(what.charAt(0).toUpperCase() + what.slice(1))}.</p>`];
  if (comment) parts.push(`<p>${escapeXml(comment)}</p>`);
  if (approval.status === 'rejected') {
    parts.push(`<p>${mention(approval.submittedBy)}, please update the page and request approval again.</p>`);
  }
  if (approval.status === 'pending' && nextApprovers.length > 0) {
    parts.push(`<p>Now at ${stepLabel(approval)}: ${nextApprovers.map(mention).join(' ')}</p>`);
  }
  return parts.join('');
}

export async function activeApprovers(ctx: EngineContext, approval: PageApproval): Promise<string[]> {
  const step = activeStepOf(approval);
  const cache = new Map<string, string[]>();
  await expandGroups(ctx, step.approvers.filter((a) => a.startsWith('group:')).map((a) => a.slice(6)), cache);
  return expandApprovers(step, cache);
}

/** Post the submission comments (bounded parallelism) and remember their ids for the replies. */
export async function notifySubmissions(ctx: EngineContext, items: { approval: PageApproval; changeSet?: ChangeSet }[]): Promise<void> {
  const refs: TxOp[] = [];
  const CONCURRENCY = 10;
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    await Promise.all(
      items.slice(i, i + CONCURRENCY).map(async ({ approval, changeSet }) => {
        try {
          const approvers = await activeApprovers(ctx, approval);
          const commentId = await ctx.confluence.createPageComment({ pageId: approval.pageId, bodyStorage: submissionBody(approval, approvers, changeSet) });
          refs.push({ op: 'put', key: keys.approvalComment(approval.id), value: { commentId } });
        } catch {
          ctx.log('submission notification failed', { approvalId: approval.id, pageId: approval.pageId });
        }
      }),
    );
  }
  for (let i = 0; i < refs.length; i += STORE_LIMITS.maxTransactionOps) {
    try {
      await ctx.store.transact(refs.slice(i, i + STORE_LIMITS.maxTransactionOps));
    } catch {
      ctx.log('could not store notification comment ids', { count: refs.length });
    }
  }
}

/** Reply to the submission comment (or post a new comment when there is none). */
export async function notifyDecision(ctx: EngineContext, approval: PageApproval, commentRef: unknown, body: string): Promise<void> {
  try {
    const parent = commentRef ? parseStored(commentRefSchema, keys.approvalComment(approval.id), commentRef).commentId : undefined;
    await ctx.confluence.createPageComment({ pageId: approval.pageId, bodyStorage: body, ...(parent ? { parentCommentId: parent } : {}) });
  } catch {
    ctx.log('decision notification failed', { approvalId: approval.id, pageId: approval.pageId });
  }
}
