/**
 * Bench-only wrappers that add the round-trip latency of Forge to the local store and the local
 * Confluence site, so wall times show what the sequential round trips of a request cost on Forge.
 */
import { LocalSite } from '../local/site';
import type { LocalSiteOptions } from '../local/site';
import type { ConfluenceTransport } from '../src/adapters/confluence/transport';
import type { EntityItem, EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../src/core/ports/store';

const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** Every store call waits `delayMs` before it reaches the inner store (one KVS request each on Forge). */
export class LatencyStore implements KeyValueStore {
  constructor(
    private readonly inner: KeyValueStore,
    private readonly delayMs: number,
  ) {}

  async get<T = unknown>(key: string): Promise<StoredItem<T> | undefined> {
    await sleep(this.delayMs);
    return this.inner.get<T>(key);
  }

  async getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]> {
    await sleep(this.delayMs);
    return this.inner.getMany<T>(keys);
  }

  async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    await sleep(this.delayMs);
    return this.inner.query<T>(options);
  }

  async transact(ops: TxOp[]): Promise<void> {
    await sleep(this.delayMs);
    return this.inner.transact(ops);
  }

  async getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    await sleep(this.delayMs);
    return this.inner.getEntities<T>(entity, keys);
  }

  async queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    await sleep(this.delayMs);
    return this.inner.queryEntity<T>(query);
  }
}

/** The local site whose app transport (what the engine calls) waits `delayMs` per request. */
export class SlowLocalSite extends LocalSite {
  constructor(
    options: LocalSiteOptions,
    private readonly delayMs: number,
  ) {
    super(options);
  }

  override transport(): ConfluenceTransport {
    const inner = super.transport();
    return {
      request: async (request) => {
        await sleep(this.delayMs);
        return inner.request(request);
      },
    };
  }
}
