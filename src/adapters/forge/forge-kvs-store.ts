/**
 * KeyValueStore on Forge KVS custom entities (manifest `app.storage.entities`, entity `af-item`).
 *
 * Every item is one entity `{ns, k, ver, data}` whose entity key is the store key: `ns` (namespace,
 * text before the first ':') is the partition of index `by-ns-key` and `k` its range, so a prefix
 * query is one index query; `ver` carries the store version so transactions can use Forge
 * conditions (`Filter` on `ver`) for optimistic concurrency. See docs/store-contract.md.
 */
import { retryOnConflict } from '../../core/shared/retry-on-conflict';
import { Filter, FilterConditions, ForgeKvsAPIError, MetadataField, Sort, WhereConditions, kvs } from '@forge/kvs';
import { z } from 'zod';
import type { Clock } from '../../core/ports/clock';
import { StoreError } from '../../core/ports/store';
import type { Condition, EntityItem, EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../../core/ports/store';
import { assertKey, conditionHolds, encodeCursor, envelopeOf, expiryOf, namespaceOf, prepareGetManyKeys, prepareQuery } from '../store/kvs-rules';
import type { ItemEnvelope } from '../store/kvs-rules';
import { prepareTransaction, type PreparedOp } from '../store/transaction-rules';
import { entityCondition, getEntities, queryEntity } from './forge-entities';
import { forge, toStoreError } from './forge-errors';

export { toStoreError };

export const FORGE_ITEM_ENTITY = 'af-item';
export const FORGE_ITEM_INDEX = 'by-ns-key';

/** Expired items may linger on Forge for up to 48 h, so every read asks for the expiry and filters. */
const WITH_EXPIRY = { metadataFields: [MetadataField.EXPIRE_TIME] };

// Re-validated on every read: storage is an external input.
const envelopeSchema = z.object({
  ns: z.string(),
  k: z.string(),
  ver: z.number().int().min(1),
  data: z.unknown(),
  exp: z.number().optional(),
});

/** What Forge holds for a key right now, expired-but-lingering included. */
interface Observed {
  ver: number;
  data: unknown;
  expired: boolean;
}

export interface ForgeKvsStoreOptions {
  clock?: Clock;
  /** Attempts for a transaction whose read-derived conditions keep going stale under contention. */
  maxAttempts?: number;
}

export class ForgeKvsStore implements KeyValueStore {
  private readonly clock: Clock;
  private readonly maxAttempts: number;

  constructor(options: ForgeKvsStoreOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.maxAttempts = options.maxAttempts ?? 4;
  }

  async get<T = unknown>(key: string): Promise<StoredItem<T> | undefined> {
    assertKey(key);
    const result = await forge(() => kvs.entity<ItemEnvelope>(FORGE_ITEM_ENTITY).get(key, WITH_EXPIRY));
    if (!result) return undefined;
    const envelope = parseEnvelope(key, result.value);
    if (this.isExpired(result.expireTime, envelope.exp)) return undefined;
    return { key, value: envelope.data as T, version: envelope.ver };
  }

  async getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]> {
    const unique = prepareGetManyKeys(keys);
    const observed = await this.observe(unique.map((key) => ({ key })));
    return unique.flatMap((key) => {
      const item = observed.get(key);
      return item && !item.expired ? [{ key, value: item.data as T, version: item.ver }] : [];
    });
  }

  async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    const q = prepareQuery(options, 'forge');
    const builder = kvs
      .entity<ItemEnvelope>(FORGE_ITEM_ENTITY)
      .query(WITH_EXPIRY)
      .index(FORGE_ITEM_INDEX, { partition: [q.namespace] })
      .where(WhereConditions.beginsWith(q.prefix))
      .sort(q.order === 'asc' ? Sort.ASC : Sort.DESC)
      .limit(q.limit);
    if (q.after !== undefined) builder.cursor(q.after);
    const page = await forge(() => builder.getMany());
    // Filtering lingering expired items can leave a short (even empty) page that still has a cursor.
    const items = page.results.flatMap((result) => {
      const envelope = parseEnvelope(result.key, result.value);
      return this.isExpired(result.expireTime, envelope.exp) ? [] : [{ key: result.key, value: envelope.data as T, version: envelope.ver }];
    });
    return page.nextCursor ? { items, nextCursor: encodeCursor('forge', q, page.nextCursor) } : { items };
  }

  /**
   * Forge has no "increment version" operation, so each put writes `ver` explicitly and conditions
   * the write on the version it replaces:
   *  - put with condition version n: writes ver n+1, condition ver == n (no read);
   *  - put with condition absent: writes ver 1, condition notExists (no read);
   *  - put with no condition or condition exists: costs ONE batchGet for all such keys first, then
   *    writes current+1 conditioned on the version read (so two writers can never both produce n+1).
   * Forge's code for a failed condition is UNCONFIRMED, so ANY 4xx (but 429) from the transaction is
   * treated as possibly one: all keys are re-read (one batchGet) and the store decides. If the caller's
   * own conditions fail: CONDITION_FAILED. If they hold and something moved (a version we read went
   * stale, an expired item lingering), retry pinned to what was just read. If nothing moved and the
   * code is not condition-like, the 4xx was about the request itself and is reported as such.
   */
  async transact(ops: TxOp[]): Promise<void> {
    const prepared = prepareTransaction(ops);
    const readFirst = prepared.filter(needsRead);
    let observed = readFirst.length > 0 ? await this.observe(readFirst) : undefined;
    let pinAll = false;
    const isPossibleConflict = (raw: unknown) => toStoreError(raw).code === 'CONDITION_FAILED' || isClientRejection(raw);
    await retryOnConflict(
      {
        maxAttempts: this.maxAttempts,
        baseDelayMs: 0,
        maxDelayMs: 0,
        isConflict: isPossibleConflict,
        onConflict: async (raw) => {
          const error = toStoreError(raw);
          const before = pinAll ? snapshot(observed) : undefined;
          observed = await this.observe(prepared);
          assertCallerConditions(prepared, observed);
          // Nothing moved and the code is not condition-like: the 4xx was about the request itself.
          if (error.code !== 'CONDITION_FAILED' && before === snapshot(observed)) throw error;
          pinAll = true;
        },
        exhausted: () => {
          if (observed) assertCallerConditions(prepared, observed);
          return new StoreError('UNAVAILABLE', 'The items kept changing while writing; try again.');
        },
      },
      async () => {
        if (observed) assertCallerConditions(pinAll ? prepared : readFirst, observed);
        try {
          await this.buildTransaction(prepared, observed ?? new Map<string, Observed>(), pinAll).execute();
        } catch (raw) {
          throw isPossibleConflict(raw) ? raw : toStoreError(raw);
        }
      },
    );
  }

  private buildTransaction(ops: PreparedOp[], observed: Map<string, Observed>, pinAll: boolean) {
    const tx = kvs.transact();
    for (const op of ops) {
      if (op.entity) {
        // Declared entities carry no version: their own absent/exists condition, never pinned.
        const options = { entityName: op.entity.name, conditions: entityCondition(op.entity, op.condition) };
        if (op.op === 'put') tx.set(op.key, op.value as Record<string, unknown>, options);
        else if (op.op === 'delete') tx.delete(op.key, options);
        else tx.check(op.key, { entityName: op.entity.name, conditions: entityCondition(op.entity, op.condition) as NonNullable<ReturnType<typeof entityCondition>> });
        continue;
      }
      const pinned = needsRead(op) || (pinAll && op.condition !== undefined);
      const current = observed.get(op.key);
      const conditions = pinned ? pinTo(current) : op.condition && forgeCondition(op.condition);
      const entity = { entityName: FORGE_ITEM_ENTITY, conditions };
      if (op.op === 'put') {
        const version = pinned ? (current && !current.expired ? current.ver + 1 : 1) : nextVersion(op.condition);
        // TTL must be the 4th argument: @forge/kvs 1.6.5 ignores a ttl passed with the entity options.
        const options = op.ttlSeconds === undefined ? undefined : { ttl: { value: op.ttlSeconds, unit: 'SECONDS' as const } };
        tx.set<ItemEnvelope>(op.key, envelopeOf(op.key, version, op.value, expiryOf(this.clock.now(), op.ttlSeconds)), entity, options);
      } else if (op.op === 'delete') {
        tx.delete<ItemEnvelope>(op.key, entity);
      } else {
        tx.check<ItemEnvelope>(op.key, { entityName: FORGE_ITEM_ENTITY, conditions: conditions ?? pinTo(current) });
      }
    }
    return tx;
  }

  /**
   * One batchGet (≤25 keys) of the raw items, expired ones included and flagged. Items of declared
   * entities are observed for presence only (version 1), which is all their conditions test.
   */
  private async observe(ops: Array<Pick<PreparedOp, 'key' | 'entity'>>): Promise<Map<string, Observed>> {
    const observed = new Map<string, Observed>();
    if (ops.length === 0) return observed;
    const entityOf = new Map(ops.map((op) => [op.key, op.entity?.name ?? FORGE_ITEM_ENTITY]));
    // The wire format accepts per-item options (BatchGetItem.options) though the typed signature omits them.
    const items = ops.map((op) => ({ key: op.key, entityName: entityOf.get(op.key), ...(op.entity ? {} : { options: WITH_EXPIRY }) }));
    const result = await forge(() => kvs.batchGet<unknown>(items));
    const failed = (result.failedKeys ?? []).filter((failure) => failure.error?.code !== 'KEY_NOT_FOUND');
    if (failed.length > 0) {
      throw new StoreError('UNAVAILABLE', `Forge storage could not read ${failed.length} item(s) (${failed[0].error?.code}).`);
    }
    for (const success of result.successfulKeys ?? []) {
      const entityName = entityOf.get(success.key);
      if (entityName === undefined || (success.entityName !== undefined && success.entityName !== entityName)) continue;
      if (entityName !== FORGE_ITEM_ENTITY) {
        observed.set(success.key, { ver: 1, data: success.value, expired: false }); // declared entities: presence only
        continue;
      }
      const envelope = parseEnvelope(success.key, success.value);
      observed.set(success.key, { ver: envelope.ver, data: envelope.data, expired: this.isExpired(success.expireTime, envelope.exp) });
    }
    return observed;
  }

  getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    return forge(() => getEntities<T>(entity, keys));
  }

  queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    return forge(() => queryEntity<T>(query));
  }

  /** Expired by Forge's metadata or by the envelope's own expiry (whichever is known). */
  private isExpired(expireTime: string | undefined, exp: number | undefined): boolean {
    const now = this.clock.now();
    return (expireTime !== undefined && Date.parse(expireTime) <= now) || (exp !== undefined && exp <= now);
  }
}

/** A 4xx other than throttling: the request was refused as sent (maybe a failed condition under another code). */
function isClientRejection(raw: unknown): boolean {
  const status = raw instanceof ForgeKvsAPIError ? raw.responseDetails?.status : undefined;
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}

/** Versions (and expiry) of what was observed, to tell "something moved" from "nothing changed". */
function snapshot(observed: Map<string, Observed> | undefined): string {
  return JSON.stringify([...(observed ?? new Map<string, Observed>()).entries()].map(([k, o]) => [k, o.ver, o.expired]).sort());
}

/** Puts whose new version depends on the current one (no condition, or only "exists"). */
function needsRead(op: PreparedOp): boolean {
  return !op.entity && op.op === 'put' && op.condition?.kind !== 'version' && op.condition?.kind !== 'absent';
}

function parseEnvelope(key: string, value: unknown): ItemEnvelope {
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success || parsed.data.k !== key || parsed.data.ns !== namespaceOf(key) || parsed.data.data == null) {
    throw new StoreError('UNAVAILABLE', `The stored item "${key}" is not in the expected shape.`);
  }
  return parsed.data;
}

function assertCallerConditions(ops: PreparedOp[], observed: Map<string, Observed>): void {
  for (const op of ops) {
    const current = observed.get(op.key);
    if (op.condition && !conditionHolds(op.condition, current && !current.expired ? { version: current.ver } : undefined)) {
      throw new StoreError('CONDITION_FAILED', `The condition on "${op.key}" does not hold; nothing was written.`);
    }
  }
}

function forgeCondition(condition: Condition) {
  switch (condition.kind) {
    case 'absent':
      return new Filter<ItemEnvelope>().and('ver', FilterConditions.notExists());
    case 'exists':
      return new Filter<ItemEnvelope>().and('ver', FilterConditions.exists());
    case 'version':
      return new Filter<ItemEnvelope>().and('ver', FilterConditions.equalTo(condition.version));
  }
}

/** Condition that holds only if Forge still holds exactly what was observed. */
function pinTo(current: Observed | undefined) {
  return current === undefined
    ? new Filter<ItemEnvelope>().and('ver', FilterConditions.notExists())
    : new Filter<ItemEnvelope>().and('ver', FilterConditions.equalTo(current.ver));
}

function nextVersion(condition: Condition | undefined): number {
  return condition?.kind === 'version' ? condition.version + 1 : 1;
}
