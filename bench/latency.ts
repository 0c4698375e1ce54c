/**
 * Bench-only wrappers that add the round-trip latency of Forge to the local store and the local
 * Confluence site, so wall times show what the sequential round trips of a request cost on Forge.
 */
import { LocalSite } from '../local/site';
import type { LocalSiteOptions } from '../local/site';
import type { ConfluenceTransport } from '../src/adapters/confluence/transport';
import type { EntityItem, EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../src/core/ports/store';

export const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** A delay per call: a constant, or a sampler (e.g. `seededLognormal`). */
export type Delay = number | (() => number);
const draw = (delay: Delay): number => (typeof delay === 'number' ? delay : delay());

/**
 * Seeded lognormal round trips (issue 23: a tail, not a constant): median `medianMs`, spread `sigma`
 * (0.5 gives mean 1.13 × and p95 2.3 × the median). The same seed gives the same sequence of samples,
 * so runs are repeatable (up to the order in which concurrent calls draw).
 */
export function seededLognormal(medianMs: number, sigma: number, seed: number): () => number {
  if (sigma === 0 || medianMs === 0) return () => medianMs;
  // mulberry32: small, fast, good enough for a benchmark's noise
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    // Box-Muller: one standard normal from two uniforms in (0, 1]
    const z = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    return medianMs * Math.exp(sigma * z);
  };
}

/** Every store call waits `delayMs` before it reaches the inner store (one KVS request each on Forge). */
export class LatencyStore implements KeyValueStore {
  constructor(
    private readonly inner: KeyValueStore,
    private readonly delayMs: Delay,
  ) {}

  async get<T = unknown>(key: string): Promise<StoredItem<T> | undefined> {
    await sleep(draw(this.delayMs));
    return this.inner.get<T>(key);
  }

  async getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]> {
    await sleep(draw(this.delayMs));
    return this.inner.getMany<T>(keys);
  }

  async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    await sleep(draw(this.delayMs));
    return this.inner.query<T>(options);
  }

  async transact(ops: TxOp[]): Promise<void> {
    await sleep(draw(this.delayMs));
    return this.inner.transact(ops);
  }

  async getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    await sleep(draw(this.delayMs));
    return this.inner.getEntities<T>(entity, keys);
  }

  async queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    await sleep(draw(this.delayMs));
    return this.inner.queryEntity<T>(query);
  }
}

/** The local site whose app transport (what the engine calls) waits `delayMs` per request. */
export class SlowLocalSite extends LocalSite {
  constructor(
    options: LocalSiteOptions,
    private readonly delayMs: Delay,
  ) {
    super(options);
  }

  override transport(): ConfluenceTransport {
    const inner = super.transport();
    return {
      request: async (request) => {
        await sleep(draw(this.delayMs));
        return inner.request(request);
      },
    };
  }
}
