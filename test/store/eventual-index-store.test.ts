/**
 * The eventual-index twin (src/adapters/store/eventual-index-store.ts) lags every write in index
 * queries, as Forge's indexes may (docs/forge-platform.md U22), while reads by key stay strong.
 */
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { SqliteStore } from '../../src/adapters/store/sqlite-store';
import type { EntityQuery, KeyValueStore } from '../../src/core/ports/store';
import { expectStoreError } from './store-contract';

const approvalRef = { sk: '0001:a1', page: 'p1', space: 's1', wf: 'w1', state: 'pending', step: '0' };
const byPage = (page: string): EntityQuery => ({ entity: 'af-approval', index: 'by-page', partition: [page] });

function manualClock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

describe('EventualIndexStore: new items', () => {
  it('hides a new item from queries until the clock passes its lag, while get, getMany and conditions see it at once', async () => {
    const clock = manualClock();
    const store = new EventualIndexStore(new MemoryStore({ clock }), { clock, lagMs: 500 });
    await store.transact([{ op: 'put', key: 'x:a', value: 1 }]);
    expect((await store.query({ prefix: 'x:' })).items).toEqual([]);
    expect((await store.get('x:a'))?.value).toBe(1);
    expect((await store.getMany(['x:a'])).map((i) => i.key)).toEqual(['x:a']);
    await expectStoreError(store.transact([{ op: 'put', key: 'x:a', value: 2, condition: { kind: 'absent' } }]), 'CONDITION_FAILED');
    clock.advance(499);
    expect((await store.query({ prefix: 'x:' })).items).toEqual([]);
    clock.advance(1);
    expect((await store.query({ prefix: 'x:' })).items.map((i) => i.key)).toEqual(['x:a']);
  });

  it('never lists an item created and deleted while its writes lag', async () => {
    const clock = manualClock();
    const store = new EventualIndexStore(new MemoryStore({ clock }), { clock, lagMs: 500 });
    await store.transact([{ op: 'put', key: 'x:gone', value: 1 }]);
    await store.transact([{ op: 'put', entity: 'af-approval', key: 'x:gone', value: approvalRef }]);
    clock.advance(100);
    await store.transact([{ op: 'delete', key: 'x:gone' }]);
    await store.transact([{ op: 'delete', entity: 'af-approval', key: 'x:gone' }]);
    expect((await store.query({ prefix: 'x:' })).items).toEqual([]);
    expect((await store.queryEntity(byPage('p1'))).items).toEqual([]);
    store.settle();
    expect((await store.query({ prefix: 'x:' })).items).toEqual([]);
    expect((await store.queryEntity(byPage('p1'))).items).toEqual([]);
    expect(store.lagging).toBe(0);
  });
});

describe('EventualIndexStore: deletes and updates', () => {
  it('still lists a deleted item, with its old value and version, until the clock passes the lag; get says it is gone at once', async () => {
    const clock = manualClock();
    const store = new EventualIndexStore(new MemoryStore({ clock }), { clock, lagMs: 500 });
    await store.transact([{ op: 'put', key: 'x:a', value: { n: 1 } }]);
    await store.transact([{ op: 'put', key: 'x:a', value: { n: 2 } }]);
    clock.advance(500);
    await store.transact([{ op: 'delete', key: 'x:a' }]);
    expect((await store.query({ prefix: 'x:' })).items).toEqual([{ key: 'x:a', value: { n: 2 }, version: 2 }]);
    expect(await store.get('x:a')).toBeUndefined();
    expect(await store.getMany(['x:a'])).toEqual([]);
    await expectStoreError(store.transact([{ op: 'check', key: 'x:a', condition: { kind: 'exists' } }]), 'CONDITION_FAILED');
    clock.advance(499);
    expect((await store.query({ prefix: 'x:' })).items.map((i) => i.key)).toEqual(['x:a']);
    clock.advance(1);
    expect((await store.query({ prefix: 'x:' })).items).toEqual([]);
  });

  it('lists an updated item with its old value and version until settle(); get, getMany and version conditions see the new one', async () => {
    const store = new EventualIndexStore(new MemoryStore());
    await store.transact([{ op: 'put', key: 'x:a', value: 'old' }]);
    store.settle();
    await store.transact([{ op: 'put', key: 'x:a', value: 'new', condition: { kind: 'version', version: 1 } }]);
    expect((await store.query({ prefix: 'x:' })).items).toEqual([{ key: 'x:a', value: 'old', version: 1 }]);
    expect(await store.get('x:a')).toEqual({ key: 'x:a', value: 'new', version: 2 });
    expect(await store.getMany(['x:a'])).toEqual([{ key: 'x:a', value: 'new', version: 2 }]);
    await store.transact([{ op: 'check', key: 'x:a', condition: { kind: 'version', version: 2 } }]);
    store.settle();
    expect((await store.query({ prefix: 'x:' })).items).toEqual([{ key: 'x:a', value: 'new', version: 2 }]);
  });

  it('shows each write to one key lagMs after it was made, in order', async () => {
    const clock = manualClock();
    const store = new EventualIndexStore(new MemoryStore({ clock }), { clock, lagMs: 500 });
    await store.transact([{ op: 'put', key: 'x:a', value: 1 }]);
    clock.advance(500);
    await store.transact([{ op: 'put', key: 'x:a', value: 2 }]);
    clock.advance(100);
    await store.transact([{ op: 'put', key: 'x:a', value: 3 }]);
    const listed = async () => (await store.query({ prefix: 'x:' })).items.map((i) => i.value);
    expect(await listed()).toEqual([1]);
    clock.advance(400); // the second write's lag has passed, not the third's
    expect(await listed()).toEqual([2]);
    clock.advance(100);
    expect(await listed()).toEqual([3]);
  });

  it('lists a deleted entity item until settle(), while getEntities and conditions see the delete', async () => {
    const store = new EventualIndexStore(new MemoryStore());
    await store.transact([{ op: 'put', entity: 'af-approval', key: 'x:a1', value: approvalRef }]);
    store.settle();
    await store.transact([{ op: 'delete', entity: 'af-approval', key: 'x:a1' }]);
    expect((await store.queryEntity(byPage('p1'))).items).toEqual([{ key: 'x:a1', value: approvalRef }]);
    expect(await store.getEntities('af-approval', ['x:a1'])).toEqual([]);
    await store.transact([{ op: 'put', entity: 'af-approval', key: 'x:a1', value: approvalRef, condition: { kind: 'absent' } }]);
    store.settle();
    await store.transact([{ op: 'delete', entity: 'af-approval', key: 'x:a1' }]);
    store.settle();
    expect((await store.queryEntity(byPage('p1'))).items).toEqual([]);
  });

  it('lags entity items in their own namespace; an updated entity is listed with its old attributes until settle()', async () => {
    const store = new EventualIndexStore(new MemoryStore());
    // a plain key with the same name as the entity key is a different item
    await store.transact([{ op: 'put', key: 'x:a1', value: 1 }]);
    store.settle();
    await store.transact([{ op: 'put', entity: 'af-approval', key: 'x:a1', value: approvalRef }]);
    expect((await store.queryEntity(byPage('p1'))).items).toEqual([]);
    expect((await store.query({ prefix: 'x:' })).items.map((i) => i.key)).toEqual(['x:a1']);
    expect(store.lagging).toBe(1);
    store.settle();
    await store.transact([{ op: 'put', entity: 'af-approval', key: 'x:a1', value: { ...approvalRef, state: 'done' } }]);
    expect((await store.queryEntity(byPage('p1'))).items).toEqual([{ key: 'x:a1', value: approvalRef }]);
    expect(await store.getEntities('af-approval', ['x:a1'])).toEqual([{ key: 'x:a1', value: { ...approvalRef, state: 'done' } }]);
    store.settle();
    expect((await store.queryEntity(byPage('p1'))).items).toEqual([{ key: 'x:a1', value: { ...approvalRef, state: 'done' } }]);
  });

  it('keeps an updated entity under the partition and range its old attributes matched, in its old place, until settle()', async () => {
    const store = new EventualIndexStore(new MemoryStore());
    const put = (key: string, sk: string, state = 'pending') => ({ op: 'put' as const, entity: 'af-approval', key, value: { ...approvalRef, sk, state } });
    await store.transact([put('a', '1'), put('b', '2'), put('c', '3')]);
    store.settle();
    // b leaves the pending partition and moves to the end of the page's order
    await store.transact([put('b', '9', 'done')]);
    const pending = { entity: 'af-approval', index: 'pending-by-space', partition: ['s1', 'pending'] };
    const keys = async (q: EntityQuery) => (await store.queryEntity(q)).items.map((i) => i.key);
    expect(await keys(pending)).toEqual(['a', 'b', 'c']);
    expect(await keys({ ...pending, partition: ['s1', 'done'] })).toEqual([]);
    expect(await keys(byPage('p1'))).toEqual(['a', 'b', 'c']);
    expect(await keys({ ...byPage('p1'), range: { op: 'gt', value: '5' } })).toEqual([]);
    expect(await keys({ ...byPage('p1'), range: { op: 'lt', value: '3' } })).toEqual(['a', 'b']);
    expect(await keys({ ...byPage('p1'), order: 'desc', limit: 1 })).toEqual(['c']);
    store.settle();
    expect(await keys(pending)).toEqual(['a', 'c']);
    expect(await keys({ ...pending, partition: ['s1', 'done'] })).toEqual(['b']);
    expect(await keys(byPage('p1'))).toEqual(['a', 'c', 'b']);
  });
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

interface Model {
  plain: Map<string, { value: number; version: number }>;
  entities: Map<string, { sk: string; page: string }>;
}

const copy = (m: Model): Model => ({ plain: new Map(m.plain), entities: new Map(m.entities) });

async function walk<I>(read: (cursor?: string) => Promise<{ items: I[]; nextCursor?: string }>, limit: number): Promise<I[]> {
  const all: I[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages += 1) {
    const page = await read(cursor);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    all.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === undefined) return all;
  }
  throw new Error('paging does not terminate');
}

/** A random write through the twin, mirrored in the model of what is stored now. */
async function randomWrite(store: KeyValueStore, now: Model, pick: (n: number) => number): Promise<void> {
  const key = `m:${'abcdefghij'[pick(10)]}`;
  if (pick(2) === 0) {
    const del = pick(3) === 0;
    const value = pick(100);
    await store.transact([del ? { op: 'delete', key } : { op: 'put', key, value }]);
    if (del) now.plain.delete(key);
    else now.plain.set(key, { value, version: (now.plain.get(key)?.version ?? 0) + 1 });
    return;
  }
  const value = { ...approvalRef, sk: `${pick(4)}`, page: pick(2) === 0 ? 'p1' : 'p2' };
  const del = pick(3) === 0;
  await store.transact([del ? { op: 'delete', entity: 'af-approval', key } : { op: 'put', entity: 'af-approval', key, value }]);
  if (del) now.entities.delete(key);
  else now.entities.set(key, { sk: value.sk, page: value.page });
}

/** Every page of the plain and entity queries, walked with this limit and order, answers `indexed` exactly. */
async function expectIndexed(store: KeyValueStore, indexed: Model, limit: number, order: 'asc' | 'desc'): Promise<void> {
  const flip = <T>(list: T[]) => (order === 'asc' ? list : list.reverse());
  const plain = await walk((cursor) => store.query<number>({ prefix: 'm:', limit, order, cursor }), limit);
  const expectedPlain = flip([...indexed.plain].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, { value, version }]) => ({ key, value, version })));
  expect(plain).toEqual(expectedPlain);
  const range = { op: 'gte' as const, value: '1' };
  const rows = await walk((cursor) => store.queryEntity<{ sk: string }>({ ...byPage('p1'), range, limit, order, cursor }), limit);
  const expectedRows = [...indexed.entities]
    .filter(([, e]) => e.page === 'p1' && e.sk >= '1')
    .sort(([ka, a], [kb, b]) => (a.sk === b.sk ? (ka < kb ? -1 : 1) : a.sk < b.sk ? -1 : 1))
    .map(([key, e]) => `${key}@${e.sk}`);
  expect(rows.map((r) => `${r.key}@${r.value.sk}`)).toEqual(flip(expectedRows));
}

describe.each([
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore({ memory: true })],
])('EventualIndexStore over %s: paged queries answer the indexes as of the last settle()', (_name, makeInner) => {
  it.each([1, 2, 3])('random writes, seed %i', async (seed) => {
    const pick = random(seed);
    const store = new EventualIndexStore(makeInner());
    const now: Model = { plain: new Map(), entities: new Map() };
    let indexed = copy(now);
    for (let round = 0; round < 40; round += 1) {
      for (let w = pick(6); w > 0; w -= 1) await randomWrite(store, now, pick);
      await expectIndexed(store, indexed, 1 + pick(4), pick(2) === 0 ? 'asc' : 'desc');
      for (const [key, item] of now.plain) expect(await store.get(key)).toEqual({ key, ...item });
      if (pick(3) === 0) {
        store.settle();
        indexed = copy(now);
      }
    }
  });
});

describe('EventualIndexStore cursors', () => {
  it('refuses a cursor of another query or a tampered one, and resumes a genuine one after settle()', async () => {
    const store = new EventualIndexStore(new MemoryStore());
    await store.transact(['a', 'b', 'c', 'd'].map((k) => ({ op: 'put' as const, key: `x:${k}`, value: k })));
    store.settle();
    await store.transact([{ op: 'delete', key: 'x:b' }]);
    const first = await store.query({ prefix: 'x:', limit: 2 });
    expect(first.items.map((i) => i.key)).toEqual(['x:a', 'x:b']);
    const cursor = first.nextCursor as string;
    await expectStoreError(store.query({ prefix: 'y:', limit: 2, cursor }), 'INVALID_CURSOR');
    await expectStoreError(store.query({ prefix: 'x:', limit: 2, order: 'desc', cursor }), 'INVALID_CURSOR');
    await expectStoreError(store.queryEntity({ ...byPage('p1'), cursor }), 'INVALID_CURSOR');
    await expectStoreError(store.query({ prefix: 'x:', cursor: `${cursor.slice(0, 12)}${cursor[12] === 'A' ? 'B' : 'A'}${cursor.slice(13)}` }), 'INVALID_CURSOR');
    store.settle();
    expect((await store.query({ prefix: 'x:', limit: 5, cursor })).items.map((i) => i.key)).toEqual(['x:c', 'x:d']);
  });
});
