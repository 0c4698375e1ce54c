/**
 * Index queries that lag writes, as Forge's do (docs/forge-platform.md U22: `query` and entity index
 * queries are eventually consistent, `get` is strongly consistent). Every write through this wrapper
 * (put or delete, plain or entity) lags: until `settle()`, or until the clock has moved `lagMs` past
 * the write, `query`/`queryEntity` answer the item as it was just before that write: absent if it did
 * not exist (a new item is not listed), with its old value, attributes and version if it did (an
 * updated item is listed as it was, a deleted one is still listed). `get`, `getMany`, `getEntities` and
 * transaction conditions see every write at once. Deterministic: tests drive it with `settle()` or a
 * manual clock. The local runtime wraps its store in it under a profile with
 * `indexConsistency: "eventual"`.
 *
 * What it emulates exactly: filters and order over the old state. A lagging item is listed where its
 * old state sorts (its old key for `query`, its old range value for `queryEntity`) and only under the
 * prefix, partition and range condition its old state matched, because the twin keeps the old state
 * (read from the inner store just before the transaction) and applies the same rules the local
 * stores do (entity-rules.ts). Several writes to one key inside the lag each show `lagMs` after they
 * were made, in order. What it does not emulate: Forge may catch up per index, per item of a
 * transaction, or out of order; the twin shows all indexes of an item, and all items of a
 * transaction, at the same instant, in write order. Its old state is read outside the inner
 * transaction, so a concurrent writer to the same key may make it skip an intermediate state (never
 * show one that did not exist). A TTL that passes while an item lags does not take its old state out
 * of queries (Forge may serve expired items for up to 48 h anyway). Writes made to the inner store
 * directly (the seed) do not lag. Pages are full, as a real index's are: when lagging items leave a
 * page short, the twin reads on in its inner store (reads Forge never makes; see `aside`).
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/ports/clock';
import type { EntityIndexDeclaration } from '../../core/ports/entities';
import { StoreError } from '../../core/ports/store';
import type { EntityItem, EntityPage, EntityQuery, EntityScalar, KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../../core/ports/store';
import type { PlatformProfile } from '../platform-profile';
import { partitionText, prepareEntityQuery, rangeHolds, sortable, type PreparedEntityQuery } from './entity-rules';
import { decodeCursor, encodeCursor, prepareQuery } from './kvs-rules';
import { laggingPage, type PageEntry, type Resume } from './lagging-page';
import { StoreDecorator } from './store-decorator';
import { prepareTransaction, type PreparedOp } from './transaction-rules';

/** How long a write stays out of index queries in the local runtime (runtime clock). */
export const DEFAULT_INDEX_LAG_MS = 1000;

export interface EventualIndexOptions {
  clock?: Clock;
  /** Milliseconds of `clock` after which a write shows in queries; without a clock only `settle()` shows it. */
  lagMs?: number;
  /** Runs the twin's own reads, which Forge never makes (the state before a write, a page's refill): a meter leaves them uncounted. */
  aside?: <T>(read: () => Promise<T>) => Promise<T>;
}

/** An item as an index still holds it: its JSON (a fresh copy on every read) and, for a plain item, its version. */
interface Former {
  json: string;
  version?: number;
}

/** A key whose writes the indexes have not caught up with: per write, when it shows and what was there before it. */
interface Lag {
  key: string;
  entity?: string;
  writes: { at: number; former?: Former }[];
}

/** Plain keys and entity keys live in different namespaces. */
const slot = (key: string, entity?: string): string => (entity === undefined ? `kv\u0000${key}` : `entity\u0000${entity}\u0000${key}`);

/** Where an entity item sits in an index: its range value, then its key (the order every store uses). */
const indexPosition = (value: Record<string, unknown>, index: EntityIndexDeclaration, key: string): string =>
  `${sortable(value[index.range] as EntityScalar)}\u0000${key}`;

export class EventualIndexStore extends StoreDecorator {
  private readonly lags = new Map<string, Lag>();

  constructor(
    inner: KeyValueStore,
    private readonly options: EventualIndexOptions = {},
  ) {
    super(inner);
  }

  private aside<T>(read: () => Promise<T>): Promise<T> {
    return this.options.aside ? this.options.aside(read) : read();
  }

  /** The indexes catch up with every write so far. */
  settle(): void {
    this.lags.clear();
  }

  /** Keys whose queries still answer an older state (diagnostics and tests). */
  get lagging(): number {
    this.expire();
    return this.lags.size;
  }

  override async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    const q = prepareQuery({ ...options, cursor: undefined }, 'key');
    const scope = cursorScope(`kv\u0000${q.prefix}`);
    const former = () => this.formerEntries<StoredItem<T>>(undefined, (key, f) =>
      key.startsWith(q.prefix) ? { sortKey: key, item: { key, value: JSON.parse(f.json) as T, version: f.version ?? 1 } } : undefined,
    );
    const read = (cursor?: string) => this.inner.query<T>({ prefix: q.prefix, limit: q.limit, order: q.order, cursor });
    const view = await this.viewPage(read, (item) => ({ sortKey: item.key, slot: slot(item.key), item }), former, { ...q, from: decodeResume(options.cursor, scope, q.order) });
    return view.resume ? { items: view.items, nextCursor: encodeResume(view.resume, scope, q.order) } : { items: view.items };
  }

  override async queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    const q = prepareEntityQuery({ ...query, cursor: undefined }, 'entity');
    const scope = cursorScope(`entity\u0000${q.scope}`);
    const former = () => this.formerEntries<EntityItem<T>>(q.decl.name, (key, f) => {
      const value = JSON.parse(f.json) as Record<string, unknown>;
      return matches(q, value) ? { sortKey: indexPosition(value, q.index, key), item: { key, value: value as T } } : undefined;
    });
    const read = (cursor?: string) => this.inner.queryEntity<T>({ ...query, cursor });
    const entry = (item: EntityItem<T>) => ({ sortKey: indexPosition(item.value as Record<string, unknown>, q.index, item.key), slot: slot(item.key, q.decl.name), item });
    const view = await this.viewPage(read, entry, former, { ...q, from: decodeResume(query.cursor, scope, q.order) });
    return view.resume ? { items: view.items, nextCursor: encodeResume(view.resume, scope, q.order) } : { items: view.items };
  }

  /**
   * A full page of the lagging view: inner pages are read on until `limit` items are found or the
   * inner store has no more, as a real index's page is full whatever lags (the reads past the first
   * are the twin's own, made through `aside`).
   */
  private async viewPage<I>(
    read: (cursor?: string) => Promise<{ items: I[]; nextCursor?: string }>,
    entry: (item: I) => PageEntry<I>,
    former: () => PageEntry<I>[],
    q: { limit: number; order: 'asc' | 'desc'; from: Resume },
  ): Promise<{ items: I[]; resume?: Resume }> {
    const items: I[] = [];
    for (let from = q.from, first = true; ; first = false) {
      const page = first ? await read(from.inner) : await this.aside(() => read(from.inner));
      // The lagging set is taken after the read, at one instant, so a write finishing meanwhile is answered by its former state.
      const isLagging = (s: string) => this.lags.has(s);
      const view = laggingPage({ inner: page.items.map(entry), innerNext: page.nextCursor, innerFrom: from.inner, after: from.after, former: former(), isLagging, limit: q.limit - items.length, order: q.order });
      items.push(...view.items);
      if (!view.resume || items.length >= q.limit) return { items, resume: view.resume };
      from = view.resume;
    }
  }

  override async transact(ops: TxOp[]): Promise<void> {
    // Refused exactly as the inner store would refuse it, before any read of ours.
    const written = prepareTransaction(ops).filter((op) => op.op !== 'check');
    const before = await this.aside(() => this.formersOf(written));
    await this.inner.transact(ops);
    const at = this.options.clock && this.options.lagMs !== undefined ? this.options.clock.now() + this.options.lagMs : Number.POSITIVE_INFINITY;
    this.expire(); // what has caught up is forgotten here too, so old states do not pile up between queries
    for (const [s, { key, entity, former }] of before) {
      const lag = this.lags.get(s) ?? { key, entity, writes: [] };
      lag.writes.push({ at, former });
      this.lags.set(s, lag);
    }
  }

  /** What each written key held just before the transaction (strong reads: one getMany, one getEntities per entity). */
  private async formersOf(ops: PreparedOp[]): Promise<Map<string, { key: string; entity?: string; former?: Former }>> {
    const result = new Map<string, { key: string; entity?: string; former?: Former }>();
    const byEntity = new Map<string, string[]>();
    for (const op of ops) {
      result.set(slot(op.key, op.entity?.name), { key: op.key, entity: op.entity?.name });
      if (op.entity) byEntity.set(op.entity.name, [...(byEntity.get(op.entity.name) ?? []), op.key]);
    }
    const plain = ops.filter((op) => !op.entity).map((op) => op.key);
    const note = (s: string, former: Former) => {
      const entry = result.get(s);
      if (entry) entry.former = former;
    };
    await Promise.all([
      plain.length > 0 ? this.inner.getMany(plain).then((items) => items.forEach((i) => note(slot(i.key), { json: JSON.stringify(i.value), version: i.version }))) : undefined,
      ...[...byEntity].map(([entity, keys]) => this.inner.getEntities(entity, keys).then((items) => items.forEach((i) => note(slot(i.key, entity), { json: JSON.stringify(i.value) })))),
    ]);
    return result;
  }

  /** The old states (present ones only) of lagging keys of one namespace, as `entry` places them; undefined: not in the query. */
  private formerEntries<I>(entity: string | undefined, entry: (key: string, former: Former) => Omit<PageEntry<I>, 'slot'> | undefined): PageEntry<I>[] {
    this.expire();
    const found: PageEntry<I>[] = [];
    for (const [s, lag] of this.lags) {
      const former = lag.writes[0]?.former;
      if (lag.entity !== entity || former === undefined) continue;
      const e = entry(lag.key, former);
      if (e) found.push({ ...e, slot: s });
    }
    return found;
  }

  /** Writes whose lag has passed show: each key answers the state before its earliest write still lagging. */
  private expire(): void {
    const now = this.options.clock?.now();
    if (now === undefined) return;
    for (const [s, lag] of this.lags) {
      while (lag.writes.length > 0 && lag.writes[0].at <= now) lag.writes.shift();
      if (lag.writes.length === 0) this.lags.delete(s);
    }
  }
}

/** Whether an entity value sits in the index partition and range the query reads. */
function matches(q: PreparedEntityQuery, value: Record<string, unknown>): boolean {
  if (partitionText(q.index.partition.map((a) => value[a])) !== partitionText(q.partition)) return false;
  return rangeHolds(q.range, sortable(value[q.index.range] as EntityScalar));
}

/** A cursor is sealed to its query; a digest keeps the twin's cursor from carrying the query twice. */
function cursorScope(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 22);
}

function encodeResume(resume: Resume, scope: string, order: 'asc' | 'desc'): string {
  return encodeCursor('lag', { prefix: scope, order }, JSON.stringify([resume.inner ?? null, resume.after ?? null]));
}

function decodeResume(cursor: string | undefined, scope: string, order: 'asc' | 'desc'): Resume {
  if (cursor === undefined) return {};
  const text = decodeCursor(cursor, 'lag', scope, order);
  const valid = (v: unknown): v is string | null => v === null || typeof v === 'string';
  try {
    const at: unknown = JSON.parse(text);
    if (Array.isArray(at) && at.length === 2 && valid(at[0]) && valid(at[1])) return { inner: at[0] ?? undefined, after: at[1] ?? undefined };
  } catch {
    // falls through to the refusal
  }
  throw new StoreError('INVALID_CURSOR', 'The cursor is not valid for this query.');
}

/** The store as the profile's index consistency makes it: wrapped when queries lag, else as is. */
export function storeForProfile(store: KeyValueStore, profile: PlatformProfile, options: EventualIndexOptions = {}): KeyValueStore {
  return profile.indexConsistency === 'eventual' ? new EventualIndexStore(store, options) : store;
}
