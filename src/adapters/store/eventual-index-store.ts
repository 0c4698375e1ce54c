/**
 * Index queries that lag writes, as Forge's do (docs/forge-platform.md U22: `query` and entity index
 * queries are eventually consistent, `get` is strongly consistent). An item created through this
 * wrapper stays out of `query`/`queryEntity` results until `settle()` or until the clock has moved
 * `lagMs` past its write, while `get`, `getMany`, `getEntities` and transaction conditions see every
 * write at once. Deterministic: tests drive it with `settle()` or a manual clock. Only creations
 * lag (the case that lets a query-based guard miss an item); updates and deletes show at once.
 * The local runtime wraps its store in it under a profile with `indexConsistency: "eventual"`.
 */
import type { Clock } from '../../core/ports/clock';
import type { EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, TxOp } from '../../core/ports/store';
import type { PlatformProfile } from '../platform-profile';
import { StoreDecorator } from './store-decorator';

/** How long a new item stays out of index queries in the local runtime (runtime clock). */
export const DEFAULT_INDEX_LAG_MS = 1000;

export interface EventualIndexOptions {
  clock?: Clock;
  /** Milliseconds of `clock` after which a write shows in queries; without a clock only `settle()` shows it. */
  lagMs?: number;
}

/** Plain keys and entity keys live in different namespaces. */
const slot = (key: string, entity?: string): string => (entity === undefined ? `kv\u0000${key}` : `entity\u0000${entity}\u0000${key}`);

export class EventualIndexStore extends StoreDecorator {
  /** slot → clock time at which the item becomes visible to queries. */
  private readonly unindexed = new Map<string, number>();

  constructor(
    inner: KeyValueStore,
    private readonly options: EventualIndexOptions = {},
  ) {
    super(inner);
  }

  /** The indexes catch up with every write so far. */
  settle(): void {
    this.unindexed.clear();
  }

  /** Items still hidden from queries (diagnostics and tests). */
  get lagging(): number {
    this.expire();
    return this.unindexed.size;
  }

  override async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    const page = await this.inner.query<T>(options);
    this.expire();
    return { ...page, items: page.items.filter((i) => !this.unindexed.has(slot(i.key))) };
  }

  override async queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    const page = await this.inner.queryEntity<T>(query);
    this.expire();
    return { ...page, items: page.items.filter((i) => !this.unindexed.has(slot(i.key, query.entity))) };
  }

  override async transact(ops: TxOp[]): Promise<void> {
    const created = await Promise.all(ops.filter((o) => o.op === 'put').map(async (o) => ((await this.exists(o.key, o.entity)) ? undefined : slot(o.key, o.entity))));
    await this.inner.transact(ops);
    const visibleAt = this.options.clock && this.options.lagMs !== undefined ? this.options.clock.now() + this.options.lagMs : Number.POSITIVE_INFINITY;
    for (const s of created) if (s !== undefined) this.unindexed.set(s, visibleAt);
  }

  private async exists(key: string, entity?: string): Promise<boolean> {
    if (entity === undefined) return (await this.inner.get(key)) !== undefined;
    return (await this.inner.getEntities(entity, [key])).length > 0;
  }

  private expire(): void {
    const now = this.options.clock?.now();
    if (now === undefined) return;
    for (const [s, at] of this.unindexed) if (at <= now) this.unindexed.delete(s);
  }
}

/** The store as the profile's index consistency makes it: wrapped when queries lag, else as is. */
export function storeForProfile(store: KeyValueStore, profile: PlatformProfile, options: EventualIndexOptions = {}): KeyValueStore {
  return profile.indexConsistency === 'eventual' ? new EventualIndexStore(store, options) : store;
}
