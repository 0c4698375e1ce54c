import type { EntityItem, EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../../core/ports/store';

export interface StoreCounts {
  get: number;
  getMany: number;
  /** Keys requested across all getMany calls. */
  getManyKeys: number;
  query: number;
  /** Entity batch reads and index queries. */
  getEntities: number;
  queryEntity: number;
  transact: number;
  /** put + delete operations across all transact calls (checks are not writes). */
  writeOps: number;
}

/**
 * Counts calls made to a store, for the cost benchmarks (each call is one Forge request).
 * Calls are counted when made, whether or not they succeed: a failed call still costs a request.
 */
export class CountingStore implements KeyValueStore {
  readonly counts: StoreCounts = emptyCounts();

  constructor(private readonly inner: KeyValueStore) {}

  reset(): void {
    Object.assign(this.counts, emptyCounts());
  }

  get<T = unknown>(key: string): Promise<StoredItem<T> | undefined> {
    this.counts.get += 1;
    return this.inner.get<T>(key);
  }

  getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]> {
    this.counts.getMany += 1;
    this.counts.getManyKeys += Array.isArray(keys) ? keys.length : 0;
    return this.inner.getMany<T>(keys);
  }

  query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    this.counts.query += 1;
    return this.inner.query<T>(options);
  }

  getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    this.counts.getEntities += 1;
    return this.inner.getEntities<T>(entity, keys);
  }

  queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    this.counts.queryEntity += 1;
    return this.inner.queryEntity<T>(query);
  }

  transact(ops: TxOp[]): Promise<void> {
    this.counts.transact += 1;
    this.counts.writeOps += Array.isArray(ops) ? ops.filter((op) => op.op === 'put' || op.op === 'delete').length : 0;
    return this.inner.transact(ops);
  }
}

function emptyCounts(): StoreCounts {
  return { get: 0, getMany: 0, getManyKeys: 0, query: 0, getEntities: 0, queryEntity: 0, transact: 0, writeOps: 0 };
}
