import type { EntityItem, EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../../core/ports/store';

/** Forwards every call to an inner store; wrappers (counting, fault injection, tracking) override what they observe. */
export abstract class StoreDecorator implements KeyValueStore {
  constructor(protected readonly inner: KeyValueStore) {}

  get<T = unknown>(key: string): Promise<StoredItem<T> | undefined> {
    return this.inner.get<T>(key);
  }

  getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]> {
    return this.inner.getMany<T>(keys);
  }

  query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    return this.inner.query<T>(options);
  }

  transact(ops: TxOp[]): Promise<void> {
    return this.inner.transact(ops);
  }

  getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    return this.inner.getEntities<T>(entity, keys);
  }

  queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    return this.inner.queryEntity<T>(query);
  }
}
