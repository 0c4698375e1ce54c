/**
 * Page comments that tell people what to do next (SPEC 6): a submission posts a footer comment that
 * @mentions only the active step's approvers; decisions are replies to it, @mentioning whoever must
 * act next (the next step's approvers, or the submitter after a rejection). This module writes their
 * texts; they are posted after the change has committed, through the one comment path
 * (services/comments.ts); a failed post never undoes the approval.
 */
import { signatureManifestation } from '../domain/manifestation';
import type { ChangeSet, PageApproval } from '../domain/model';
import type { GroupProgress } from '../domain/step-composition';
import { progressLine } from '../domain/step-composition';
import { changeSetSchema, parseStored } from '../domain/schemas';
import { escapeXml, mention } from '../domain/storage-format';
import { activeStepOf } from '../domain/approvers';
import type { Cover } from '../domain/delegation-cover';
import { actingPeople } from '../domain/delegation-cover';
import { SUBMISSION_FOLLOW_UP_BATCH } from '../ports/jobs';
import type { Job } from '../ports/jobs';
import type { EngineContext } from './context';
import { readApprovals, type StoredApproval } from './approvals/stored';
import { getManyByKey } from './store-reads';
import { activeStepProgress, waitingFor } from './step-progress';
import { GroupListing } from './group-listing';
import { waitingCover, withCover } from './delegations/cover';
import { keys } from './keys';
import { STATE_LABEL, approvalStatusWord } from '../domain/vocabulary';
import { postComment } from './comments';
import { followUpOf, recordSubmissionComments, submissionCommentKeys, submissionCommentOf, type PostedComment } from './submission-comments';
import type { StoredItem } from '../ports/store';

function stepLabel(approval: PageApproval): string {
  const step = activeStepOf(approval);
  const n = approval.activeStep + 1;
  return step.name ? `step ${n} (${escapeXml(step.name)})` : `step ${n}`;
}

const untilDay = (iso: string): string => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "@Carol is away until 12 Dec 2026; @Dave covers." once per delegation that changes who acts (SPEC 2.3b). */
export function coverParagraph(cover: Cover[]): string[] {
  return cover.map((c) => `<p>${mention(c.delegator)} is away until ${untilDay(c.endsAt)}; ${mention(c.delegate)} ${c.mode === 'replace' ? 'covers' : 'also covers'}.</p>`);
}

/** "Legal 1/1 ✓ · Security 1/2, waiting for @Dave, @Erin" (SPEC 2.1a), for steps of more than one group or a count. */
export function progressParagraph(approval: PageApproval, groups: GroupProgress[]): string[] {
  const [only] = groups;
  if (!only || (groups.length === 1 && activeStepOf(approval).mode !== undefined)) return [];
  return [`<p>${progressLine(groups.map((g) => ({ ...g, name: escapeXml(g.name) })), mention)}</p>`];
}

/** A big group is named to its first people (issue 23): the comment says the list goes on. */
const andOthers = (groups: GroupProgress[]): string => (groups.some((g) => g.waitingForMore) ? ' and others' : '');

export function submissionBody(approval: PageApproval, approvers: string[], changeSet?: ChangeSet, groups: GroupProgress[] = [], cover: Cover[] = []): string {
  const parts = [
    `<p><strong>${STATE_LABEL.in_approval}</strong>: approval requested for version ${approval.pageVersion} ` +
      `(workflow ${escapeXml(approval.workflowSnapshot.name)}, ${stepLabel(approval)}).</p>`,
    `<p>Approvers: ${actingPeople(approvers, cover).map(mention).join(' ')}${andOthers(groups)}</p>`,
    ...coverParagraph(cover),
    ...progressParagraph(approval, withCover(groups, cover)),
  ];
  if (changeSet) {
    parts.push(`<p>Change set: <strong>${escapeXml(changeSet.title)}</strong></p>`);
    if (changeSet.summary) parts.push(`<p>${escapeXml(changeSet.summary)}</p>`);
    if (changeSet.referenceUrl) parts.push(`<p><a href="${escapeXml(changeSet.referenceUrl)}">${escapeXml(changeSet.referenceUrl)}</a></p>`);
  }
  return parts.join('');
}

/**
 * `what` is a sentence fragment ("step 1 is approved") after the approval's state in the one
 * vocabulary ("In approval: step 1 is approved."); the decider is in the audit trail, not @mentioned.
 */
export function decisionBody(approval: PageApproval, what: string, comment: string | undefined, nextApprovers: string[], groups: GroupProgress[] = [], cover: Cover[] = []): string {
  const parts = [`<p><strong>${STATE_LABEL[approvalStatusWord(approval.status)]}</strong>: ${escapeXml(what)}.</p>`];
  const last = approval.decisions.at(-1);
  // SPEC 2.3b: a delegate's decision says whose slot it filled
  if (last?.onBehalfOf && approval.status !== 'cancelled') parts.push(`<p>Decided by ${mention(last.accountId)} on behalf of ${mention(last.onBehalfOf)}.</p>`);
  const signature = last?.signature;
  if (signature) parts.push(`<p>Electronically signed: ${escapeXml(signatureManifestation(signature))}</p>`);
  if (comment) parts.push(`<p>${escapeXml(comment)}</p>`);
  if (approval.status === 'rejected') {
    parts.push(`<p>${mention(approval.submittedBy)}, please update the page and request approval again.</p>`);
  }
  if (approval.status === 'pending' && nextApprovers.length > 0) {
    parts.push(`<p>Now at ${stepLabel(approval)}: ${actingPeople(nextApprovers, cover).map(mention).join(' ')}${andOthers(groups)}</p>`, ...coverParagraph(cover));
  }
  if (approval.status === 'pending') parts.push(...progressParagraph(approval, withCover(groups, cover)));
  return parts.join('');
}

/**
 * The follow-up jobs of a submission, run after the request has answered: the submission comments,
 * at most SUBMISSION_FOLLOW_UP_BATCH approvals per job, the approvals of one `followUp` in one job
 * (so it records their comment ids in one write), the first also linking the audit records
 * (`sequenceAudit`: something was committed).
 */
export function submissionJobs(approvals: Pick<PageApproval, 'id' | 'followUp'>[], options: { sequenceAudit: boolean }): Job[] {
  const groups = new Map<string, string[]>();
  for (const a of approvals) groups.set(followUpOf(a), [...(groups.get(followUpOf(a)) ?? []), a.id]);
  const batches: string[][] = [];
  for (const ids of groups.values()) {
    const last = batches.at(-1);
    if (last && last.length + ids.length <= SUBMISSION_FOLLOW_UP_BATCH) last.push(...ids);
    else for (let i = 0; i < ids.length; i += SUBMISSION_FOLLOW_UP_BATCH) batches.push(ids.slice(i, i + SUBMISSION_FOLLOW_UP_BATCH));
  }
  const jobs: Job[] = batches.map((approvalIds, i) => ({ kind: 'submission.followUp', approvalIds, sequenceAudit: options.sequenceAudit && i === 0 }));
  if (jobs.length === 0 && options.sequenceAudit) jobs.push({ kind: 'audit.sequence' });
  return jobs;
}

/**
 * The `notify.submitted` job: post the approval's submission comment and record its id (the
 * record makes the job idempotent: a redelivered job finds it and posts nothing). A failed post
 * throws, so the queue retries.
 */
export async function postSubmissionComment(ctx: EngineContext, approvalId: string): Promise<void> {
  const reads = await readSubmissions(ctx, [approvalId]);
  const posted = await postSubmissionCommentUnrecorded(ctx, approvalId, reads);
  if (posted) await recordPosted(ctx, reads, [posted]);
}

/** What submission follow-ups read before posting: the approvals, their comment-id records, their change sets, one group listing. */
export interface SubmissionReads {
  approvals: Map<string, StoredApproval>;
  /** the items of submissionCommentKeys: which comments are posted already */
  records: Map<string, StoredItem>;
  changeSets: Map<string, ChangeSet>;
  /** shared by the job's approvals: a group is listed once, however many pages wait on it */
  listing: GroupListing;
}

/** All of it for a whole follow-up job at once: the approvals, then their comment records and change sets in one batched read. */
export async function readSubmissions(ctx: EngineContext, approvalIds: string[]): Promise<SubmissionReads> {
  const approvals = await readApprovals(ctx, approvalIds);
  const stored = [...approvals.values()].map((s) => s.approval);
  const setKeys = [...new Set(stored.flatMap((a) => (a.changeSetId ? [keys.changeSet(a.changeSetId)] : [])))];
  const records = await getManyByKey(ctx.store, [...submissionCommentKeys(stored), ...setKeys]);
  const changeSets = new Map(setKeys.flatMap((key) => { const item = records.get(key); return item ? [parseStored(changeSetSchema, item.key, item.value)] : []; }).map((cs) => [cs.id, cs]));
  return { approvals, records, changeSets, listing: new GroupListing(ctx) };
}

/** Posts the approval's submission comment unless its id is recorded (or the approval is gone); the caller records it (recordPosted). */
export async function postSubmissionCommentUnrecorded(ctx: EngineContext, approvalId: string, reads: SubmissionReads): Promise<PostedComment | undefined> {
  const approval = reads.approvals.get(approvalId)?.approval;
  if (!approval || submissionCommentOf(approval, reads.records) !== undefined) return undefined; // purged meanwhile, or already posted
  const changeSet = approval.changeSetId ? reads.changeSets.get(approval.changeSetId) : undefined;
  const first = { ...approval, activeStep: 0 };
  const groups = await activeStepProgress(ctx, first, reads.listing);
  const cover = await waitingCover(ctx, first, waitingFor(groups));
  const commentId = await postComment(ctx, { pageId: approval.pageId, body: submissionBody(first, waitingFor(groups), changeSet, groups, cover) });
  return commentId === undefined ? undefined : { approvalId, pageId: approval.pageId, commentId };
}

/** Records posted comment ids: one write per follow-up record (one per job, as jobs are cut). */
export async function recordPosted(ctx: EngineContext, reads: SubmissionReads, posted: PostedComment[]): Promise<void> {
  const byFollowUp = new Map<string, PostedComment[]>();
  for (const p of posted) {
    const followUp = followUpOf(reads.approvals.get(p.approvalId)!.approval);
    byFollowUp.set(followUp, [...(byFollowUp.get(followUp) ?? []), p]);
  }
  await Promise.all([...byFollowUp].map(([followUp, group]) => recordSubmissionComments(ctx, followUp, group, reads.records.get(keys.submissionComments(followUp)))));
}
