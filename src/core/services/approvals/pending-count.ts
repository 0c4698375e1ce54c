/**
 * How many approvals under a workflow are pending, on strongly consistent keys. Index queries are
 * eventually consistent on Forge (docs/forge-platform.md U22): a submit made a moment ago may not
 * show in the `pending-by-wf` index yet, so "nothing pending" (deleting a workflow) is decided on
 * these keys, read with `getMany` and changed in the same transaction as every approval that enters
 * or leaves `pending` (submit, change-set batches, decide, cancel, clearing an assignment).
 *
 * The count is split over PENDING_SHARDS keys whose sum is the count (a shard may go negative: an
 * approval counted on one shard may leave through another). Shard 0 is the workflow's guard: only
 * creating, deleting and a legacy first count write it. Every other change reads shard 0 and its
 * own shard and writes only its own (1..127), so a burst of parallel submits conflicts only when
 * two pick the same of 127 shards (issue 23: 8 shards all conditioned made a 50-submit burst retry
 * ~1.5 times per submit). More shards would cut the rest of those collisions, but the space page's
 * capabilities read every shard of every workflow (which ones may be deleted): docs/decisions.md. An entering approval
 * writes no op for shard 0: the delete moves its space's submit epoch on when it closes shard 0,
 * and every submission checks that epoch, read before the shards (submit-epoch.ts; issue 23: was a
 * `check` of shard 0 in every transaction).
 *
 * Deleting closes shard 0 first (a short lease, with the space's submit epoch moved on: entering
 * changes that read before fail, later ones wait and retry), then reads every shard: anything pending reopens it and is
 * refused, else the delete's transaction tombstones shard 0 under the closing version, so a
 * submit planned on the deleted workflow conflicts and is refused. A lease left by a delete that
 * died is reopened by the next entering change. A workflow without shard 0 (approvals from before
 * the counter) takes its count from the index once, written to shard 0 so two such first writers
 * conflict instead of both adding it.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { StoredItem, TxOp } from '../../ports/store';
import { STORE_LIMITS, StoreError } from '../../ports/store';
import type { EngineContext } from '../context';
import { getManyByKey } from '../store-reads';
import { approvalIndex, keys } from '../keys';
import { epochBump } from '../submit-epoch';
import { ownShard, PENDING_SHARDS, shardSeed } from '../../domain/page-shard';

/** Longer than a delete needs between closing and committing; shorter than a client's patience. */
const CLOSING_LEASE_MS = 30_000;

const shardSchema = z.object({ count: z.number().int(), workflowDeleted: z.literal(true).optional(), closingUntil: z.number().int().optional() }).strict();

/** A tombstone outlives any request that could still hold the deleted workflow in memory. */
const TOMBSTONE_TTL_SECONDS = 24 * 60 * 60;

interface Shard { key: string; item?: StoredItem; count: number; workflowDeleted: boolean; closingUntil?: number }

const shardKey = (workflowId: string, i: number) => keys.workflowPendingShard(workflowId, i);

/** One Shard per asked index, in order (the tuple type keeps `[guard, own]` typed as read). */
type ShardsOf<W extends readonly number[]> = { -readonly [K in keyof W]: Shard };

/**
 * Shards read ahead by the caller, by key; a key read and found absent maps to undefined. Only as
 * fresh as that read: a conflict's retry reads again (the ops stay conditioned on what was read).
 */
export type ShardReads = ReadonlyMap<string, StoredItem | undefined>;

async function readShards<const W extends readonly number[]>(ctx: EngineContext, workflowId: string, which: W, known?: ShardReads): Promise<ShardsOf<W>> {
  const shardKeys = which.map((i) => shardKey(workflowId, i));
  const got = known && shardKeys.every((k) => known.has(k)) ? known : await getManyByKey(ctx.store, shardKeys);
  return shardKeys.map((key): Shard => {
    const item = got.get(key);
    const parsed = item ? shardSchema.safeParse(item.value) : undefined;
    const value = parsed?.success ? parsed.data : undefined;
    return { key, ...(item ? { item } : {}), count: value?.count ?? 0, workflowDeleted: value?.workflowDeleted === true, ...(value?.closingUntil ? { closingUntil: value.closingUntil } : {}) };
  }) as ShardsOf<W>;
}

const ALL_SHARDS: [number, ...number[]] = [0, ...Array.from({ length: PENDING_SHARDS - 1 }, (_, i) => i + 1)];

/** Only for a workflow without shard 0: nothing was submitted under it since the counter exists, so the index has caught up. */
async function countFromIndex(ctx: EngineContext, workflowId: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await ctx.store.queryEntity({ ...approvalIndex.pendingOfWorkflow(workflowId), limit: STORE_LIMITS.maxQueryLimit, ...(cursor ? { cursor } : {}) });
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

const conditionOn = (item: StoredItem | undefined) => (item ? { kind: 'version' as const, version: item.version } : { kind: 'absent' as const });


const put = (shard: Shard, value: z.infer<typeof shardSchema>, ttl?: number): TxOp => ({ op: 'put', key: shard.key, value, condition: conditionOn(shard.item), ...(ttl ? { ttlSeconds: ttl } : {}) });

/** An entering change and the guard: nothing to add while it is open; wait for a live delete; reopen a dead one's lease on its own, then ask again. */
async function passGuard(ctx: EngineContext, guard: Shard): Promise<void> {
  if (guard.closingUntil === undefined) return;
  // being deleted: the retry loop asks again shortly (deleted, or reopened)
  if (guard.closingUntil > ctx.clock.now()) throw new StoreError('CONDITION_FAILED', 'The workflow is being deleted; asking again.');
  // its own transaction, so an entering change keeps one op per workflow (batches are cut on that count)
  await ctx.store.transact([put(guard, { count: guard.count })]);
  throw new StoreError('CONDITION_FAILED', 'The lease of a delete that died was reopened; asking again.');
}

/** Ops pendingCountOps adds for a workflow that approvals enter: its own shard's put (a legacy first count: shard 0's instead). */
export const PENDING_OPS_PER_ENTERED_WORKFLOW = 1;

/** One workflow's op(s) for a change of `delta` pending approvals. */
async function countOps(ctx: EngineContext, workflowId: string, delta: number, target: number, known?: ShardReads): Promise<TxOp[]> {
  const [guard, own] = await readShards(ctx, workflowId, [0, target], known);
  if (delta > 0 && (guard.workflowDeleted || own.workflowDeleted)) throw new DomainError('NO_WORKFLOW', 'The workflow was deleted; submit again to use the current one.');
  if (!guard.item) {
    // legacy: counted from the index once, on shard 0
    return [put(guard, { count: (await countFromIndex(ctx, workflowId)) + delta })];
  }
  const value = { count: own.count + delta, ...(own.workflowDeleted ? { workflowDeleted: true as const } : {}) };
  if (delta > 0) await passGuard(ctx, guard);
  return [put(own, value, own.workflowDeleted ? TOMBSTONE_TTL_SECONDS : undefined)];
}

/**
 * The ops moving each workflow's pending count by how many of `entering` enter and of `leaving`
 * leave `pending` in this transaction, conditioned on the shard read. A submit under a deleted
 * workflow is refused (409 NO_WORKFLOW), as eligibility would refuse it.
 */
export async function pendingCountOps(
  ctx: EngineContext,
  changes: { entering?: { id: string; workflowId: string }[]; leaving?: { id: string; workflowId: string }[] },
  shard?: number,
  /** the shards read ahead (pendingShardKeys), e.g. for every batch of a change-set submit at once */
  known?: ShardReads,
): Promise<TxOp[]> {
  const deltas = new Map<string, { delta: number; seed: string }>();
  const add = (a: { id: string; workflowId: string }, by: number) => deltas.set(a.workflowId, { delta: (deltas.get(a.workflowId)?.delta ?? 0) + by, seed: deltas.get(a.workflowId)?.seed ?? a.id });
  for (const a of changes.entering ?? []) add(a, 1);
  for (const a of changes.leaving ?? []) add(a, -1);
  return (await Promise.all([...deltas].map(([workflowId, { delta, seed }]) => countOps(ctx, workflowId, delta, ownShard(shard ?? shardSeed(seed)), known)))).flat();
}

/** The keys pendingCountOps reads for these workflows on a transaction's `shard` (its guard and its own shard each). */
export function pendingShardKeys(workflowIds: Iterable<string>, shard: number): string[] {
  return [...new Set(workflowIds)].flatMap((workflowId) => [shardKey(workflowId, 0), shardKey(workflowId, ownShard(shard))]);
}

/** A new workflow starts with its guard written, so it never takes the from-the-index path (whose shard-0 writes would make parallel batches conflict). */
export function pendingCountInit(workflowId: string): TxOp {
  return { op: 'put', key: shardKey(workflowId, 0), value: { count: 0 }, condition: { kind: 'absent' } };
}

async function countAll(ctx: EngineContext, workflowId: string): Promise<number> {
  const shards = await readShards(ctx, workflowId, ALL_SHARDS);
  return shards[0].item ? shards.reduce((n, s) => n + s.count, 0) : countFromIndex(ctx, workflowId);
}

/** Whether approvals under the workflow are pending, by the same strongly consistent count the delete checks (ui.capabilities asks it). */
export async function hasPendingApprovals(ctx: EngineContext, workflowId: string): Promise<boolean> {
  return (await countAll(ctx, workflowId)) > 0;
}

/**
 * The ops that let a workflow's delete commit only if nothing under it is pending: shard 0 is
 * closed first, with its space's submit epoch moved on (entering changes stop: those planned before
 * fail on the epoch, later ones see the lease), then every shard is read; anything pending reopens
 * it and is 409 WORKFLOW_HAS_PENDING, else the op tombstones shard 0 under the closing version.
 */
export async function nothingPendingOps(ctx: EngineContext, workflow: { id: string; spaceId: string }): Promise<TxOp[]> {
  const workflowId = workflow.id;
  const [[guard], epoch] = await Promise.all([readShards(ctx, workflowId, [0]), ctx.store.get(keys.submitEpoch(workflow.spaceId))]);
  const base = guard.item ? guard.count : await countFromIndex(ctx, workflowId);
  await ctx.store.transact([put(guard, { count: base, closingUntil: ctx.clock.now() + CLOSING_LEASE_MS }), epochBump(ctx, workflow.spaceId, epoch)]);
  const shards = await readShards(ctx, workflowId, ALL_SHARDS);
  const closed = shards[0];
  if (shards.reduce((n, s) => n + s.count, 0) > 0) {
    // best effort: a reopen lost here is undone by the next submit once the lease ends
    await ctx.store.transact([put(closed, { count: closed.count })]).catch(() => undefined);
    throw new DomainError('WORKFLOW_HAS_PENDING', 'The workflow has pending approvals; it cannot be deleted until they finish.');
  }
  return [put(closed, { count: closed.count, workflowDeleted: true }, TOMBSTONE_TTL_SECONDS)];
}
