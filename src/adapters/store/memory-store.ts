import type { Clock } from '../../core/ports/clock';
import { StoreError } from '../../core/ports/store';
import type { EntityItem, EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../../core/ports/store';
import type { SecretStore } from '../../core/ports/secrets';
import { declarationOf } from './entity-rules';
import { assertKey, conditionHolds, encodeCursor, expiryOf, prepareGetManyKeys, prepareQuery, serialiseValue } from './kvs-rules';
import { MemoryEntities } from './memory-entities';
import { prepareTransaction } from './transaction-rules';
import { SortedKeys } from './sorted-keys';

interface Row {
  /** Values are kept as JSON text so every read returns a fresh deep copy. */
  json: string;
  version: number;
  expiresAt?: number;
}

export interface MemoryStoreOptions {
  clock?: Clock;
}

/** In-process KeyValueStore for tests and the model-based suite; same rules as Forge (secrets included). */
export class MemoryStore implements KeyValueStore, SecretStore {
  /** Forge keeps secrets apart from other data: never in a query, never in a transaction. */
  private readonly secrets = new Map<string, string>();
  private readonly rows = new Map<string, Row>();
  /** Every key in order, so a prefix query is a seek plus a walk (flat as data grows, like a real index). */
  private readonly sortedKeys = new SortedKeys();
  private readonly clock: Clock;
  private readonly entities = new MemoryEntities();

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  async get<T = unknown>(key: string): Promise<StoredItem<T> | undefined> {
    assertKey(key);
    const row = this.live(key);
    return row && toItem<T>(key, row);
  }

  async getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]> {
    const items: StoredItem<T>[] = [];
    for (const key of prepareGetManyKeys(keys)) {
      const row = this.live(key);
      if (row) items.push(toItem<T>(key, row));
    }
    return items;
  }

  async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    const q = prepareQuery(options, 'key');
    // Walk from the cursor (or the prefix's edge) in key order; one extra key tells whether a next page exists.
    const walk = q.order === 'asc' ? this.sortedKeys.ascending(q.after ?? q.prefix, q.after !== undefined) : this.sortedKeys.descending(q.after ?? `${q.prefix}\uffff`);
    const keys: string[] = [];
    const expired: string[] = [];
    for (const key of walk) {
      if (!key.startsWith(q.prefix) || keys.length > q.limit) break;
      if (this.isExpired(key)) expired.push(key);
      else keys.push(key);
    }
    for (const key of expired) this.remove(key); // not during the walk: the walk reads the key set
    const pageKeys = keys.slice(0, q.limit);
    const items = pageKeys.map((key) => toItem<T>(key, this.rows.get(key) as Row));
    const last = pageKeys[pageKeys.length - 1];
    return keys.length > q.limit ? { items, nextCursor: encodeCursor('key', q, last) } : { items };
  }

  async transact(ops: TxOp[]): Promise<void> {
    const prepared = prepareTransaction(ops);
    // No await from here on: check-then-apply runs as one step, so concurrent callers cannot interleave.
    for (const op of prepared) {
      const current = op.entity ? (this.entities.has(op.entity.name, op.key) ? { version: 1 } : undefined) : this.live(op.key);
      if (op.condition && !conditionHolds(op.condition, current)) {
        throw new StoreError('CONDITION_FAILED', `The condition on "${op.key}" does not hold; nothing was written.`);
      }
    }
    const now = this.clock.now();
    for (const op of prepared) {
      if (op.entity) {
        if (op.op === 'put') this.entities.put(op.entity, op.key, op.json);
        else if (op.op === 'delete') this.entities.delete(op.entity, op.key);
      } else if (op.op === 'put') {
        const current = this.live(op.key);
        if (!current) this.sortedKeys.insert(op.key);
        this.rows.set(op.key, { json: op.json, version: (current?.version ?? 0) + 1, expiresAt: expiryOf(now, op.ttlSeconds) });
      } else if (op.op === 'delete') {
        this.remove(op.key);
      }
    }
  }

  async getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    const decl = declarationOf(entity);
    return prepareGetManyKeys(keys).flatMap((key) => {
      const json = this.entities.get(decl.name, key);
      return json === undefined ? [] : [{ key, value: JSON.parse(json) as T }];
    });
  }

  async queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    return this.entities.query<T>(query);
  }

  async getSecret<T = unknown>(key: string): Promise<T | undefined> {
    assertKey(key);
    const json = this.secrets.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  async setSecret(key: string, value: unknown): Promise<void> {
    assertKey(key);
    this.secrets.set(key, serialiseValue(key, value));
  }

  async deleteSecret(key: string): Promise<void> {
    assertKey(key);
    this.secrets.delete(key);
  }

  /** The row if present and not expired; expired rows are dropped on sight. */
  private live(key: string): Row | undefined {
    if (this.isExpired(key)) {
      this.remove(key);
      return undefined;
    }
    return this.rows.get(key);
  }

  private isExpired(key: string): boolean {
    const expiresAt = this.rows.get(key)?.expiresAt;
    return expiresAt !== undefined && expiresAt <= this.clock.now();
  }

  private remove(key: string): void {
    if (this.rows.delete(key)) this.sortedKeys.remove(key);
  }
}

function toItem<T>(key: string, row: Row): StoredItem<T> {
  return { key, value: JSON.parse(row.json) as T, version: row.version };
}
