/**
 * The stuck-approval scan of the daily job (SPEC 2.8, 2.1a): every pending approval's active step is
 * checked with the read-time rule (`activeStepStuck`: groups nobody eligible now can fill, after
 * deactivated or removed accounts, approvers who lost the view of the page, emptied groups and
 * separation-of-duties exclusions). Account states are one users-bulk lookup per batch, views one
 * batched page read per approver per batch. A hopeless approval is
 * flagged for manage space and gets ONE comment to the space admins per stuck state (step + the
 * groups left short), before anyone waits for reminders that cannot help.
 *
 * - Found through the pending-by-space index of the spaces that have workflows (no full scan).
 * - Exactly once like the other tasks (outbox.ts): marker create-if-absent + outbox + flag + audit in
 *   one transaction, then the post; a run cut by its deadline leaves a cursor and resumes there.
 * - Writes only when a flag changes, and then under the job's lease (taken on the first write when
 *   the run had nothing else to do), so a quiet day still writes nothing.
 */
import type { PageApproval } from '../domain/model';
import { parseStored } from '../domain/schemas';
import { submissionCommentKeys, submissionCommentOf } from '../services/submission-comments';
import type { LifecycleConfluence } from '../ports/lifecycle-confluence';
import { StoreError, STORE_LIMITS } from '../ports/store';
import type { EntityItem, TxOp } from '../ports/store';
import { commitWithAudit } from '../services/commit';
import type { EngineContext } from '../services/context';
import { approvalIndex } from '../services/keys';
import { activeStepStuck, readApproverReach } from '../services/step-progress';
import { GroupListing } from '../services/group-listing';
import { getManyByKey } from '../services/store-reads';
import { approvalsOfItems, readApprovals } from '../services/approvals/stored';
import { withCurrentDefinitions } from '../services/approvals/records';
import { lcKeys, task } from '../records/lifecycle-keys';
import { stuckBody } from './notices';
import { taskRef } from '../services/comments';
import { deliver, JOB_ACTOR } from './outbox';
import { NAMED_PER_GROUP } from '../domain/named-progress';
import type { StuckFlag } from '../records/lifecycle-schemas';
import { stuckCursorSchema, stuckFlagSchema } from '../records/lifecycle-schemas';

const BATCH = 25;

export interface StuckScanResult {
  flagged: number;
  /** the deadline (or an unwell Confluence) cut the scan: the cursor says where the next run resumes */
  more: boolean;
}

/** Spaces with at least one workflow, in key order (the per-space workflow copies are one prefix). */
async function spacesWithWorkflows(ctx: EngineContext): Promise<string[]> {
  const prefix = 'wf-space:';
  const spaces = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await ctx.store.query({ prefix, limit: STORE_LIMITS.maxQueryLimit, ...(cursor ? { cursor } : {}) });
    for (const item of page.items) spaces.add(item.key.slice(prefix.length, item.key.indexOf(':', prefix.length)));
    cursor = page.nextCursor;
  } while (cursor);
  return [...spaces].sort();
}

/** A short stable name for the set of groups left short (marker keys stay small whatever the keys are). */
function fingerprint(groups: string[]): string {
  let h = 2166136261;
  for (const c of [...groups].sort().join('\u0000')) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(36);
}

/** The approvals of one index page, with the workflow definition they follow now (the queue's in-flight rule). */
async function effectiveApprovals(ctx: EngineContext, items: EntityItem[]): Promise<PageApproval[]> {
  return withCurrentDefinitions(ctx, (await approvalsOfItems(ctx, items)).map((s) => s.approval).filter((a) => a.status === 'pending'));
}

/**
 * The groups as the flag, the comment and the audit record keep them: at most NAMED_PER_GROUP of the
 * people who can no longer approve per group (a group of 10,000 nobody can fill named all of them:
 * a flag past the store's 240 KB value limit, which stopped every scan there).
 */
const namedGroups = (groups: StuckFlag['groups']): StuckFlag['groups'] => groups.map((g) => (g.unavailable && g.unavailable.length > NAMED_PER_GROUP ? { ...g, unavailable: g.unavailable.slice(0, NAMED_PER_GROUP) } : g));

const sameState = (flag: StuckFlag | undefined, step: number, groups: StuckFlag['groups']): boolean =>
  flag !== undefined && flag.step === step && JSON.stringify(flag.groups) === JSON.stringify(groups);

interface ScanDeps {
  lc: LifecycleConfluence;
  deadline: number;
  /** the job's lease: true once held (taken on first use when the run had not taken it) */
  lease: () => Promise<boolean>;
  admins: Map<string, string[]>;
  /** group members read once per scan, as far as the check needed them */
  listing: GroupListing;
}

/**
 * Whether the approval is stored still pending at the step its index copy shows: the index may list
 * it as it was a moment ago (U22: decided, cancelled or moved on since), and only the stored state is
 * announced. One read, made only for an approval about to be flagged.
 */
async function stillAsListed(ctx: EngineContext, listed: PageApproval): Promise<boolean> {
  const stored = (await readApprovals(ctx, [listed.id])).get(listed.id)?.approval;
  return stored?.status === 'pending' && stored.activeStep === listed.activeStep;
}

/**
 * Checks one batch; `ok` false when the lease could not be had or a post failed (the run stops here);
 * `cutAt` names the approval whose check the deadline cut (whole groups of thousands of members take
 * one page read each: the next run resumes at it, with a fresh budget).
 */
async function checkBatch(ctx: EngineContext, d: ScanDeps, approvals: PageApproval[]): Promise<{ flagged: number; ok: boolean; cutAt?: string }> {
  const flags = await getManyByKey(ctx.store, approvals.map((a) => lcKeys.stuck(a.id)));
  const now = ctx.clock.now();
  let flagged = 0;
  const outbox = [];
  const reach = await readApproverReach(ctx, approvals, d.listing);
  let cutAt: string | undefined;
  for (const approval of approvals) {
    const flagItem = flags.get(lcKeys.stuck(approval.id));
    const flag = flagItem ? parseStored(stuckFlagSchema, flagItem.key, flagItem.value) : undefined;
    const check = await activeStepStuck(ctx, approval, d.listing, reach, { deadline: d.deadline });
    const groups = namedGroups(check.groups);
    if (!check.judged) {
      cutAt = approval.id;
      break;
    }
    if (groups.length === 0) {
      // reachable again (a group was refilled): the flag goes, the marker stays (no second comment for the same state)
      if (flagItem) {
        if (!(await d.lease())) return { flagged, ok: false };
        await ctx.store.transact([{ op: 'delete', key: flagItem.key, condition: { kind: 'version', version: flagItem.version } }]).catch(ignoreRace);
      }
      continue;
    }
    if (sameState(flag, approval.activeStep, groups)) continue;
    if (!(await stillAsListed(ctx, approval))) continue;
    if (!(await d.lease())) return { flagged, ok: false };
    const next: StuckFlag = { approvalId: approval.id, pageId: approval.pageId, step: approval.activeStep, groups, since: now };
    const flagOp: TxOp = { op: 'put', key: lcKeys.stuck(approval.id), value: next, condition: flagItem ? { kind: 'version', version: flagItem.version } : { kind: 'absent' } };
    const taskName = task.stuck(approval.activeStep, fingerprint(groups.map((g) => g.group)));
    if (await ctx.store.get(lcKeys.mark(approval.id, taskName))) {
      await ctx.store.transact([flagOp]).catch(ignoreRace); // this state was announced before: flag again, no comment
      continue;
    }
    const item = await announcement(ctx, d, approval, groups, taskName, now);
    const committed = await commitAnnouncement(ctx, approval, groups, taskName, item, flagOp, now);
    if (!committed) continue;
    flagged++;
    const { notified: _notified, ...outboxItem } = item;
    outbox.push({ key: lcKeys.outbox(approval.id, taskName), item: outboxItem });
  }
  const { failed } = await deliver(ctx, d.lc, outbox, false);
  return { flagged, ok: failed === 0, ...(cutAt ? { cutAt } : {}) };
}

/** The comment to space admins that announces a stuck approval (a reply in the approval's thread). */
async function announcement(ctx: EngineContext, d: ScanDeps, approval: PageApproval, groups: StuckFlag['groups'], taskName: string, now: number) {
  const admins = await spaceAdmins(d, approval.spaceId);
  const parent = submissionCommentOf(approval, await getManyByKey(ctx.store, submissionCommentKeys([approval])));
  const ref = taskRef(approval.id, taskName);
  return {
    pageId: approval.pageId,
    spaceId: approval.spaceId,
    approvalId: approval.id,
    ref,
    body: stuckBody(approval, groups, admins, ref),
    ...(parent ? { parentCommentId: parent } : {}),
    createdAt: now,
    notified: admins,
  };
}

/** Marker, outbox item, flag and the approval.stuck record in one transaction; false when another run won. */
async function commitAnnouncement(ctx: EngineContext, approval: PageApproval, groups: StuckFlag['groups'], taskName: string, item: Awaited<ReturnType<typeof announcement>>, flagOp: TxOp, now: number): Promise<boolean> {
  const { notified, ...outboxItem } = item;
  return commitWithAudit(
    ctx,
    [
      { op: 'put', key: lcKeys.mark(approval.id, taskName), value: { at: now }, condition: { kind: 'absent' } },
      { op: 'put', key: lcKeys.outbox(approval.id, taskName), value: outboxItem, condition: { kind: 'absent' } },
      flagOp,
    ],
    [
      {
        actor: JOB_ACTOR,
        action: 'approval.stuck',
        spaceId: approval.spaceId,
        source: 'ui',
        pageId: approval.pageId,
        pageVersion: approval.pageVersion,
        workflowId: approval.workflowId,
        approvalId: approval.id,
        details: { step: approval.activeStep + 1, groups, notified },
      },
    ],
  ).then(
    () => true,
    (err: unknown) => ignoreRace(err).then(() => false),
  );
}

/** A failed condition means another run changed the same flag first: its outcome stands. */
async function ignoreRace(err: unknown): Promise<void> {
  if (!(err instanceof StoreError) || err.code !== 'CONDITION_FAILED') throw err;
}

async function spaceAdmins(d: ScanDeps, spaceId: string): Promise<string[]> {
  const cached = d.admins.get(spaceId);
  if (cached) return cached;
  const found = await d.lc.spaceAdmins(spaceId);
  d.admins.set(spaceId, found);
  return found;
}

/**
 * One pass over the pending approvals of the spaces with workflows, from the saved cursor on. A
 * failure (Confluence or the store unwell) stops the scan without failing the run: the flags and
 * comments committed so far stand, and the next run scans again.
 */
export async function scanStuckApprovals(ctx: EngineContext, lc: LifecycleConfluence, deadline: number, lease: () => Promise<boolean>): Promise<StuckScanResult> {
  const progress = { flagged: 0 };
  try {
    return await scan(ctx, { lc, deadline, lease, admins: new Map(), listing: new GroupListing(ctx) }, progress);
  } catch {
    ctx.log('stuck-approval scan stopped; the next run scans again', { flagged: progress.flagged });
    return { flagged: progress.flagged, more: true };
  }
}

async function scan(ctx: EngineContext, d: ScanDeps, progress: { flagged: number }): Promise<StuckScanResult> {
  const { deadline, lease } = d;
  const saved = await ctx.store.get(lcKeys.stuckCursor);
  const from = saved ? parseStored(stuckCursorSchema, saved.key, saved.value) : undefined;
  const spaces = (await spacesWithWorkflows(ctx)).filter((s) => !from || s >= from.spaceId);
  for (const spaceId of spaces) {
    let cursor = from && from.spaceId === spaceId ? from.cursor : undefined;
    do {
      if (ctx.clock.now() >= deadline) return { flagged: progress.flagged, more: await saveCursor(ctx, lease, { spaceId, ...(cursor ? { cursor } : {}) }) };
      const page = await ctx.store.queryEntity({ ...approvalIndex.pendingInSpace(spaceId), limit: BATCH, ...(cursor ? { cursor } : {}) });
      const resumeAt = from?.spaceId === spaceId && from.cursor === cursor ? from.approvalId : undefined;
      const approvals = resumed(await effectiveApprovals(ctx, page.items), resumeAt);
      const batch = await checkBatch(ctx, d, approvals);
      progress.flagged += batch.flagged;
      if (batch.ok && batch.cutAt && batch.cutAt === resumeAt && approvals[0]?.id === resumeAt) {
        // cut again at the approval this run began with: one run cannot judge it; go past it, or it stops the scan every day
        ctx.log('stuck check: an approval too big to judge in one run is passed over', { approvalId: resumeAt });
        const next = approvals[1];
        const at = next ? { spaceId, ...(cursor ? { cursor } : {}), approvalId: next.id } : page.nextCursor ? { spaceId, cursor: page.nextCursor } : nextSpace(spaces, spaceId);
        if (at) return { flagged: progress.flagged, more: await saveCursor(ctx, lease, at) };
        break;
      }
      if (!batch.ok || batch.cutAt) return { flagged: progress.flagged, more: await saveCursor(ctx, lease, { spaceId, ...(cursor ? { cursor } : {}), ...(batch.cutAt ? { approvalId: batch.cutAt } : {}) }) };
      cursor = page.nextCursor;
    } while (cursor);
  }
  if (saved && (await lease())) await ctx.store.transact([{ op: 'delete', key: lcKeys.stuckCursor }]);
  return { flagged: progress.flagged, more: false };
}

/** Where a scan goes after the last approval of `spaceId`: the next space's start, or nowhere (the scan is done). */
const nextSpace = (spaces: string[], spaceId: string): { spaceId: string } | undefined => {
  const after = spaces[spaces.indexOf(spaceId) + 1];
  return after === undefined ? undefined : { spaceId: after };
};

/** The batch from the approval a cut check stopped at (all of it when that approval is gone: nothing is skipped). */
function resumed(approvals: PageApproval[], approvalId: string | undefined): PageApproval[] {
  const at = approvalId === undefined ? -1 : approvals.findIndex((a) => a.id === approvalId);
  return at < 0 ? approvals : approvals.slice(at);
}

async function saveCursor(ctx: EngineContext, lease: () => Promise<boolean>, at: { spaceId: string; cursor?: string; approvalId?: string }): Promise<boolean> {
  if (await lease()) await ctx.store.transact([{ op: 'put', key: lcKeys.stuckCursor, value: stuckCursorSchema.parse(at) }]);
  return true;
}
