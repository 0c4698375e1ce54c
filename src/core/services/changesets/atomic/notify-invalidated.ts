/**
 * SPEC 2.5a: when an edit of a pinned page voids a set approval, the member pages say so, like the
 * final outcome (docs/decisions.md "h-setsui"): a reply on every member page to its submission
 * comment, naming the edit (page, version, editor) and what to do. Only the set's first page
 * @mentions the submitter, who must resubmit; the edited page @mentions its editor. The
 * `notify.setInvalidated` job posts them after the invalidation committed, once per page
 * (`set-comment:<set>:<page>:invalidated`), so a redelivery posts nothing twice.
 */
import type { ChangeSet, SetApproval } from '../../../domain/model';
import { parseStored, setApprovalSchema } from '../../../domain/schemas';
import type { Job } from '../../../ports/jobs';
import type { EngineContext } from '../../context';
import { keys } from '../../keys';
import { escapeXml, mention } from '../../../domain/storage-format';
import { changeSetOf, postOnPages } from './notify';

/** A pinned page's new version that voided the set, and who made it (when Confluence says). */
export interface PinnedEdit {
  pageId: string;
  version: number;
  by?: string;
}

export const invalidationNoticeJob = (setApprovalId: string, edits: PinnedEdit[]): Job => ({ kind: 'notify.setInvalidated', setApprovalId, edits });

function editLine(set: SetApproval, edit: PinnedEdit, onThisPage: boolean, lead: boolean): string {
  const pinned = set.manifest.find((m) => m.pageId === edit.pageId)?.pageVersion;
  // the first page @mentions the submitter anyway: a submitter who edited is named once
  const by = edit.by ? (lead && edit.by === set.submittedBy ? ' by the submitter' : ` by ${mention(edit.by)}`) : '';
  // another page is named by its id only: a reader of this page may not be allowed to see its title
  const what = onThisPage ? `This page was edited${by}` : `Page ${escapeXml(edit.pageId)} of the change set was edited`;
  return `<p>${what}: version ${edit.version}, after version ${pinned ?? '?'} was submitted for approval.</p>`;
}

function body(set: SetApproval, changeSet: ChangeSet | undefined, edits: PinnedEdit[], pageId: string): string {
  const name = changeSet ? `<strong>${escapeXml(changeSet.title)}</strong>` : 'the change set';
  const own = edits.find((e) => e.pageId === pageId);
  const lead = pageId === set.manifest[0]?.pageId;
  const parts = [
    `<p><strong>Approval invalidated</strong>: the approval of ${name} (${set.manifest.length} pages approved as one) ended because a page changed during the review; the ${set.decisions.length} decision${set.decisions.length === 1 ? '' : 's'} recorded so far no longer count.</p>`,
    ...(own ? [editLine(set, own, true, lead)] : []),
    ...edits.filter((e) => e !== own).map((e) => editLine(set, e, false, lead)),
  ];
  if (lead) {
    parts.push(`<p>${mention(set.submittedBy)}, review the changes and submit the change set again: its pages are then pinned at their new versions and the approvers are asked again.</p>`);
  } else {
    parts.push('<p>The change set must be submitted again; its approvers are asked on its first page.</p>');
  }
  return parts.join('');
}

/** The `notify.setInvalidated` job: every member page, once each. */
export async function postInvalidationComments(ctx: EngineContext, setApprovalId: string, edits: PinnedEdit[]): Promise<void> {
  const item = await ctx.store.get(keys.setApproval(setApprovalId));
  if (!item) return; // purged meanwhile
  const set = parseStored(setApprovalSchema, item.key, item.value);
  if (set.status !== 'invalidated') return;
  const changeSet = await changeSetOf(ctx, set);
  const targets = set.manifest.map((m) => m.pageId);
  await postOnPages(ctx, set, targets, (pageId) => keys.setInvalidatedComment(set.id, pageId), (pageId) => body(set, changeSet, edits, pageId));
}
