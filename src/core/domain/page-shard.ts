/**
 * Which pending-count shard a write lands on (issue 23): a pure rule shared by the engine's pending
 * counts (`services/approvals/pending-count.ts`) and the REST API's rate limiter, which counts a
 * keyed page submit on the same slot so that two submits meeting on one counter meet on the other.
 */

/** Shards of a workflow's pending count; shard 0 is the guard, 1..PENDING_SHARDS-1 take writes. */
export const PENDING_SHARDS = 128;

/**
 * A stable number for a string: the transaction number of a single submit (its page id), so submits
 * of different pages spread. A numeric id counts by its value: ids allocated close together (one
 * author's or one import's pages) land on distinct shards as long as they span fewer than 127 (issue
 * 23: the string hash weighed each digit by 31, so ids ~43 apart shared a shard, 6 of bench 4B's 50
 * consecutive pages). Unrelated ids spread as randomly as before.
 */
export function shardSeed(seed: string): number {
  if (/^\d+$/.test(seed)) return Number(BigInt(seed) % BigInt(PENDING_SHARDS - 1));
  let h = 0;
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** The shard (1..PENDING_SHARDS-1: never the guard) a transaction numbered `n` writes (the change-set batches pass their batch number). */
export const ownShard = (n: number): number => 1 + (n % (PENDING_SHARDS - 1));

/** The shard a single submit of this page writes (submit.ts passes its seed); the API's rate limiter counts the submit on the same number. */
export const pageShard = (pageId: string): number => ownShard(shardSeed(pageId));
