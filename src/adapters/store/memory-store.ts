import type { Clock } from '../../core/ports/clock';
import { StoreError } from '../../core/ports/store';
import type { KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../../core/ports/store';
import {
  assertKey,
  conditionHolds,
  encodeCursor,
  expiryOf,
  prepareGetManyKeys,
  prepareQuery,
  prepareTransaction,
} from './kvs-rules';

interface Row {
  /** Values are kept as JSON text so every read returns a fresh deep copy. */
  json: string;
  version: number;
  expiresAt?: number;
}

export interface MemoryStoreOptions {
  clock?: Clock;
}

/** In-process KeyValueStore for tests and the model-based suite; same rules as Forge. */
export class MemoryStore implements KeyValueStore {
  private readonly rows = new Map<string, Row>();
  /** Every key in sorted order, so a prefix query is a binary search plus a walk (flat as data grows, like a real index). */
  private readonly sortedKeys: string[] = [];
  private readonly clock: Clock;

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
    const keys: string[] = [];
    // Walk from the cursor (or the prefix's edge) in key order; one extra key tells whether a next page exists.
    if (q.order === 'asc') {
      for (let i = q.after === undefined ? this.lowerBound(q.prefix) : this.upperBound(q.after); i < this.sortedKeys.length && keys.length <= q.limit; i++) {
        const key = this.sortedKeys[i];
        if (!key.startsWith(q.prefix)) break;
        if (this.live(key)) keys.push(key);
        else i--; // live() removed an expired key at position i
      }
    } else {
      const end = q.after === undefined ? this.lowerBound(q.prefix + '\uffff') : this.lowerBound(q.after);
      for (let i = end - 1; i >= 0 && keys.length <= q.limit; i--) {
        const key = this.sortedKeys[i];
        if (!key.startsWith(q.prefix)) break;
        if (this.live(key)) keys.push(key);
      }
    }
    const pageKeys = keys.slice(0, q.limit);
    const items = pageKeys.map((key) => toItem<T>(key, this.rows.get(key) as Row));
    const last = pageKeys[pageKeys.length - 1];
    return keys.length > q.limit ? { items, nextCursor: encodeCursor('key', q, last) } : { items };
  }

  async transact(ops: TxOp[]): Promise<void> {
    const prepared = prepareTransaction(ops);
    // No await from here on: check-then-apply runs as one step, so concurrent callers cannot interleave.
    for (const op of prepared) {
      if (op.condition && !conditionHolds(op.condition, this.live(op.key))) {
        throw new StoreError('CONDITION_FAILED', `The condition on "${op.key}" does not hold; nothing was written.`);
      }
    }
    const now = this.clock.now();
    for (const op of prepared) {
      if (op.op === 'put') {
        const current = this.live(op.key);
        if (!current) this.sortedKeys.splice(this.lowerBound(op.key), 0, op.key);
        this.rows.set(op.key, { json: op.json, version: (current?.version ?? 0) + 1, expiresAt: expiryOf(now, op.ttlSeconds) });
      } else if (op.op === 'delete') {
        this.remove(op.key);
      }
    }
  }

  /** The row if present and not expired; expired rows are dropped on sight. */
  private live(key: string): Row | undefined {
    const row = this.rows.get(key);
    if (row?.expiresAt !== undefined && row.expiresAt <= this.clock.now()) {
      this.remove(key);
      return undefined;
    }
    return row;
  }

  private remove(key: string): void {
    if (!this.rows.delete(key)) return;
    this.sortedKeys.splice(this.lowerBound(key), 1);
  }

  /** Index of the first key ≥ `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedKeys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key > `key`. */
  private upperBound(key: string): number {
    const i = this.lowerBound(key);
    return this.sortedKeys[i] === key ? i + 1 : i;
  }
}

function toItem<T>(key: string, row: Row): StoredItem<T> {
  return { key, value: JSON.parse(row.json) as T, version: row.version };
}
