/**
 * The one-off back-fill of the approver index (issue 23 item 5, docs/decisions.md "Approver index"):
 * approvals written before their `af-approval` item carried `step` are missing from the index
 * `pending-by-wf-step`, so the queue's "waiting for me" keeps its old path (page the space's pending
 * approvals, filter) until this job has rewritten every pending one of them. Done ones need nothing:
 * the index holds pending approvals only.
 *
 * Started by the daily lifecycle run (startIndexBackfill; again if it stalled), then a consumer job
 * (`approvals.indexBackfill`) that walks every workflow's pending approvals (index `pending-by-wf`)
 * for a bounded slice, saves its position under the version it read and enqueues the next slice, as
 * the audit verification does. A rewrite is the approval's own record op under a `check` of its
 * page state, the lock of every approval write: a write that came between made the item current
 * (every write now carries `step`), so a failed check is skipped, not retried.
 *
 * Saves before the upgrade recorded no former approvers (workflows/former-approvers.ts), so the walk
 * also notes what the snapshots of pending approvals that keep theirs name from their active step on,
 * and the slice merges what the current definition lacks into each workflow's record before it
 * saves its position.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { parseStored } from '../../domain/schemas';
import { StoreError, STORE_LIMITS, type StoredItem } from '../../ports/store';
import type { PageApproval, Workflow } from '../../domain/model';
import { stepPrincipals } from '../../domain/step-composition';
import type { EngineContext } from '../context';
import { enqueueAfterCommit } from '../commit';
import { withRetry } from '../retry';
import { approvalIndex, keys } from '../keys';
import { formerApproversChangeOps, withHeld, type Held } from '../workflows/former-approvers';
import { loadWorkflow } from '../workflows/store';
import { loadForUpdate, withCurrentDefinition, type LockedApproval } from './records';
import { approvalOfItem, approvalRecordOps, readApprovals } from './stored';

/** Consumer invocations may run 900 s; a slice stops starting queries after this. */
const SLICE_MS = 120_000;
/** Index queries a slice makes at most (100 items each), whatever the clock says. */
export const SLICE_QUERIES = 200;
/** A running back-fill without progress for this long lost its job: the daily run starts it again from its position. */
const STALLED_MS = 60 * 60 * 1000;
const PER_QUERY = STORE_LIMITS.maxQueryLimit;
const WORKFLOW_PREFIX = keys.workflow('');

const stateSchema = z
  .object({
    status: z.enum(['running', 'done']),
    startedAt: z.number().int(),
    updatedAt: z.number().int(),
    rewritten: z.number().int().min(0),
    /** approvals skipped because their stored record failed validation (their ids are logged) */
    corrupt: z.number().int().min(0).optional(),
    /** workflow ids of the listed page not walked yet; the first is being walked */
    queue: z.array(z.string().min(1).max(200)).max(PER_QUERY),
    /** the walked workflow's position (`sk` of the last approval looked at) */
    after: z.string().max(400).optional(),
    /** store cursor of the next page of workflows; absent with `listed`: none left */
    workflowCursor: z.string().max(4000).optional(),
    listed: z.boolean(),
  })
  .strict();
type BackfillState = z.infer<typeof stateSchema>;

function parseState(item: StoredItem | undefined): BackfillState | undefined {
  return item ? parseStored(stateSchema, item.key, item.value) : undefined;
}

/** Whether every approval is in the approver index (the queue reads this key beside its other keys). */
export function approverIndexReady(item: StoredItem | undefined): boolean {
  return parseState(item)?.status === 'done';
}

const putState = (state: BackfillState, item: StoredItem | undefined) => ({
  op: 'put' as const,
  key: keys.approvalIndexBackfill,
  value: state,
  condition: item ? { kind: 'version' as const, version: item.version } : { kind: 'absent' as const },
});

const conflicted = (error: unknown): boolean => error instanceof StoreError && error.code === 'CONDITION_FAILED';

/** The daily run's part: start the back-fill (or restart a stalled one from its position); nothing once it is done. */
export async function startIndexBackfill(ctx: EngineContext): Promise<void> {
  const item = await ctx.store.get(keys.approvalIndexBackfill);
  const state = parseState(item);
  const now = ctx.clock.now();
  if (state?.status === 'done' || (state && now - state.updatedAt < STALLED_MS)) return;
  const next: BackfillState = state ? { ...state, updatedAt: now } : { status: 'running', startedAt: now, updatedAt: now, rewritten: 0, queue: [], listed: false };
  try {
    await ctx.store.transact([putState(next, item)]);
  } catch (error) {
    if (conflicted(error)) return; // another run started it
    throw error;
  }
  await enqueueAfterCommit(ctx, [{ kind: 'approvals.indexBackfill' }]);
}

/**
 * Gives one approval its `step` (skipped when it is gone, no longer pending, or a write came between: that write carried `step`).
 * Returns the approval as it stands, for noting what it holds.
 */
async function rewrite(ctx: EngineContext, approvalId: string): Promise<{ rewritten: boolean; approval?: PageApproval | undefined }> {
  // a write came between: the approval as that write left it
  const asWritten = async () => ({ rewritten: false, approval: (await readApprovals(ctx, [approvalId])).get(approvalId)?.approval });
  let locked: LockedApproval;
  try {
    locked = await loadForUpdate(ctx, approvalId);
  } catch (error) {
    if (conflicted(error)) return asWritten();
    if (error instanceof DomainError && error.code === 'APPROVAL_NOT_FOUND') return { rewritten: false };
    throw error;
  }
  if (!locked.stateItem || locked.approval.status !== 'pending') return { rewritten: false };
  try {
    await ctx.store.transact([...approvalRecordOps(locked.approval, { legacy: locked.legacy }), { op: 'check', key: locked.stateItem.key, condition: { kind: 'version', version: locked.stateItem.version } }]);
  } catch (error) {
    if (conflicted(error)) return asWritten();
    throw error;
  }
  return { rewritten: true, approval: locked.approval };
}

/** Per workflow, the principals kept snapshots of its walked pending approvals name from their active step on (keyed step and principal). */
type HeldByWorkflow = Map<string, Map<string, Held>>;

/** Notes what the approval's snapshot names, when it keeps it (the in-flight rule: decided, or the adopt rule says no). */
function noteHeld(held: HeldByWorkflow, approval: PageApproval, workflow: Workflow | undefined): void {
  if (!workflow || approval.status !== 'pending' || withCurrentDefinition(approval, workflow) !== approval) return;
  const notes = held.get(approval.workflowId) ?? new Map<string, Held>();
  approval.workflowSnapshot.steps.forEach((s, step) => {
    if (step >= approval.activeStep) for (const principal of stepPrincipals(s)) notes.set(`${step}\u0000${principal}`, { step, principal });
  });
  held.set(approval.workflowId, notes);
}

/** Merges the noted principals the current definitions lack into each workflow's former approvers: one put per workflow, under its record's version and the workflow's (a save between: read again). */
async function recordHeld(ctx: EngineContext, held: HeldByWorkflow): Promise<void> {
  for (const [workflowId, notes] of held) {
    await withRetry(ctx, async () => {
      const loaded = await loadWorkflow(ctx, workflowId);
      if (!loaded) return; // deleted since: no queue asks its steps
      const ops = await formerApproversChangeOps(ctx, workflowId, (former, now) => withHeld(former, loaded.workflow, [...notes.values()], now));
      if (ops.length > 0) await ctx.store.transact([...ops, { op: 'check', key: loaded.item.key, condition: { kind: 'version', version: loaded.item.version } }]);
    });
  }
}

/** One step of the walk: list the next page of workflows, or walk one page of the first one's pending approvals. */
async function step(ctx: EngineContext, state: BackfillState, held: HeldByWorkflow): Promise<BackfillState> {
  const [workflowId, ...rest] = state.queue;
  if (workflowId === undefined) {
    if (state.listed) return { ...state, status: 'done' };
    const page = await ctx.store.query({ prefix: WORKFLOW_PREFIX, limit: PER_QUERY, ...(state.workflowCursor ? { cursor: state.workflowCursor } : {}) });
    const { workflowCursor: _, ...others } = state;
    return { ...others, queue: page.items.map((i) => i.key.slice(WORKFLOW_PREFIX.length)), listed: !page.nextCursor, ...(page.nextCursor ? { workflowCursor: page.nextCursor } : {}) };
  }
  const page = await ctx.store.queryEntity<{ sk?: unknown; step?: unknown }>({
    ...approvalIndex.pendingOfWorkflow(workflowId),
    limit: PER_QUERY,
    ...(state.after ? { range: { op: 'gt', value: state.after } } : {}),
  });
  // a corrupt workflow record: its approvals still get `step`, nothing is noted for it
  const workflow = page.items.length > 0 ? await skippingCorrupt(ctx, { workflowId }, async () => (await loadWorkflow(ctx, workflowId))?.workflow) : undefined;
  const counts = { rewritten: state.rewritten, corrupt: state.corrupt ?? 0 };
  for (const item of page.items) {
    const outcome = await skippingCorrupt(ctx, { approvalId: item.key }, async () => (item.value.step === undefined ? await rewrite(ctx, item.key) : { rewritten: false, approval: approvalOfItem(item) }));
    if (!outcome) counts.corrupt += 1;
    if (outcome?.rewritten) counts.rewritten += 1;
    if (outcome?.approval) noteHeld(held, outcome.approval, workflow);
  }
  const { after: _, ...others } = state;
  const last = page.items[page.items.length - 1];
  const position = page.nextCursor && last ? { after: String(last.value.sk) } : {};
  return { ...others, rewritten: counts.rewritten, ...(counts.corrupt > 0 ? { corrupt: counts.corrupt } : {}), queue: page.nextCursor ? state.queue : rest, ...position };
}

/** `read`, or undefined with the ids logged when a stored record it reads fails validation: one corrupt record never stops the walk. */
async function skippingCorrupt<T>(ctx: EngineContext, ids: Record<string, string>, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'CORRUPT_RECORD')) throw error;
    ctx.log('approver-index back-fill skipped a corrupt record', ids);
    return undefined;
  }
}

/** The `approvals.indexBackfill` job: one bounded slice from the saved position, saved, then the next slice enqueued. */
export async function continueIndexBackfill(ctx: EngineContext, maxQueries = SLICE_QUERIES): Promise<void> {
  const item = await ctx.store.get(keys.approvalIndexBackfill);
  let state = parseState(item);
  // a repeat of a finished job, or none started: nothing to do
  if (!state || state.status === 'done') return;
  const deadline = ctx.clock.now() + SLICE_MS;
  const held: HeldByWorkflow = new Map();
  for (let queries = 0; state.status === 'running' && queries < maxQueries && ctx.clock.now() < deadline; queries++) state = await step(ctx, state, held);
  // before the position moves past them: a failed merge repeats the slice
  await recordHeld(ctx, held);
  try {
    await ctx.store.transact([putState({ ...state, updatedAt: ctx.clock.now() }, item)]);
  } catch (error) {
    if (conflicted(error)) return; // a duplicate delivery ran this slice too and saved first: that one continues
    throw error;
  }
  if (state.status === 'running') await enqueueAfterCommit(ctx, [{ kind: 'approvals.indexBackfill' }]);
}
