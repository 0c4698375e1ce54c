/**
 * Who a workflow's steps named before its latest saves (issue 23 item 5, docs/decisions.md "Approver
 * index"). The queue's "waiting for me" asks the index [workflow, pending, active step] only for the
 * steps that name the caller (approvals/queue-mine.ts). An undecided approval follows the current
 * definition, but a decided one (or one whose submitter edited the workflow: mayAdopt) keeps its
 * snapshot, which may name principals the current step no longer does. So every save records here
 * the principals (accounts or group:<id>) it took out of a step, with when; saves before the upgrade
 * did not, so the approver-index back-fill adds what kept snapshots still name (withHeld). What holds
 * after every save: any definition a pending approval may hold names at step k only principals of
 * the workflow's current step k or of this record.
 *
 * Bounded. An entry is dropped once no pending approval can hold it: it left the step more than
 * PRUNE_MARGIN_MS before the oldest pending approval under the workflow was submitted (a snapshot is
 * taken at submit or at a first decision, both before the save that removed the principal; the margin
 * covers clock skew and index lag). Past MAX_ENTRIES the oldest go and `openUntil` records the latest
 * of them, `openSteps` the highest step they named + 1: until `openUntil` is pruned the same way, every
 * step of the workflow (those dropped entries named included) is asked for every caller.
 */
import { z } from 'zod';
import { DAY_MS } from '../../domain/time';
import { FIELD_LIMITS } from '../../domain/limits';
import type { Workflow, WorkflowStep } from '../../domain/model';
import { parseStored } from '../../domain/schemas';
import { stepPrincipals } from '../../domain/step-composition';
import type { StoredItem, TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { approvalIndex, keys } from '../keys';

const PRUNE_MARGIN_MS = DAY_MS;
/** Well under a workflow's own size: a step names at most 500 principals. */
export const MAX_FORMER_ENTRIES = 200;

const entrySchema = z.object({ step: z.number().int().min(0), principal: z.string().min(1).max(300), until: z.number().int() }).strict();
export const formerApproversSchema = z
  .object({ entries: z.array(entrySchema).max(MAX_FORMER_ENTRIES), openUntil: z.number().int().optional(), openSteps: z.number().int().min(1).max(FIELD_LIMITS.steps.max).optional() })
  .strict();
export type FormerApprovers = z.infer<typeof formerApproversSchema>;
type Entry = z.infer<typeof entrySchema>;

const NONE: FormerApprovers = { entries: [] };

export function parseFormerApprovers(item: StoredItem | undefined): FormerApprovers {
  return item ? parseStored(formerApproversSchema, item.key, item.value) : NONE;
}

/** The principals step `k` names (none past the last step). */
export const principalsAt = (steps: WorkflowStep[], k: number): Set<string> => new Set(steps[k] ? stepPrincipals(steps[k]) : []);

/** A principal a step named, at that step's index. */
export interface Held {
  step: number;
  principal: string;
}

/**
 * The record with `held` recorded as removed at `now` where `current` lacks it: a save's `before`
 * principals, or those of the snapshots pending approvals keep, found by the back-fill
 * (approvals/index-backfill.ts: saves before the upgrade recorded nothing). A principal back in its
 * step is covered by the definition; a removed one takes the newest time.
 */
export function withHeld(former: FormerApprovers, current: Workflow, held: Held[], now: number): FormerApprovers {
  const removed: Entry[] = held.filter((h) => !principalsAt(current.steps, h.step).has(h.principal)).map((h) => ({ ...h, until: now }));
  const removedKeys = new Set(removed.map((e) => `${e.step}\u0000${e.principal}`));
  const older = former.entries.filter((e) => !principalsAt(current.steps, e.step).has(e.principal) && !removedKeys.has(`${e.step}\u0000${e.principal}`));
  return { ...former, entries: [...older, ...removed] };
}

/** The record after a save from `before` to `after` at `now`, before pruning. */
export function withSave(former: FormerApprovers, before: Workflow, after: Workflow, now: number): FormerApprovers {
  return withHeld(former, after, before.steps.flatMap((step, k) => stepPrincipals(step).map((principal) => ({ step: k, principal }))), now);
}

/** Entries no pending approval can hold any more dropped (`oldestPending`: submittedAt of the oldest pending approval, or none), then the cap. */
export function pruned(former: FormerApprovers, oldestPending: number | undefined, now: number): FormerApprovers {
  const threshold = Math.min(oldestPending ?? now, now) - PRUNE_MARGIN_MS;
  const live = former.entries.filter((e) => e.until >= threshold).sort((a, b) => b.until - a.until);
  const dropped = live.slice(MAX_FORMER_ENTRIES);
  const open = Math.max(former.openUntil ?? -Infinity, ...dropped.map((e) => e.until));
  const openSteps = Math.max(openStepsOf(former), ...dropped.map((e) => e.step + 1));
  return { entries: live.slice(0, MAX_FORMER_ENTRIES), ...(open >= threshold ? { openUntil: open, openSteps } : {}) };
}

/** How many steps an open record asks (0: not open); one opened before `openSteps` was kept asks every step a workflow may have. */
const openStepsOf = (former: FormerApprovers): number => (former.openUntil === undefined ? 0 : (former.openSteps ?? FIELD_LIMITS.steps.max));

/** How many of the workflow's steps may hold a pending approval naming a principal: its own, those of the record's entries, and an open record's. */
export function stepsToAsk(workflow: Workflow, former: FormerApprovers): number {
  return Math.max(workflow.steps.length, openStepsOf(former), ...former.entries.map((e) => e.step + 1));
}

/** When the oldest pending approval under the workflow was submitted (`sk` starts with it), if any is listed. */
async function oldestPendingAt(ctx: EngineContext, workflowId: string): Promise<number | undefined> {
  const page = await ctx.store.queryEntity<{ sk?: unknown }>({ ...approvalIndex.pendingOfWorkflow(workflowId), limit: 1 });
  const sk = page.items[0]?.value.sk;
  return typeof sk === 'string' ? Number(sk.slice(0, 15)) : undefined;
}

const same = (a: FormerApprovers, b: FormerApprovers): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The op that keeps the record true across this save (none when nothing changes), conditioned on the record read. */
export async function formerApproversOps(ctx: EngineContext, before: Workflow, after: Workflow): Promise<TxOp[]> {
  return formerApproversChangeOps(ctx, before.id, (former, now) => withSave(former, before, after, now));
}

/** The op that writes `change` of the workflow's record, pruned and capped (none when nothing changes), conditioned on the record read. */
export async function formerApproversChangeOps(ctx: EngineContext, workflowId: string, change: (former: FormerApprovers, now: number) => FormerApprovers): Promise<TxOp[]> {
  const item = await ctx.store.get(keys.formerApprovers(workflowId));
  const current = parseFormerApprovers(item);
  const now = ctx.clock.now();
  const saved = change(current, now);
  if (saved.entries.length === 0 && saved.openUntil === undefined && !item) return [];
  const next = pruned(saved, await oldestPendingAt(ctx, workflowId), now);
  if (same(next, current)) return [];
  const condition = item ? { kind: 'version' as const, version: item.version } : { kind: 'absent' as const };
  if (next.entries.length === 0 && next.openUntil === undefined) return item ? [{ op: 'delete', key: item.key, condition }] : [];
  return [{ op: 'put', key: keys.formerApprovers(workflowId), value: next, condition }];
}
