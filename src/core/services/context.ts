/**
 * What every engine service shares: ports, the audit trail, batched store reads, the bounded
 * optimistic-concurrency retry loop and the 25-operation transaction guard.
 */
import type { KeyValueStore, StoredItem, TxOp } from '../ports/store';
import { STORE_LIMITS, StoreError } from '../ports/store';
import type { ConfluenceSite } from '../ports/confluence';
import type { Directory } from '../ports/directory';
import type { Clock, IdGenerator } from '../ports/clock';
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import type { AuditAction } from '../domain/model';
import { AuditTrail, headAfter } from '../audit';
import type { AuditEntry, AuditHeadHint } from '../audit';

export interface EngineDeps {
  store: KeyValueStore;
  confluence: ConfluenceSite;
  clock: Clock;
  ids: IdGenerator;
  /** name search for the UI's pickers (absent: search is unavailable) */
  directory?: Directory;
}

/** Error logger that never receives tokens or payload bodies: only a code and ids. */
export type EngineLogger = (message: string, fields: Record<string, string | number | undefined>) => void;

export interface EngineContext extends EngineDeps {
  audit: AuditTrail;
  log: EngineLogger;
  /** sleep used between retries (tests may shorten it) */
  sleep: (ms: number) => Promise<void>;
}

export function createContext(deps: EngineDeps, log?: EngineLogger): EngineContext {
  return {
    ...deps,
    audit: new AuditTrail({ store: deps.store, clock: deps.clock, ids: deps.ids }),
    log: log ?? ((message, fields) => console.warn(`[approvalflow] ${message}`, JSON.stringify(fields))),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** Refuse (as a bug, before calling the store) a transaction the store would reject for size. */
export function assertTxSize(ops: TxOp[]): TxOp[] {
  if (ops.length < 1 || ops.length > STORE_LIMITS.maxTransactionOps) {
    throw new DomainError('internal', 'TRANSACTION_TOO_LARGE', 'The operation could not be completed.');
  }
  return ops;
}

export const MAX_ATTEMPTS = 60;
const BASE_DELAY_MS = 2;
const MAX_DELAY_MS = 40;

/**
 * Optimistic concurrency: run read-decide-write `step` until its transaction commits. A failed
 * condition means someone else wrote first: re-read and decide again (the new state may make the
 * action invalid, which `step` then throws as a DomainError). Full-jitter backoff spreads retries;
 * after MAX_ATTEMPTS the caller gets a clean 409 to retry.
 */
export async function withRetry<T>(ctx: EngineContext, step: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!(err instanceof StoreError) || err.code !== 'CONDITION_FAILED') throw mapStoreError(err);
      if (attempt + 1 >= MAX_ATTEMPTS) {
        throw new DomainError('conflict', 'CONCURRENT_MODIFICATION', 'The object was changed concurrently; please retry.');
      }
      const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 10));
      await ctx.sleep(Math.random() * cap);
    }
  }
}

function mapStoreError(err: unknown): unknown {
  if (err instanceof StoreError && err.code === 'RATE_LIMITED') {
    return new DomainError('rate_limited', 'RATE_LIMITED', 'Storage is busy; please retry shortly.');
  }
  if (err instanceof StoreError && err.code === 'UNAVAILABLE') {
    return new DomainError('internal', 'STORE_UNAVAILABLE', 'Storage is temporarily unavailable; please retry.');
  }
  return err;
}

/** getMany in chunks of the store's batch limit, in parallel; result keyed by store key. */
export async function getManyByKey(store: KeyValueStore, storeKeys: string[]): Promise<Map<string, StoredItem>> {
  const unique = [...new Set(storeKeys)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += STORE_LIMITS.maxBatchGet) chunks.push(unique.slice(i, i + STORE_LIMITS.maxBatchGet));
  const results = await Promise.all(chunks.map((chunk) => store.getMany(chunk)));
  const out = new Map<string, StoredItem>();
  for (const items of results) for (const item of items) out.set(item.key, item);
  return out;
}

/** Every page of a prefix query (used only where the result is bounded, e.g. a space's workflows). */
export async function queryAll(store: KeyValueStore, prefix: string): Promise<StoredItem[]> {
  const out: StoredItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ prefix, limit: STORE_LIMITS.maxQueryLimit, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export function auditEntry(
  caller: Caller,
  action: AuditAction,
  spaceId: string,
  fields: Partial<Omit<AuditEntry, 'actor' | 'action' | 'spaceId' | 'source' | 'clientId'>> = {},
): AuditEntry {
  return {
    actor: caller.accountId,
    action,
    spaceId,
    source: caller.source,
    ...(caller.source === 'api' && caller.clientId ? { clientId: caller.clientId } : {}),
    ...fields,
    details: fields.details ?? {},
  };
}

/**
 * Commit `ops` plus the audit ops of `entries` in ONE transaction. The audit head is read inside,
 * unless `knownHead` (from a previous commit of the same request) says where it is. Returns the
 * head this commit left, for the next commit of a sequential loop.
 */
export async function commitWithAudit(ctx: EngineContext, ops: TxOp[], entries: AuditEntry[], knownHead?: AuditHeadHint): Promise<AuditHeadHint | undefined> {
  const auditOps = await ctx.audit.prepareAppend(entries, knownHead);
  await ctx.store.transact(assertTxSize([...ops, ...auditOps]));
  return headAfter(auditOps);
}

/**
 * A refused attempt changes nothing but is recorded (`access.denied`, its own small transaction),
 * then the refusal is thrown. Recording failures never mask the refusal.
 */
export async function deny(
  ctx: EngineContext,
  caller: Caller,
  error: DomainError,
  spaceId: string,
  fields: Partial<Omit<AuditEntry, 'actor' | 'action' | 'spaceId' | 'source' | 'clientId'>> & { operation: string },
): Promise<never> {
  const { operation, details, ...rest } = fields;
  try {
    await withRetry(ctx, () =>
      commitWithAudit(ctx, [], [auditEntry(caller, 'access.denied', spaceId, { ...rest, details: { ...details, operation, code: error.code } })]),
    );
  } catch (err) {
    ctx.log('could not record access.denied', { code: err instanceof DomainError ? err.code : 'UNKNOWN', operation });
  }
  throw error;
}
