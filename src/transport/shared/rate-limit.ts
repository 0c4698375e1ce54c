/**
 * Rate limits per user and per OAuth client (SPEC §9, docs/api.md "Rate limits"), kept in the app
 * store so they hold across Forge invocations. Forge KVS has no atomic increment, so each (kind,
 * subject, window) is a fixed-window counter split into shards, each with its share of the limit
 * (the shares sum to the limit exactly). A counted call reads shards in ONE batched get, picks a
 * shard with room and writes it +1 under a version condition: a lost race (CONDITION_FAILED) means
 * another call took that slot, so it reads again and picks again; a call finding every shard full
 * is refused. O(1) store calls and one read unit per call, whatever the window holds (issue 23).
 * The denied-call count that reaches its limit writes a block key, and every later call of that
 * account in the window is refused by the batched read (reads included).
 *
 * Contention (issue 23, bench section 4B): calls that read the same shard version and pick the
 * same shard conflict, so a burst commits at most one increment per shard per round. A user's
 * writes (one person's tools in parallel: the 50-client burst) are spread over 128 shards, of which
 * a call reads a random sample of SHARD_SAMPLE and reads the rest only when its sample has no room
 * (near the user's limit: ≤ 5 more batched gets, in parallel), so a refusal is still decided on
 * every shard. A client's counter (filled by many users, e.g. 600 of a CI client) keeps all 16
 * shards in the one get.
 * A write whose count commits with its change (the keyed page submit) may name a `slot`: the
 * pending-count shard its page writes in the same transaction. Its user shard is then that slot
 * (else the one half the ring away, else a random open one), so two such writes that meet on one
 * counter meet on the other too and one retry settles both, and a burst on nearby page ids takes
 * distinct shards (issue 23, bench 4B: random picks lost 9-14 of 50 submits to each other).
 * Cost per request (store operations):
 *   read  = 1 getMany (block key)
 *   write = 1 getMany (block key + the subjects' shards; keyed: also the key's record) + 1 transact
 *           (the shard increments); with an Idempotency-Key the increments ride in the key's claim
 *           transaction, no transact of their own; + ≤ 5 getMany when the user's sample is full
 *   a refusal (403/404), an invalid request (400/413/415) or an empty list the engine answered for a
 *   space the caller cannot view additionally = 1 getMany + 1 transact
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import { getManyByKey } from '../../core/services/store-reads';
import { StoreError, type KeyValueStore, type StoredItem, type TxOp } from '../../core/ports/store';

export interface WindowLimit {
  /** calls allowed per window */
  max: number;
  windowSeconds: number;
}

export interface RateLimits {
  writesPerUser: WindowLimit;
  writesPerClient: WindowLimit;
  /** refusals and invalid requests of one account, through any client or the UI */
  deniedPerUser: WindowLimit;
}

/** The documented defaults (docs/api.md). A legitimate 50-client burst of one user (100 writes) fits. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  writesPerUser: { max: 150, windowSeconds: 60 },
  writesPerClient: { max: 600, windowSeconds: 60 },
  deniedPerUser: { max: 30, windowSeconds: 60 },
};

export interface RateSubject {
  accountId: string;
  /** absent for Custom UI calls and for API calls whose client id the platform did not give */
  clientId?: string;
}

type Kind = 'write' | 'denied';
type Who = 'u' | 'c';
type Subject = { who: Who; id: string };

const PREFIX = 'rl:';
/** Shards per counter (capped at the limit, so a shard's share is at least 1); refusals count against the account only. */
const SHARDS = { write: { u: 128, c: 16 }, denied: { u: 8 } } as const;
/** User write shards a call reads first: block key + the claim's record + 7 + 16 client shards = 25 keys (Forge's batch limit). */
const SHARD_SAMPLE = 7;
const BlockSchema = z.object({ until: z.number(), windowMs: z.number().positive() });
const ShardSchema = z.object({ n: z.number().int().nonnegative() });

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/** Shard i's share of `max`: the shares differ by at most one and sum to `max`. */
const shareOf = (max: number, shards: number, i: number): number => Math.floor(max / shards) + (i < max % shards ? 1 : 0);

/** A write's own shards, first choice first: its slot and the shard half the ring away (see the header). */
function slotShards(keys: string[], slot: number): string[] {
  return [...new Set([keys[slot % keys.length], keys[(slot + Math.floor(keys.length / 2)) % keys.length]])];
}

/** `n` of `keys` at random (all when there are no more): concurrent calls start on different shards. */
function sample(keys: string[], n: number): string[] {
  if (keys.length <= n) return keys;
  const pool = [...keys];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}

const isConditionFailure = (err: unknown): boolean => err instanceof StoreError && err.code === 'CONDITION_FAILED';

export class RateLimiter {
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<KeyValueStore, 'getMany' | 'transact'>,
    private readonly limits: RateLimits = DEFAULT_RATE_LIMITS,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Who a kind of call is counted against: writes against the user and the client (its volume is the
   * client's); refusals against the account only, so one account probing through a client id that
   * others share blocks that account, not every user of the client.
   */
  private subjects(subject: RateSubject, kind: Kind): Subject[] {
    const out: Subject[] = [{ who: 'u', id: digest(subject.accountId) }];
    if (kind === 'write' && subject.clientId) out.push({ who: 'c', id: digest(subject.clientId) });
    return out;
  }

  private limitOf(kind: Kind, who: Who): WindowLimit {
    if (kind === 'write') return who === 'u' ? this.limits.writesPerUser : this.limits.writesPerClient;
    return this.limits.deniedPerUser;
  }

  /** The denied-call block of an account refuses everything it calls for the rest of the window. */
  private static blockKey(subject: RateSubject): string {
    return `${PREFIX}block:denied:u:${digest(subject.accountId)}`;
  }

  /** Refuses (429) a subject blocked earlier in its window; for writes, also counts the write. */
  async admit(subject: RateSubject, writes: boolean): Promise<void> {
    if (!writes) return this.refuseBlocked(await this.store.getMany([RateLimiter.blockKey(subject)]));
    for (;;) {
      try {
        return await this.store.transact((await this.writeOps(subject)).ops);
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
  }

  /**
   * A write's counting ops, for a caller that commits them in its own first transaction (the
   * Idempotency-Key claim) instead of one of their own: refuses (429) a blocked subject or a full
   * window now; if the commit fails with CONDITION_FAILED, another call took the slot: ask again.
   * `alsoRead`: a key of the caller's (the claim's record), read in the same batched get; `slot`: see the header.
   */
  async writeOps(subject: RateSubject, alsoRead?: string, slot?: number): Promise<{ ops: TxOp[]; also?: StoredItem }> {
    const now = this.now();
    const blockKey = RateLimiter.blockKey(subject);
    const counters = this.subjects(subject, 'write').map((s) => {
      const all = this.shardKeys('write', s, now);
      if (s.who !== 'u') return { limit: this.limitOf('write', s.who), all, first: all, own: [] };
      const own = slot === undefined ? [] : slotShards(all, slot);
      const first = [...own, ...sample(all.filter((key) => !own.includes(key)), SHARD_SAMPLE - own.length)];
      return { limit: this.limitOf('write', s.who), all, first, own };
    });
    const got = await this.store.getMany([blockKey, ...(alsoRead ? [alsoRead] : []), ...counters.flatMap((c) => c.first)]);
    this.refuseBlocked(got.filter((item) => item.key === blockKey));
    const byKey = new Map(got.map((item) => [item.key, item]));
    const ops = await Promise.all(
      counters.map(async ({ limit, all, first, own }) => {
        let op = this.increment(first, all, byKey, limit, own);
        if (!op && first.length < all.length) {
          // the sample is full: the other shards decide between one of them and a refusal
          for (const item of (await getManyByKey(this.store, all.filter((key) => !first.includes(key)))).values()) byKey.set(item.key, item);
          op = this.increment(all, all, byKey, limit);
        }
        if (!op) throw this.refusal(this.windowEnd(limit, now) - now);
        return op;
      }),
    );
    const also = alsoRead ? byKey.get(alsoRead) : undefined;
    return { ops, ...(also ? { also } : {}) };
  }

  private refuseBlocked(blocks: StoredItem[]): void {
    const now = this.now();
    for (const item of blocks) {
      const block = BlockSchema.safeParse(item.value);
      // A block never lasts longer than its window, even if the clock went back (a restart, a reset offset).
      const wait = block.success ? block.data.until - now : 0;
      if (block.success && wait > 0 && wait <= block.data.windowMs) throw this.refusal(wait);
    }
  }

  /** Counts a refused call (403/404); the one that reaches the limit blocks the account for the rest of the window. */
  async recordDenied(subject: RateSubject): Promise<void> {
    const [s] = this.subjects(subject, 'denied');
    const limit = this.limitOf('denied', s.who);
    for (;;) {
      const now = this.now();
      const keys = this.shardKeys('denied', s, now);
      const byKey = new Map((await this.store.getMany(keys)).map((item) => [item.key, item]));
      const op = this.increment(keys, keys, byKey, limit);
      const counted = keys.reduce((sum, key) => sum + this.countOf(byKey.get(key)), 0) + (op ? 1 : 0);
      const windowMs = limit.windowSeconds * 1000;
      const block: TxOp[] =
        counted >= limit.max ? [{ op: 'put', key: RateLimiter.blockKey(subject), value: { until: this.windowEnd(limit, now), windowMs }, ttlSeconds: limit.windowSeconds * 2 }] : [];
      try {
        return await this.store.transact([...(op ? [op] : []), ...block]);
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
  }

  /**
   * +1 on a shard of `candidates` (all read) that still has room, version-conditioned: the first of
   * `own` with room, else a random one; undefined when they are all full. A shard's share is by its
   * place among `all` of the counter.
   */
  private increment(candidates: string[], all: string[], byKey: Map<string, StoredItem>, limit: WindowLimit, own: string[] = []): TxOp | undefined {
    const open = candidates.flatMap((key) => {
      const n = this.countOf(byKey.get(key));
      return n < shareOf(limit.max, all.length, all.indexOf(key)) ? [{ key, n }] : [];
    });
    if (open.length === 0) return undefined;
    // the first of `own` with room, in its order
    const mine = own.map((k) => open.find((o) => o.key === k)).find((o) => o !== undefined);
    const { key, n } = mine ?? open[Math.floor(Math.random() * open.length)];
    const item = byKey.get(key);
    return { op: 'put', key, value: { n: n + 1 }, condition: item ? { kind: 'version', version: item.version } : { kind: 'absent' }, ttlSeconds: limit.windowSeconds * 2 };
  }

  /** A shard's count; an unreadable one counts as full (never lets more through). */
  private countOf(item: StoredItem | undefined): number {
    if (!item) return 0;
    const parsed = ShardSchema.safeParse(item.value);
    return parsed.success ? parsed.data.n : Number.MAX_SAFE_INTEGER;
  }

  private shardKeys(kind: Kind, s: Subject, now: number): string[] {
    const limit = this.limitOf(kind, s.who);
    const size = limit.windowSeconds * 1000;
    const windowStart = Math.floor(now / size) * size;
    const prefix = `${PREFIX}${kind}:${s.who}:${s.id}:${windowStart.toString(36)}:`;
    return Array.from({ length: Math.min(kind === 'write' ? SHARDS.write[s.who] : SHARDS.denied.u, limit.max) }, (_, i) => `${prefix}${i}`);
  }

  private windowEnd(limit: WindowLimit, now: number): number {
    const size = limit.windowSeconds * 1000;
    return Math.floor(now / size) * size + size;
  }

  private refusal(waitMs: number): DomainError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new DomainError('RATE_LIMITED', `Too many requests; retry in ${seconds} s.`, undefined, seconds);
  }
}
