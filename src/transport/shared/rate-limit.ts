/**
 * Rate limits per user and per OAuth client (SPEC §9, docs/api.md "Rate limits"), kept in the app
 * store so they hold across Forge invocations. Forge KVS has no atomic increment, so a counter would
 * lose counts under concurrency; instead every counted call writes one marker key (TTL) into a fixed
 * window and ranks itself among the window's markers with a prefix query (keys sort by time): the
 * first `max` markers pass. The marker is written before it is ranked, so a burst of concurrent calls
 * cannot all see an empty window. When a window is
 * exhausted a block key is written, and every later call of that subject in the window that the limit
 * covers is refused by one batched read (no more markers): a write block refuses writes (reads go on,
 * so a CI client can still poll), a denied-call block refuses everything. Cost per request (store operations):
 *   read  = 1 getMany (block keys)
 *   write = 1 getMany + 1 transact (markers) + 1 query per subject (user, client); with an
 *           Idempotency-Key the markers ride in the key's claim transaction (prepareWrite), no transact of their own
 *   a refusal (403/404), an invalid request (400/413/415) or an empty list the engine answered for a
 *   space the caller cannot view additionally = 1 transact + 1 query
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import type { KeyValueStore, TxOp } from '../../core/ports/store';

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

const PREFIX = 'rl:';
const QUERY_PAGE = 100;
const BlockSchema = z.object({ until: z.number(), windowMs: z.number().positive() });
const SEQUENCE_SPAN = 36 ** 4;
let sequence = 0;

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

export class RateLimiter {
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<KeyValueStore, 'getMany' | 'query' | 'transact'>,
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
  private subjects(subject: RateSubject, kind: Kind): { who: Who; id: string }[] {
    const out: { who: Who; id: string }[] = [{ who: 'u', id: digest(subject.accountId) }];
    if (kind === 'write' && subject.clientId) out.push({ who: 'c', id: digest(subject.clientId) });
    return out;
  }

  private limitOf(kind: Kind, who: Who): WindowLimit {
    if (kind === 'write') return who === 'u' ? this.limits.writesPerUser : this.limits.writesPerClient;
    return this.limits.deniedPerUser;
  }

  /** A block refuses what was limited: a write block refuses writes, a denied-call block everything. */
  private static blockKey(kind: Kind, who: Who, id: string): string {
    return `${PREFIX}block:${kind}:${who}:${id}`;
  }

  /** Refuses (429) a subject blocked earlier in its window; for writes, also counts the write. */
  async admit(subject: RateSubject, writes: boolean): Promise<void> {
    if (!writes) return this.refuseBlocked(this.blockKeys(subject, false));
    const write = await this.prepareWrite(subject);
    await this.store.transact(write.ops);
    await write.confirm();
  }

  /**
   * A write in two halves, so its markers can ride in the caller's own first transaction (the
   * Idempotency-Key claim) instead of one of their own: refuses a blocked subject now, returns the
   * marker ops to commit, and `confirm()` (after they committed) ranks them: 429 past the limit.
   */
  async prepareWrite(subject: RateSubject): Promise<{ ops: TxOp[]; confirm(): Promise<void> }> {
    const subjects = this.subjects(subject, 'write');
    await this.refuseBlocked(this.blockKeys(subject, true));
    const now = this.now();
    const ops = this.marks(subjects, 'write', now);
    return { ops, confirm: () => this.rank(subjects, 'write', ops, now) };
  }

  private blockKeys(subject: RateSubject, writes: boolean): string[] {
    const denied = this.subjects(subject, 'denied').map((s) => RateLimiter.blockKey('denied', s.who, s.id));
    return writes ? [...denied, ...this.subjects(subject, 'write').map((s) => RateLimiter.blockKey('write', s.who, s.id))] : denied;
  }

  private async refuseBlocked(blockKeys: string[]): Promise<void> {
    const blocks = await this.store.getMany(blockKeys);
    const now = this.now();
    for (const item of blocks) {
      const block = BlockSchema.safeParse(item.value);
      // A block never lasts longer than its window, even if the clock went back (a restart, a reset offset).
      const wait = block.success ? block.data.until - now : 0;
      if (block.success && wait > 0 && wait <= block.data.windowMs) throw this.refusal(wait);
    }
  }

  /** Counts a refused call (403/404); the one that reaches the limit blocks the subject for the rest of the window. */
  async recordDenied(subject: RateSubject): Promise<void> {
    await this.count(this.subjects(subject, 'denied'), 'denied');
  }

  /**
   * Writes this call's marker, then ranks it among the window's markers (keys sort by time, then a
   * per-process sequence, then random bytes). A write ranked past the limit is refused; the denied call that reaches the limit
   * blocks its subject. Either way the subject's block key spares later calls the counting.
   */
  private async count(subjects: { who: Who; id: string }[], kind: Kind): Promise<void> {
    const now = this.now();
    const marks = this.marks(subjects, kind, now);
    await this.store.transact(marks);
    await this.rank(subjects, kind, marks, now);
  }

  private marks(subjects: { who: Who; id: string }[], kind: Kind, now: number): TxOp[] {
    // Time, then a per-process sequence (calls within one millisecond keep their order), then random.
    sequence = (sequence + 1) % SEQUENCE_SPAN;
    const stamp = `${now.toString(36).padStart(9, '0')}-${sequence.toString(36).padStart(4, '0')}-${randomBytes(6).toString('hex')}`;
    return subjects.map((s) => {
      const { windowStart, limit } = this.window(kind, s.who, now);
      // a fresh key: `absent` lets Forge check it without reading it first (issue 23)
      return { op: 'put', key: this.windowPrefix(kind, s.who, s.id, windowStart) + stamp, value: 1, condition: { kind: 'absent' }, ttlSeconds: limit.windowSeconds * 2 };
    });
  }

  /** Ranks committed markers (one per subject, in `marks` order); see count(). */
  private async rank(subjects: { who: Who; id: string }[], kind: Kind, marks: TxOp[], now: number): Promise<void> {
    for (const [i, s] of subjects.entries()) {
      const { windowStart, limit } = this.window(kind, s.who, now);
      const rank = await this.rankOf(marks[i].key, this.windowPrefix(kind, s.who, s.id, windowStart), limit.max + 1);
      const over = kind === 'write' ? rank > limit.max : rank >= limit.max;
      if (!over) continue;
      const windowMs = limit.windowSeconds * 1000;
      const until = windowStart + windowMs;
      await this.store.transact([{ op: 'put', key: RateLimiter.blockKey(kind, s.who, s.id), value: { until, windowMs }, ttlSeconds: limit.windowSeconds * 2 }]);
      if (kind === 'write') throw this.refusal(until - now);
    }
  }

  private window(kind: Kind, who: Who, now: number): { windowStart: number; limit: WindowLimit } {
    const limit = this.limitOf(kind, who);
    const size = limit.windowSeconds * 1000;
    return { windowStart: Math.floor(now / size) * size, limit };
  }

  private windowPrefix(kind: Kind, who: Who, id: string, windowStart: number): string {
    return `${PREFIX}${kind}:${who}:${id}:${windowStart.toString(36)}:`;
  }

  /** Position of `ownKey` among the window's markers (1-based), counted only as far as `enough` (one query per 100). */
  private async rankOf(ownKey: string, prefix: string, enough: number): Promise<number> {
    let rank = 0;
    let cursor: string | undefined;
    do {
      const page = await this.store.query({ prefix, limit: QUERY_PAGE, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) {
        rank += 1;
        if (item.key === ownKey || rank >= enough) return rank;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return rank;
  }

  private refusal(waitMs: number): DomainError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new DomainError('RATE_LIMITED', `Too many requests; retry in ${seconds} s.`, undefined, seconds);
  }
}
