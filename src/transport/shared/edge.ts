/**
 * What the REST handler and the resolvers share around each engine call: rate limits (admit before,
 * count refusals after) and cursor sealing bound to the operation, caller and query.
 */
import type { Caller } from '../../core/domain/caller';
import type { KeyValueStore, StoredItem, TxOp } from '../../core/ports/store';
import type { ResultPage } from '../../core/services/engine';
import { CursorSeal } from './cursor-seal';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from './rate-limit';

export interface EdgeOptions {
  /** The app store (Forge KVS or the local store): rate-limit windows and the cursor secret live there. */
  store: KeyValueStore;
  /** Clock for windows, cursor expiry and idempotency (tests inject one). */
  now?: () => number;
  rateLimits?: RateLimits;
}

export interface Edge {
  limiter: RateLimiter;
  cursors: CursorSeal;
}

export function createEdge(options: EdgeOptions): Edge {
  return {
    limiter: new RateLimiter(options.store, options.rateLimits ?? DEFAULT_RATE_LIMITS, { now: options.now }),
    cursors: new CursorSeal(options.store, { now: options.now }),
  };
}

/** SPEC §4: audit records say `clientId: "unavailable"` when the platform gave none; that is no client. */
const NO_CLIENT = 'unavailable';

function subjectOf(caller: Caller): { accountId: string; clientId?: string } {
  const clientId = caller.clientId === NO_CLIENT ? undefined : caller.clientId;
  return { accountId: caller.accountId, clientId };
}

/** Before the engine call: refuses a blocked caller (429) and counts a write. */
export async function admit(edge: Edge, caller: Caller, writes: boolean): Promise<void> {
  await edge.limiter.admit(subjectOf(caller), writes);
}

/** admit() for a write whose counting ops join the caller's first transaction (see RateLimiter.writeOps); `alsoRead` rides in its read. */
export function writeOps(edge: Edge, caller: Caller, alsoRead?: string, slot?: number): Promise<{ ops: TxOp[]; also?: StoredItem }> {
  return edge.limiter.writeOps(subjectOf(caller), alsoRead, slot);
}

/** Answers that count against the denied-call limit: refusals (403, 404) and invalid requests (400, 413, 415). */
const COUNTED = new Set([400, 403, 404, 413, 415]);

/**
 * After it: a refusal of something not the caller's (403, 404), an invalid request, or a refusal the
 * engine answered with an empty list (`refused`, Invocation.onDenied) counts against the denied-call
 * limit. Counting never changes the answer the caller earned, nor fails it.
 */
export async function noteOutcome(edge: Edge, caller: Caller, status: number, refused = false): Promise<void> {
  if (!refused && !COUNTED.has(status)) return;
  await edge.limiter.recordDenied(subjectOf(caller)).catch(() => undefined);
}

/** Seals and opens the cursors of one list call, bound to its operation, caller and query. */
export interface ListCursor {
  /** the engine cursor inside the caller's cursor (undefined: first page) */
  open(): Promise<string | undefined>;
  /** the caller's next cursor for the engine's next cursor */
  seal(engineCursor: string | undefined): Promise<string | undefined>;
}

/** A feed cursor outlives the seal's default: the engine refuses it past event retention (410), the seal only past this. */
export const FEED_CURSOR_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

export function listCursorFor(edge: Edge, operation: string, caller: Caller, query: Record<string, unknown> & { cursor?: string }, options: { maxAgeMs?: number } = {}): ListCursor {
  const binding = { operation, accountId: caller.accountId, query };
  const cursors = edge.cursors.forRequest();
  return {
    open: () => cursors.open(query.cursor, binding, options.maxAgeMs),
    seal: (engineCursor) => cursors.seal(engineCursor, binding),
  };
}

/**
 * One page of a list the engine pages itself: the caller's sealed cursor is opened for the engine,
 * the engine's next cursor sealed for the caller (absent on the last page).
 */
export async function sealedResultPage<T>(listCursor: ListCursor, fetch: (cursor: string | undefined) => Promise<ResultPage<T>>): Promise<{ items: T[]; nextCursor?: string }> {
  const page = await fetch(await listCursor.open());
  const nextCursor = await listCursor.seal(page.nextCursor);
  return { items: page.items, ...(nextCursor ? { nextCursor } : {}) };
}
