/**
 * Page comments of an atomic set approval (SPEC 2.5a and 6; docs/decisions.md "Issue 20"). The
 * submission comment goes on every member page, but only the set's first page @mentions the
 * approvers, so a person is notified once per set, not once per page; the other pages name the set.
 * A decision replies on the first page; the final outcome replies on every page. The `notify.set`
 * job posts them after the commit, once per page and event (a `set-comment` record per page).
 */
import { missingDistinctApprovers } from '../../../domain/decisions';
import type { ChangeSet, PageApproval, SetApproval } from '../../../domain/model';
import { changeSetSchema, commentRefSchema, parseStored, setApprovalSchema } from '../../../domain/schemas';
import { STATE_LABEL, approvalStatusWord } from '../../../domain/vocabulary';
import type { Job } from '../../../ports/jobs';
import type { EngineContext } from '../../context';
import { waitingCover } from '../../delegations/cover';
import { keys } from '../../keys';
import { decisionBody, submissionBody } from '../../notifications';
import { postComment, recordComments, type CommentRecord } from '../../comments';
import { escapeXml } from '../../../domain/storage-format';
import { activeStepProgress, waitingFor } from '../../step-progress';
import { getManyByKey } from '../../store-reads';
import { asPageApproval } from './resolve';

/** Comments posted at once (Confluence fan-out bound, SPEC §4). */
const PARALLEL = 5;

/** The job of one event: 0 = the submission, n = the set after its n-th decision. */
export const setNoticeJob = (setApprovalId: string, event: number): Job => ({ kind: 'notify.set', setApprovalId, event });

function setParagraph(set: SetApproval, changeSet: ChangeSet | undefined): string {
  const name = changeSet ? `<strong>${escapeXml(changeSet.title)}</strong>` : 'a change set';
  return `<p>This page is one of ${set.manifest.length} pages of ${name}, approved as one: one decision covers every page at its listed version.</p>`;
}

/** What decision `n` did, as a fragment after the state word. */
function what(set: SetApproval, n: number, final: boolean): string {
  const decision = set.decisions[n - 1]!;
  const step = decision.step + 1;
  if (decision.decision === 'reject') return final ? 'the approver asked for changes to the change set' : `a rejection was recorded (step ${step} goes on under its reject policy)`;
  if (final) return `every step is approved; all ${set.manifest.length} pages are approved as one`;
  return `an approval was recorded for step ${step}`;
}

/** "In approval: …" on a page other than the first (no @mentions). */
function memberLine(set: SetApproval, pageId: string, status: PageApproval['status'], text: string, changeSet: ChangeSet | undefined): string {
  const version = set.manifest.find((m) => m.pageId === pageId)!.pageVersion;
  return `<p><strong>${STATE_LABEL[approvalStatusWord(status)]}</strong>: ${escapeXml(text)} (this page at version ${version}).</p>${setParagraph(set, changeSet)}`;
}

async function bodies(ctx: EngineContext, set: SetApproval, event: number, final: boolean, changeSet: ChangeSet | undefined): Promise<(pageId: string) => string> {
  const lead = set.manifest[0]!.pageId;
  const current = event === set.decisions.length;
  const status: PageApproval['status'] = final ? (set.status as 'approved' | 'rejected') : 'pending';
  // the set as it was after this event (a later decision may already exist when the job runs)
  const asOf = asPageApproval({ ...set, decisions: set.decisions.slice(0, event), ...(event === 0 ? { activeStep: 0 } : {}) }, lead, status)!;
  if (event === 0) {
    const groups = await activeStepProgress(ctx, asOf);
    const cover = await waitingCover(ctx, asOf, waitingFor(groups));
    const leadBody = submissionBody(asOf, waitingFor(groups), changeSet, groups, cover) + setParagraph(set, changeSet);
    return (pageId) => (pageId === lead ? leadBody : memberLine(set, pageId, 'pending', 'approval requested for the whole change set; its approvers were asked on its first page', changeSet));
  }
  const groups = current && !final ? await activeStepProgress(ctx, asOf) : [];
  const cover = groups.length > 0 ? await waitingCover(ctx, asOf, waitingFor(groups)) : [];
  const short = missingDistinctApprovers(asOf);
  const waitsForPeople = current && !final && asOf.activeStep === asOf.workflowSnapshot.steps.length - 1 && short > 0 ? `<p>The change set needs approvals from ${short} more different ${short === 1 ? 'person' : 'people'}.</p>` : '';
  const leadBody = decisionBody(asOf, what(set, event, final), set.decisions[event - 1]?.comment, waitingFor(groups), groups, cover) + waitsForPeople;
  return (pageId) => (pageId === lead ? leadBody : memberLine(set, pageId, status, what(set, event, final), changeSet));
}

/**
 * Each target page's comment unless its record (`keyOf`) exists; a reply to the page's submission
 * comment when there is one. Records and parents are read in one batched read; PARALLEL posts at a
 * time, their ids recorded in one transaction per round. A failed post throws after the others were
 * tried, so the queue retries; posted pages are skipped then.
 */
export async function postOnPages(ctx: EngineContext, set: SetApproval, targets: string[], keyOf: (pageId: string) => string, bodyFor: (pageId: string) => string): Promise<void> {
  const parentKeyOf = (pageId: string) => keys.setComment(set.id, pageId, 0);
  const got = await getManyByKey(ctx.store, targets.flatMap((pageId) => [keyOf(pageId), parentKeyOf(pageId)]));
  const postOne = async (pageId: string): Promise<CommentRecord | undefined> => {
    const key = keyOf(pageId);
    if (got.has(key)) return undefined;
    const parentItem = key === parentKeyOf(pageId) ? undefined : got.get(parentKeyOf(pageId));
    const parent = parentItem ? parseStored(commentRefSchema, parentItem.key, parentItem.value).commentId : undefined;
    const commentId = await postComment(ctx, { pageId, body: bodyFor(pageId), ...(parent ? { parentCommentId: parent } : {}) });
    return commentId === undefined ? undefined : { key, commentId, log: { setApprovalId: set.id, pageId } };
  };
  let failed: unknown;
  for (let i = 0; i < targets.length; i += PARALLEL) {
    const round = await Promise.all(targets.slice(i, i + PARALLEL).map((pageId) => postOne(pageId).catch((err: unknown) => void (failed ??= err))));
    const posted = round.filter((r): r is CommentRecord => r !== undefined);
    if (posted.length > 0) await recordComments(ctx, posted);
  }
  if (failed !== undefined) throw failed instanceof Error ? failed : new Error('set comment failed');
}

/** The `notify.set` job. */
export async function postSetComments(ctx: EngineContext, setApprovalId: string, event: number): Promise<void> {
  const item = await ctx.store.get(keys.setApproval(setApprovalId));
  if (!item) return; // purged meanwhile
  const set = parseStored(setApprovalSchema, item.key, item.value);
  if (event > set.decisions.length || set.status === 'submitting' || set.manifest.length === 0) return;
  const final = event > 0 && event === set.decisions.length && (set.status === 'approved' || set.status === 'rejected');
  const changeSet = await changeSetOf(ctx, set);
  const bodyFor = await bodies(ctx, set, event, final, changeSet);
  const targets = event === 0 || final ? set.manifest.map((m) => m.pageId) : [set.manifest[0]!.pageId];
  await postOnPages(ctx, set, targets, (pageId) => keys.setComment(set.id, pageId, event), bodyFor);
}

/** The set's change set (for its title), if it still exists. */
export async function changeSetOf(ctx: EngineContext, set: SetApproval): Promise<ChangeSet | undefined> {
  const csItem = await ctx.store.get(keys.changeSet(set.changeSetId));
  return csItem ? parseStored(changeSetSchema, csItem.key, csItem.value) : undefined;
}
