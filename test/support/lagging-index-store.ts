/**
 * A store whose index queries lag its writes, as Forge's entity index queries do (docs/forge-platform.md
 * U22: `query` eventually consistent, `get` strongly consistent): keys created through this wrapper
 * stay out of `query`/`queryEntity` results until `catchUp()`, while `get`, `getMany` and
 * `getEntities` see every write at once. Invariants checked with a query break under it.
 */
import type { EntityItem, EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../../src/core/ports/store';

export class LaggingIndexStore implements KeyValueStore {
  private readonly unindexed = new Set<string>();

  constructor(private readonly inner: KeyValueStore) {}

  /** The indexes catch up with every write so far. */
  catchUp(): void {
    this.unindexed.clear();
  }

  get<T = unknown>(key: string): Promise<StoredItem<T> | undefined> {
    return this.inner.get<T>(key);
  }

  getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]> {
    return this.inner.getMany<T>(keys);
  }

  async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    const page = await this.inner.query<T>(options);
    return { ...page, items: page.items.filter((i) => !this.unindexed.has(i.key)) };
  }

  async transact(ops: TxOp[]): Promise<void> {
    const created = await Promise.all(ops.filter((o) => o.op === 'put').map(async (o) => ((await this.inner.get(o.key)) ? undefined : o.key)));
    await this.inner.transact(ops);
    for (const key of created) if (key !== undefined) this.unindexed.add(key);
  }

  getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    return this.inner.getEntities<T>(entity, keys);
  }

  async queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    const page = await this.inner.queryEntity<T>(query);
    return { ...page, items: page.items.filter((i) => !this.unindexed.has(i.key)) };
  }
}
