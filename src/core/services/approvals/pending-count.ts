/**
 * How many approvals under a workflow are pending, on strongly consistent keys. Index queries are
 * eventually consistent on Forge (docs/forge-platform.md U22): a submit made a moment ago may not
 * show in the `pending-by-wf` index yet, so "nothing pending" (deleting a workflow) is decided on
 * these keys, read with `getMany` and changed in the same transaction as every approval that enters
 * or leaves `pending` (submit, change-set batches, decide, cancel, clearing an assignment).
 *
 * The count is split over PENDING_SHARDS keys whose sum is the count (a shard may go negative: an
 * approval counted on one shard may leave through another), so the parallel batches of one
 * change-set submit do not all conflict on one key. Deleting the workflow tombstones every shard
 * under version conditions, so a submit planned on the deleted workflow conflicts and is refused.
 * A workflow without any shard (approvals from before the counter) takes its count from the index
 * once, written to shard 0 so two such first writers conflict instead of both adding it.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { StoredItem, TxOp } from '../../ports/store';
import { STORE_LIMITS } from '../../ports/store';
import type { EngineContext } from '../context';
import { getManyByKey } from '../store-reads';
import { approvalIndex, keys } from '../keys';

export const PENDING_SHARDS = 8;

const shardSchema = z.object({ count: z.number().int(), workflowDeleted: z.literal(true).optional() }).strict();

/** A tombstone outlives any request that could still hold the deleted workflow in memory. */
const TOMBSTONE_TTL_SECONDS = 24 * 60 * 60;

interface Shard { key: string; item?: StoredItem; count: number; workflowDeleted: boolean }

async function readShards(ctx: EngineContext, workflowId: string): Promise<{ shards: Shard[]; legacy: boolean }> {
  const shardKeys = Array.from({ length: PENDING_SHARDS }, (_, i) => keys.workflowPendingShard(workflowId, i));
  const got = await getManyByKey(ctx.store, shardKeys);
  const shards = shardKeys.map((key): Shard => {
    const item = got.get(key);
    const parsed = item ? shardSchema.safeParse(item.value) : undefined;
    const value = parsed?.success ? parsed.data : undefined;
    return { key, ...(item ? { item } : {}), count: value?.count ?? 0, workflowDeleted: value?.workflowDeleted === true };
  });
  return { shards, legacy: shards.every((s) => !s.item) };
}

/** Only for a workflow without shards: nothing was submitted under it since the counter exists, so the index has caught up. */
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

/** A stable shard for a transaction (the change-set batches pass their batch number). */
export function shardFor(seed: string): number {
  let h = 0;
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % PENDING_SHARDS;
}

/**
 * One op per workflow moving its pending count by how many of `entering` enter and of `leaving`
 * leave `pending` in this transaction, conditioned on the shard it read. A submit under a deleted
 * workflow is refused (409 NO_WORKFLOW), as eligibility would refuse it.
 */
export async function pendingCountOps(
  ctx: EngineContext,
  changes: { entering?: { id: string; workflowId: string }[]; leaving?: { id: string; workflowId: string }[] },
  shard?: number,
): Promise<TxOp[]> {
  const deltas = new Map<string, { delta: number; seed: string }>();
  const add = (a: { id: string; workflowId: string }, by: number) => deltas.set(a.workflowId, { delta: (deltas.get(a.workflowId)?.delta ?? 0) + by, seed: deltas.get(a.workflowId)?.seed ?? a.id });
  for (const a of changes.entering ?? []) add(a, 1);
  for (const a of changes.leaving ?? []) add(a, -1);
  return Promise.all(
    [...deltas].map(async ([workflowId, { delta, seed }]): Promise<TxOp> => {
      const { shards, legacy } = await readShards(ctx, workflowId);
      if (delta > 0 && shards.some((s) => s.workflowDeleted)) throw new DomainError('NO_WORKFLOW', 'The workflow was deleted; submit again to use the current one.');
      // always one of the PENDING_SHARDS read above
      const target = shards[legacy ? 0 : (shard ?? shardFor(seed)) % PENDING_SHARDS]!;
      const base = legacy ? await countFromIndex(ctx, workflowId) : target.count;
      const value = { count: base + delta, ...(target.workflowDeleted ? { workflowDeleted: true as const } : {}) };
      return { op: 'put', key: target.key, value, condition: conditionOn(target.item), ...(target.workflowDeleted ? { ttlSeconds: TOMBSTONE_TTL_SECONDS } : {}) };
    }),
  );
}

/** A new workflow starts with its count written, so it never takes the from-the-index path (whose shard-0 writes would make parallel batches conflict). */
export function pendingCountInit(workflowId: string): TxOp {
  return { op: 'put', key: keys.workflowPendingShard(workflowId, 0), value: { count: 0 }, condition: { kind: 'absent' } };
}

async function countOf(ctx: EngineContext, workflowId: string, read: Awaited<ReturnType<typeof readShards>>): Promise<number> {
  return read.legacy ? countFromIndex(ctx, workflowId) : read.shards.reduce((n, s) => n + s.count, 0);
}

/** Whether approvals under the workflow are pending, by the same strongly consistent count the delete checks (ui.capabilities asks it). */
export async function hasPendingApprovals(ctx: EngineContext, workflowId: string): Promise<boolean> {
  return (await countOf(ctx, workflowId, await readShards(ctx, workflowId))) > 0;
}

/**
 * The ops that let a workflow's delete commit only if nothing under it is pending: every shard
 * tombstoned under the version it was read at (a concurrent submit makes the delete retry), or
 * 409 WORKFLOW_HAS_PENDING.
 */
export async function nothingPendingOps(ctx: EngineContext, workflowId: string): Promise<TxOp[]> {
  const read = await readShards(ctx, workflowId);
  const { shards } = read;
  if ((await countOf(ctx, workflowId, read)) > 0) throw new DomainError('WORKFLOW_HAS_PENDING', 'The workflow has pending approvals; it cannot be deleted until they finish.');
  return shards.map((s) => ({ op: 'put', key: s.key, value: { count: s.count, workflowDeleted: true }, condition: conditionOn(s.item), ttlSeconds: TOMBSTONE_TTL_SECONDS }));
}
