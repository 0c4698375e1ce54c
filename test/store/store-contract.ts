/**
 * The one behavioural contract every KeyValueStore implementation must pass (docs/store-contract.md).
 * Run it with `runStoreContract(name, makeStore)` from a *.test.ts file.
 */
import { STORE_LIMITS, StoreError } from '../../src/core/ports/store';
import type { KeyValueStore, StoreErrorCode, StoredItem, TxOp } from '../../src/core/ports/store';
import { describeEntities } from './entity-contract';

export interface ContractClock {
  now(): number;
}

/** Builds a fresh, empty store whose notion of time is `clock` (so TTL can be tested without sleeping). */
export type StoreFactory = (context: { clock: ContractClock }) => KeyValueStore | Promise<KeyValueStore>;

export async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

/** Reads every page of a prefix query and returns the keys in the order served. */
export async function collectKeys(
  store: KeyValueStore,
  prefix: string,
  order: 'asc' | 'desc',
  limit: number,
): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.query({ prefix, order, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    keys.push(...page.items.map((item) => item.key));
    cursor = page.nextCursor;
    pages += 1;
    if (pages > 1000) throw new Error('query paging does not terminate');
  } while (cursor !== undefined);
  return { keys, pages };
}

/** Increments a counter with a version condition, retrying on conflict; returns the attempts used. */
export async function incrementWithRetry(store: KeyValueStore, key: string): Promise<number> {
  for (let attempt = 1; attempt <= 500; attempt += 1) {
    const current = await store.get<{ n: number }>(key);
    const op: TxOp = current
      ? { op: 'put', key, value: { n: current.value.n + 1 }, condition: { kind: 'version', version: current.version } }
      : { op: 'put', key, value: { n: 1 }, condition: { kind: 'absent' } };
    try {
      await store.transact([op]);
      return attempt;
    } catch (error) {
      if (!(error instanceof StoreError) || error.code !== 'CONDITION_FAILED') throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  throw new Error('increment did not succeed in 500 attempts');
}

export function runStoreContract(name: string, makeStore: StoreFactory): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let store: KeyValueStore;
    let time = 0;
    const clock: ContractClock = { now: () => time };

    const put = (key: string, value: unknown, extra: Partial<Extract<TxOp, { op: 'put' }>> = {}) =>
      store.transact([{ op: 'put', key, value, ...extra }]);

    beforeEach(async () => {
      time = Date.UTC(2026, 0, 1);
      store = await makeStore({ clock });
    });

    afterEach(() => {
      (store as { close?: () => void }).close?.();
    });

    describe('keys', () => {
      it('accepts every allowed character and keys up to 500 characters', async () => {
        const odd = 'ns:Az09 ._-#:x';
        const long = 'ns:' + 'k'.repeat(STORE_LIMITS.maxKeyLength - 3);
        await store.transact([
          { op: 'put', key: odd, value: 1 },
          { op: 'put', key: long, value: 2 },
        ]);
        expect((await store.get(odd))?.value).toBe(1);
        expect((await store.get(long))?.value).toBe(2);
      });

      it.each([
        ['empty', ''],
        ['501 characters', 'ns:' + 'k'.repeat(STORE_LIMITS.maxKeyLength - 2)],
        ['a slash', 'ns:a/b'],
        ['only whitespace', '   '],
        ['a non-ASCII letter', 'ns:caf\u00e9'],
        ['an empty namespace', ':abc'],
      ])('rejects a key with %s on every operation', async (_label, key) => {
        await expectStoreError(store.get(key), 'INVALID_KEY');
        await expectStoreError(store.getMany([key]), 'INVALID_KEY');
        await expectStoreError(put(key, 1), 'INVALID_KEY');
        await expectStoreError(store.transact([{ op: 'delete', key }]), 'INVALID_KEY');
      });
    });

    describe('values', () => {
      it('round-trips JSON values and reports the version', async () => {
        const values: unknown[] = ['text', 0, -12.5, true, false, [], [1, 'a', null, { b: [true] }], { a: { b: { c: null } }, e: '' }];
        const ops: TxOp[] = values.map((value, i) => ({ op: 'put', key: `val:${i}`, value }));
        await store.transact(ops);
        for (const [i, value] of values.entries()) {
          expect(await store.get(`val:${i}`)).toEqual({ key: `val:${i}`, value, version: 1 });
        }
      });

      it('returns undefined for a missing key', async () => {
        expect(await store.get('val:missing')).toBeUndefined();
      });

      it.each([
        ['null', null],
        ['undefined', undefined],
      ])('rejects %s at the top level', async (_label, value) => {
        await expectStoreError(put('val:x', value), 'INVALID_VALUE');
        expect(await store.get('val:x')).toBeUndefined();
      });

      class Custom {
        a = 1;
      }
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;

      it.each([
        ['a function', { f: () => 1 }],
        ['NaN', { n: NaN }],
        ['Infinity', [Infinity]],
        ['a bigint', { b: BigInt(1) }],
        ['a symbol', { s: Symbol('s') }],
        ['a Date', { d: new Date(0) }],
        ['a Map', { m: new Map() }],
        ['a class instance', { c: new Custom() }],
        ['a cycle', cyclic],
        ['undefined inside an array', [1, undefined]],
      ])('rejects a value containing %s', async (_label, value) => {
        await expectStoreError(put('val:x', value), 'INVALID_VALUE');
        expect(await store.get('val:x')).toBeUndefined();
      });

      it('drops object properties whose value is undefined, as JSON does', async () => {
        await put('val:u', { a: 1, b: undefined });
        const item = await store.get<Record<string, unknown>>('val:u');
        expect(item?.value).toEqual({ a: 1 });
        expect(Object.keys(item?.value ?? {})).toEqual(['a']);
      });

      const nested = (depth: number): unknown => {
        let value: unknown = 'leaf';
        for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? { v: value } : [value];
        return value;
      };

      // Forge's 31-level limit applies to the stored envelope {ns, k, ver, data}, one level above the value (issue 8).
      it('accepts nesting up to 30 levels and rejects 31 (the envelope is the 31st)', async () => {
        await put('val:deep', nested(30));
        expect((await store.get('val:deep'))?.value).toEqual(nested(30));
        await expectStoreError(put('val:deeper', nested(31)), 'INVALID_VALUE');
      });

      it('accepts a value just under 240 KiB and rejects one over it, counting UTF-8 bytes', async () => {
        const big = 'x'.repeat(STORE_LIMITS.maxValueBytes - 1024);
        await put('val:big', { big });
        expect(((await store.get<{ big: string }>('val:big'))?.value.big ?? '').length).toBe(big.length);
        await expectStoreError(put('val:huge', { big: 'x'.repeat(STORE_LIMITS.maxValueBytes) }), 'VALUE_TOO_LARGE');
        // 130,000 two-byte characters: under the limit in characters, over it in bytes.
        await expectStoreError(put('val:wide', '\u00e9'.repeat(130_000)), 'VALUE_TOO_LARGE');
        expect(await store.get('val:huge')).toBeUndefined();
      });

      it('never shares objects with callers: reads and writes are deep copies', async () => {
        const original = { list: [1, 2], inner: { n: 1 } };
        await put('val:copy', original);
        original.list.push(3);
        original.inner.n = 99;
        const first = await store.get<typeof original>('val:copy');
        expect(first?.value).toEqual({ list: [1, 2], inner: { n: 1 } });
        first!.value.list.push(4);
        first!.value.inner.n = 42;
        const [fromMany] = await store.getMany<typeof original>(['val:copy']);
        fromMany.value.inner.n = 7;
        const page = await store.query<typeof original>({ prefix: 'val:' });
        page.items[0].value.list.length = 0;
        expect((await store.get('val:copy'))?.value).toEqual({ list: [1, 2], inner: { n: 1 } });
      });
    });

    describe('versions', () => {
      it('start at 1, increase by one on every put, and restart after a delete', async () => {
        await put('ver:a', 'one');
        expect((await store.get('ver:a'))?.version).toBe(1);
        await put('ver:a', 'two');
        await put('ver:a', 'three');
        expect(await store.get('ver:a')).toEqual({ key: 'ver:a', value: 'three', version: 3 });
        await store.transact([{ op: 'delete', key: 'ver:a' }]);
        expect(await store.get('ver:a')).toBeUndefined();
        await put('ver:a', 'again');
        expect((await store.get('ver:a'))?.version).toBe(1);
      });

      it('are not changed by a check', async () => {
        await put('ver:c', 1);
        await store.transact([{ op: 'check', key: 'ver:c', condition: { kind: 'version', version: 1 } }]);
        expect((await store.get('ver:c'))?.version).toBe(1);
      });
    });

    describe('conditions', () => {
      it('absent: creates a missing key, refuses an existing one', async () => {
        await put('cond:a', 'first', { condition: { kind: 'absent' } });
        await expectStoreError(put('cond:a', 'second', { condition: { kind: 'absent' } }), 'CONDITION_FAILED');
        expect(await store.get('cond:a')).toEqual({ key: 'cond:a', value: 'first', version: 1 });
      });

      it('exists: refuses a missing key, updates an existing one', async () => {
        await expectStoreError(put('cond:e', 'x', { condition: { kind: 'exists' } }), 'CONDITION_FAILED');
        expect(await store.get('cond:e')).toBeUndefined();
        await put('cond:e', 'v1');
        await put('cond:e', 'v2', { condition: { kind: 'exists' } });
        expect(await store.get('cond:e')).toEqual({ key: 'cond:e', value: 'v2', version: 2 });
      });

      it('version: applies only at exactly that version', async () => {
        await put('cond:v', 'v1');
        await put('cond:v', 'v2', { condition: { kind: 'version', version: 1 } });
        await expectStoreError(put('cond:v', 'stale', { condition: { kind: 'version', version: 1 } }), 'CONDITION_FAILED');
        await expectStoreError(put('cond:v', 'future', { condition: { kind: 'version', version: 3 } }), 'CONDITION_FAILED');
        await expectStoreError(put('cond:none', 'x', { condition: { kind: 'version', version: 1 } }), 'CONDITION_FAILED');
        expect(await store.get('cond:v')).toEqual({ key: 'cond:v', value: 'v2', version: 2 });
        expect(await store.get('cond:none')).toBeUndefined();
      });

      it('apply to deletes', async () => {
        await put('cond:d', 'v1');
        await put('cond:d', 'v2');
        await expectStoreError(store.transact([{ op: 'delete', key: 'cond:d', condition: { kind: 'version', version: 1 } }]), 'CONDITION_FAILED');
        expect((await store.get('cond:d'))?.value).toBe('v2');
        await expectStoreError(store.transact([{ op: 'delete', key: 'cond:gone', condition: { kind: 'exists' } }]), 'CONDITION_FAILED');
        await store.transact([{ op: 'delete', key: 'cond:d', condition: { kind: 'version', version: 2 } }]);
        expect(await store.get('cond:d')).toBeUndefined();
      });

      it('a delete without a condition succeeds whether or not the key exists', async () => {
        await store.transact([{ op: 'delete', key: 'cond:never' }]);
        expect(await store.get('cond:never')).toBeUndefined();
      });

      it('check: a failing check aborts the writes beside it; a passing one lets them through', async () => {
        await put('cond:guard', 'g');
        await expectStoreError(
          store.transact([
            { op: 'check', key: 'cond:guard', condition: { kind: 'version', version: 2 } },
            { op: 'put', key: 'cond:w', value: 'blocked' },
          ]),
          'CONDITION_FAILED',
        );
        expect(await store.get('cond:w')).toBeUndefined();
        await store.transact([
          { op: 'check', key: 'cond:guard', condition: { kind: 'version', version: 1 } },
          { op: 'check', key: 'cond:other', condition: { kind: 'absent' } },
          { op: 'put', key: 'cond:w', value: 'allowed' },
        ]);
        expect((await store.get('cond:w'))?.value).toBe('allowed');
        expect(await store.get('cond:guard')).toEqual({ key: 'cond:guard', value: 'g', version: 1 });
      });

      it('a failed transaction leaves no partial write', async () => {
        await put('tx:keep', 'keep-v1');
        await put('tx:del', 'still-here');
        await put('tx:guard', 'v1');
        await put('tx:guard', 'v2');
        await expectStoreError(
          store.transact([
            { op: 'put', key: 'tx:new', value: 'new' },
            { op: 'put', key: 'tx:keep', value: 'keep-v2', condition: { kind: 'version', version: 1 } },
            { op: 'delete', key: 'tx:del' },
            { op: 'put', key: 'tx:guard', value: 'v3', condition: { kind: 'version', version: 1 } },
          ]),
          'CONDITION_FAILED',
        );
        expect(await store.get('tx:new')).toBeUndefined();
        expect(await store.get('tx:keep')).toEqual({ key: 'tx:keep', value: 'keep-v1', version: 1 });
        expect(await store.get('tx:del')).toEqual({ key: 'tx:del', value: 'still-here', version: 1 });
        expect(await store.get('tx:guard')).toEqual({ key: 'tx:guard', value: 'v2', version: 2 });
      });

      it.each([
        ['version 0', { kind: 'version', version: 0 }],
        ['a fractional version', { kind: 'version', version: 1.5 }],
        ['an unknown kind', { kind: 'maybe' }],
      ])('rejects a condition with %s', async (_label, condition) => {
        await expectStoreError(put('cond:bad', 1, { condition: condition as never }), 'INVALID_VALUE');
        await expectStoreError(store.transact([{ op: 'check', key: 'cond:bad', condition: condition as never }]), 'INVALID_VALUE');
        expect(await store.get('cond:bad')).toBeUndefined();
      });
    });

    describe('transaction limits', () => {
      it('applies 25 operations together and refuses 0 or 26', async () => {
        const ops = (n: number): TxOp[] => Array.from({ length: n }, (_, i) => ({ op: 'put', key: `lim:${String(i).padStart(2, '0')}`, value: i }));
        await expectStoreError(store.transact([]), 'TOO_MANY_OPERATIONS');
        await expectStoreError(store.transact(ops(26)), 'TOO_MANY_OPERATIONS');
        expect(await store.get('lim:00')).toBeUndefined();
        await store.transact(ops(25));
        const page = await store.query({ prefix: 'lim:', limit: 100 });
        expect(page.items.map((item) => item.value)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      });

      it('refuses a key used twice and writes nothing', async () => {
        await expectStoreError(
          store.transact([
            { op: 'put', key: 'dup:other', value: 1 },
            { op: 'put', key: 'dup:a', value: 1 },
            { op: 'delete', key: 'dup:a' },
          ]),
          'DUPLICATE_KEY_IN_TRANSACTION',
        );
        await expectStoreError(
          store.transact([
            { op: 'check', key: 'dup:a', condition: { kind: 'absent' } },
            { op: 'put', key: 'dup:a', value: 1 },
          ]),
          'DUPLICATE_KEY_IN_TRANSACTION',
        );
        expect(await store.getMany(['dup:other', 'dup:a'])).toEqual([]);
      });

      it('an invalid operation anywhere rejects the whole transaction before writing', async () => {
        await expectStoreError(
          store.transact([
            { op: 'put', key: 'inv:a', value: 1 },
            { op: 'put', key: 'inv:b', value: null },
          ]),
          'INVALID_VALUE',
        );
        await expectStoreError(
          store.transact([
            { op: 'put', key: 'inv:a', value: 1 },
            { op: 'put', key: 'inv/b', value: 1 },
          ]),
          'INVALID_KEY',
        );
        await expectStoreError(store.transact([{ op: 'upsert', key: 'inv:a', value: 1 } as unknown as TxOp]), 'INVALID_VALUE');
        expect(await store.get('inv:a')).toBeUndefined();
      });
    });

    describe('getMany', () => {
      it('returns the existing items in request order, once each, skipping missing keys', async () => {
        await store.transact([
          { op: 'put', key: 'gm:a', value: 'A' },
          { op: 'put', key: 'gm:b', value: 'B' },
          { op: 'put', key: 'gm:c', value: 'C' },
        ]);
        await put('gm:b', 'B2');
        const items = await store.getMany<string>(['gm:c', 'gm:missing', 'gm:b', 'gm:c']);
        expect(items).toEqual<StoredItem<string>[]>([
          { key: 'gm:c', value: 'C', version: 1 },
          { key: 'gm:b', value: 'B2', version: 2 },
        ]);
        expect(await store.getMany([])).toEqual([]);
      });

      it('reads up to 25 keys per call and refuses 26', async () => {
        const keys = Array.from({ length: 26 }, (_, i) => `gm:k${i}`);
        await store.transact(keys.slice(0, 25).map((key): TxOp => ({ op: 'put', key, value: key })));
        expect((await store.getMany(keys.slice(0, 25))).map((item) => item.key)).toEqual(keys.slice(0, 25));
        await expectStoreError(store.getMany(keys), 'TOO_MANY_OPERATIONS');
      });
    });

    describe('query', () => {
      const seed = async (keys: string[]) => {
        for (let i = 0; i < keys.length; i += 25) {
          await store.transact(keys.slice(i, i + 25).map((key): TxOp => ({ op: 'put', key, value: { key } })));
        }
      };

      it('needs a prefix that starts with a namespace and ":"', async () => {
        await expectStoreError(store.query({} as never), 'INVALID_QUERY');
        await expectStoreError(store.query({ prefix: '' }), 'INVALID_QUERY');
        await expectStoreError(store.query({ prefix: 'nocolon' }), 'INVALID_QUERY');
        await expectStoreError(store.query({ prefix: ':x' }), 'INVALID_QUERY');
        await expectStoreError(store.query({ prefix: 'ns:a/b' }), 'INVALID_QUERY');
      });

      it('accepts limits 1..100, defaults to 10, and refuses others', async () => {
        await seed(Array.from({ length: 12 }, (_, i) => `ql:${String(i).padStart(2, '0')}`));
        expect((await store.query({ prefix: 'ql:' })).items).toHaveLength(10);
        expect((await store.query({ prefix: 'ql:', limit: 1 })).items).toHaveLength(1);
        expect((await store.query({ prefix: 'ql:', limit: 100 })).items).toHaveLength(12);
        for (const limit of [0, 101, 1.5, -1]) {
          await expectStoreError(store.query({ prefix: 'ql:', limit }), 'INVALID_QUERY');
        }
        await expectStoreError(store.query({ prefix: 'ql:', order: 'sideways' as never }), 'INVALID_QUERY');
      });

      it('returns items with values and versions, in key order both ways, only under the prefix', async () => {
        await seed(['a:x:2', 'a:x:1', 'a:x:10', 'a:x', 'a:y:1', 'ab:x:1', 'b:x:1', 'a:xz']);
        await put('a:x:1', { key: 'a:x:1', updated: true });
        const asc = await store.query<{ key: string }>({ prefix: 'a:x:' });
        expect(asc.items.map((item) => item.key)).toEqual(['a:x:1', 'a:x:10', 'a:x:2']);
        expect(asc.items[0]).toEqual({ key: 'a:x:1', value: { key: 'a:x:1', updated: true }, version: 2 });
        expect(asc.nextCursor).toBeUndefined();
        const desc = await store.query({ prefix: 'a:x:', order: 'desc' });
        expect(desc.items.map((item) => item.key)).toEqual(['a:x:2', 'a:x:10', 'a:x:1']);
        expect((await store.query({ prefix: 'a:' })).items.map((item) => item.key)).toEqual([
          'a:x', 'a:x:1', 'a:x:10', 'a:x:2', 'a:xz', 'a:y:1',
        ]);
        expect((await store.query({ prefix: 'c:' })).items).toEqual([]);
      });

      it.each([
        ['asc', 100],
        ['desc', 100],
        ['asc', 7],
        ['desc', 7],
      ] as const)('pages through more than 100 items (%s, limit %i) exactly once each', async (order, limit) => {
        const keys = Array.from({ length: 130 }, (_, i) => `pg:item:${String(i).padStart(4, '0')}`);
        await seed([...keys, 'pg:item', 'pg:iten:0', 'pgx:item:0001', 'pg:itel:9']);
        const { keys: served, pages } = await collectKeys(store, 'pg:item:', order, limit);
        const expected = order === 'asc' ? keys : [...keys].reverse();
        expect(served).toEqual(expected);
        expect(pages).toBeGreaterThanOrEqual(Math.ceil(130 / limit));
        expect(pages).toBeLessThanOrEqual(Math.ceil(130 / limit) + 1);
      });

      it('keeps paging correctly when items change between pages', async () => {
        await seed(Array.from({ length: 9 }, (_, i) => `chg:${i}`));
        const first = await store.query({ prefix: 'chg:', limit: 3 });
        expect(first.items.map((item) => item.key)).toEqual(['chg:0', 'chg:1', 'chg:2']);
        await store.transact([
          { op: 'delete', key: 'chg:3' },
          { op: 'delete', key: 'chg:1' },
        ]);
        const second = await store.query({ prefix: 'chg:', limit: 3, cursor: first.nextCursor });
        expect(second.items.map((item) => item.key)).toEqual(['chg:4', 'chg:5', 'chg:6']);
      });

      it('refuses tampered, foreign and malformed cursors', async () => {
        await seed(Array.from({ length: 5 }, (_, i) => `cur:${i}`));
        await seed(Array.from({ length: 5 }, (_, i) => `oth:${i}`));
        const { nextCursor } = await store.query({ prefix: 'cur:', limit: 2 });
        expect(typeof nextCursor).toBe('string');
        const cursor = nextCursor as string;
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        const tampered = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);
        await expectStoreError(store.query({ prefix: 'cur:', limit: 2, cursor: tampered }), 'INVALID_CURSOR');
        await expectStoreError(store.query({ prefix: 'cur:', limit: 2, cursor: cursor + 'x' }), 'INVALID_CURSOR');
        await expectStoreError(store.query({ prefix: 'oth:', limit: 2, cursor }), 'INVALID_CURSOR');
        await expectStoreError(store.query({ prefix: 'cur:', limit: 2, order: 'desc', cursor }), 'INVALID_CURSOR');
        for (const junk of ['', 'abc', '!!!', Buffer.from('{"at":"cur:0"}').toString('base64url')]) {
          await expectStoreError(store.query({ prefix: 'cur:', cursor: junk }), 'INVALID_CURSOR');
        }
        // The genuine cursor still works, with a different page size too.
        const next = await store.query({ prefix: 'cur:', limit: 10, cursor });
        expect(next.items.map((item) => item.key)).toEqual(['cur:2', 'cur:3', 'cur:4']);
      });
    });

    describe('ttl', () => {
      it('hides an item once its TTL has passed, everywhere', async () => {
        await put('ttl:a', 'short', { ttlSeconds: 60 });
        await put('ttl:b', 'forever');
        time += 59_000;
        expect((await store.get('ttl:a'))?.value).toBe('short');
        time += 2_000;
        expect(await store.get('ttl:a')).toBeUndefined();
        expect((await store.getMany(['ttl:a', 'ttl:b'])).map((item) => item.key)).toEqual(['ttl:b']);
        expect((await store.query({ prefix: 'ttl:' })).items.map((item) => item.key)).toEqual(['ttl:b']);
      });

      it('treats an expired key as absent for conditions and versions', async () => {
        await put('ttl:c', 'v1', { ttlSeconds: 10 });
        await put('ttl:c', 'v2', { ttlSeconds: 10 });
        time += 11_000;
        await expectStoreError(put('ttl:c', 'x', { condition: { kind: 'exists' } }), 'CONDITION_FAILED');
        await put('ttl:c', 'reborn', { condition: { kind: 'absent' } });
        expect(await store.get('ttl:c')).toEqual({ key: 'ttl:c', value: 'reborn', version: 1 });
        await put('ttl:d', 'v1', { ttlSeconds: 10 });
        time += 11_000;
        await put('ttl:d', 'fresh');
        expect(await store.get('ttl:d')).toEqual({ key: 'ttl:d', value: 'fresh', version: 1 });
      });

      it('a put without ttlSeconds replaces the item with one that never expires', async () => {
        await put('ttl:e', 'temp', { ttlSeconds: 5 });
        await put('ttl:e', 'kept');
        time += 3_600_000;
        expect(await store.get('ttl:e')).toEqual({ key: 'ttl:e', value: 'kept', version: 2 });
      });

      it.each([0, -5, 1.5, 366 * 24 * 3600])('refuses ttlSeconds %p', async (ttlSeconds) => {
        await expectStoreError(put('ttl:bad', 1, { ttlSeconds }), 'INVALID_VALUE');
        expect(await store.get('ttl:bad')).toBeUndefined();
      });
    });

    describeEntities(() => store);

    describe('concurrency', () => {
      it('20 concurrent version-conditioned increments lose no update', async () => {
        const attempts = await Promise.all(Array.from({ length: 20 }, () => incrementWithRetry(store, 'conc:counter')));
        expect(await store.get('conc:counter')).toEqual({ key: 'conc:counter', value: { n: 20 }, version: 20 });
        expect(Math.max(...attempts)).toBeGreaterThan(1); // the callers really did collide
      });

      it('of many concurrent create-if-absent writes exactly one wins', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => put('conc:once', { by: i }, { condition: { kind: 'absent' } })),
        );
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expect((result.reason as StoreError).code).toBe('CONDITION_FAILED');
        }
        expect((await store.get('conc:once'))?.version).toBe(1);
      });
    });
  });
}
