/**
 * ForgeKvsStore specifics, through the real @forge/kvs client and the fake KVS HTTP API:
 * the requests it sends (entity, index, conditions, TTL), what each operation costs, error
 * mapping, retries when a read version goes stale, and expired items that linger on Forge.
 */
import { ForgeKvsAPIError } from '@forge/kvs';
import { FORGE_ITEM_ENTITY, ForgeKvsStore, toStoreError } from '../../src/adapters/forge/forge-kvs-store';
import { serialiseValue } from '../../src/adapters/store/kvs-rules';
import { installFakeForgeKvs } from '../support/fake-forge-kvs';
import type { FakeForgeKvs } from '../support/fake-forge-kvs';
import { expectStoreError } from './store-contract';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let fake: FakeForgeKvs;
let store: ForgeKvsStore;
let time: number;

beforeEach(() => {
  time = Date.UTC(2026, 0, 1);
  fake = installFakeForgeKvs({ now: () => time });
  store = new ForgeKvsStore({ clock: { now: () => time } });
});
afterEach(() => fake.uninstall());

const paths = () => fake.requests.map((request) => request.path);
const lastTransaction = () => [...fake.requests].reverse().find((request) => request.path === '/api/v1/transaction')?.body;
const cond = (condition: string, value: unknown) => ({ and: [{ property: 'ver', condition, values: [value] }] });

describe('ForgeKvsStore requests', () => {
  it('stores each item as an af-item entity {ns, k, ver, data} keyed by the store key', async () => {
    await store.transact([{ op: 'put', key: 'wf:eng-review', value: { name: 'Eng' }, condition: { kind: 'absent' } }]);
    expect(JSON.parse(fake.data.get(FORGE_ITEM_ENTITY)?.get('wf:eng-review')?.json ?? 'null')).toEqual({
      ns: 'wf',
      k: 'wf:eng-review',
      ver: 1,
      data: { name: 'Eng' },
    });
  });

  it('a put conditioned on absent or on a version is one request, with the matching Forge condition', async () => {
    await store.transact([{ op: 'put', key: 'a:1', value: 'v1', condition: { kind: 'absent' } }]);
    expect(paths()).toEqual(['/api/v1/transaction']);
    expect(lastTransaction()).toEqual({
      set: [{ key: 'a:1', value: { ns: 'a', k: 'a:1', ver: 1, data: 'v1' }, entityName: 'af-item', conditions: cond('NOT_EXISTS', true) }],
    });
    fake.requests.length = 0;
    await store.transact([{ op: 'put', key: 'a:1', value: 'v2', condition: { kind: 'version', version: 1 } }]);
    expect(paths()).toEqual(['/api/v1/transaction']);
    expect(lastTransaction()).toEqual({
      set: [{ key: 'a:1', value: { ns: 'a', k: 'a:1', ver: 2, data: 'v2' }, entityName: 'af-item', conditions: cond('EQUAL_TO', 1) }],
    });
  });

  it('an unconditioned put costs one batch read, then writes current+1 conditioned on the version read', async () => {
    await store.transact([{ op: 'put', key: 'a:1', value: 'v1' }]);
    await store.transact([{ op: 'put', key: 'a:1', value: 'v2' }]);
    fake.requests.length = 0;
    await store.transact([
      { op: 'put', key: 'a:1', value: 'v3' },
      { op: 'put', key: 'a:new', value: 'n' },
    ]);
    expect(paths()).toEqual(['/api/v1/batch/get', '/api/v1/transaction']);
    expect(fake.requests[0].body).toEqual([
      { key: 'a:1', entityName: 'af-item', options: { metadataFields: ['EXPIRE_TIME'] } },
      { key: 'a:new', entityName: 'af-item', options: { metadataFields: ['EXPIRE_TIME'] } },
    ]);
    expect(lastTransaction()).toEqual({
      set: [
        { key: 'a:1', value: { ns: 'a', k: 'a:1', ver: 3, data: 'v3' }, entityName: 'af-item', conditions: cond('EQUAL_TO', 2) },
        { key: 'a:new', value: { ns: 'a', k: 'a:new', ver: 1, data: 'n' }, entityName: 'af-item', conditions: cond('NOT_EXISTS', true) },
      ],
    });
  });

  it('sends TTL as set options in seconds (and the expiry in the envelope), and maps delete and check conditions', async () => {
    await store.transact([{ op: 'put', key: 'a:x', value: 1 }]);
    await store.transact([
      { op: 'put', key: 'idem:1', value: 'r', ttlSeconds: 3600, condition: { kind: 'absent' } },
      { op: 'delete', key: 'a:x', condition: { kind: 'version', version: 1 } },
      { op: 'check', key: 'a:y', condition: { kind: 'absent' } },
      { op: 'check', key: 'idem:2', condition: { kind: 'absent' } },
    ]);
    expect(lastTransaction()).toEqual({
      set: [
        {
          key: 'idem:1',
          value: { ns: 'idem', k: 'idem:1', ver: 1, data: 'r', exp: time + 3600_000 },
          entityName: 'af-item',
          conditions: cond('NOT_EXISTS', true),
          options: { ttl: { value: 3600, unit: 'SECONDS' } },
        },
      ],
      delete: [{ key: 'a:x', entityName: 'af-item', conditions: cond('EQUAL_TO', 1) }],
      check: [
        { key: 'a:y', entityName: 'af-item', conditions: cond('NOT_EXISTS', true) },
        { key: 'idem:2', entityName: 'af-item', conditions: cond('NOT_EXISTS', true) },
      ],
    });
    await store.transact([{ op: 'put', key: 'a:z', value: 1 }]);
    await store.transact([{ op: 'check', key: 'a:z', condition: { kind: 'exists' } }]);
    expect(lastTransaction()).toEqual({ check: [{ key: 'a:z', entityName: 'af-item', conditions: cond('EXISTS', true) }] });
  });

  it('a prefix query is one index query on by-ns-key, partitioned by the namespace', async () => {
    await store.query({ prefix: 'ap:page:2001', order: 'desc', limit: 5 });
    expect(fake.requests).toEqual([
      {
        path: '/api/v1/entity/query',
        body: {
          entityName: 'af-item',
          indexName: 'by-ns-key',
          partition: ['ap'],
          range: { condition: 'BEGINS_WITH', values: ['ap:page:2001'] },
          sort: 'DESC',
          limit: 5,
          options: { metadataFields: ['EXPIRE_TIME'] },
        },
      },
    ]);
  });

  it('the largest value the shared rules accept still fits in a Forge entity (240 KiB with the envelope)', async () => {
    const key = 'big:' + 'k'.repeat(200);
    const fits = (n: number) => {
      try {
        serialiseValue(key, 'x'.repeat(n));
        return true;
      } catch {
        return false;
      }
    };
    let low = 0;
    let high = 240 * 1024;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (fits(mid)) low = mid;
      else high = mid - 1;
    }
    await store.transact([{ op: 'put', key, value: 'x'.repeat(low) }]);
    expect((await store.get<string>(key))?.value).toHaveLength(low);
    expect(240 * 1024 - low).toBeLessThan(300); // the envelope costs little
  });

  it('get is one entity get; getMany is one batch get', async () => {
    await store.get('a:1');
    await store.getMany(['a:1', 'a:2']);
    expect(paths()).toEqual(['/api/v1/entity/get', '/api/v1/batch/get']);
    expect(fake.requests[0].body).toEqual({ entityName: 'af-item', key: 'a:1', options: { metadataFields: ['EXPIRE_TIME'] } });
  });
});

describe('ForgeKvsStore under contention', () => {
  it('retries an unconditioned put whose read version went stale, and loses no update', async () => {
    await store.transact([{ op: 'put', key: 'c:n', value: 'v1' }]);
    let interfered = false;
    fake.beforeServe = (path) => {
      if (path === '/api/v1/transaction' && !interfered) {
        interfered = true; // another writer bumps the item between our read and our write
        fake.put(FORGE_ITEM_ENTITY, 'c:n', { ns: 'c', k: 'c:n', ver: 2, data: 'other' });
      }
    };
    fake.requests.length = 0;
    await store.transact([{ op: 'put', key: 'c:n', value: 'mine' }]);
    expect(paths()).toEqual(['/api/v1/batch/get', '/api/v1/transaction', '/api/v1/batch/get', '/api/v1/transaction']);
    expect(await store.get('c:n')).toEqual({ key: 'c:n', value: 'mine', version: 3 });
  });

  it("does not retry when the caller's own condition fails", async () => {
    await store.transact([{ op: 'put', key: 'c:v', value: 'v1' }]);
    await store.transact([{ op: 'put', key: 'c:v', value: 'v2' }]);
    fake.requests.length = 0;
    await expectStoreError(
      store.transact([
        { op: 'put', key: 'c:other', value: 'x' },
        { op: 'put', key: 'c:v', value: 'stale', condition: { kind: 'version', version: 1 } },
      ]),
      'CONDITION_FAILED',
    );
    expect(paths().filter((path) => path === '/api/v1/transaction')).toHaveLength(1);
    expect(await store.get('c:other')).toBeUndefined();
  });

  it('gives up with UNAVAILABLE when the item changes on every attempt', async () => {
    await store.transact([{ op: 'put', key: 'c:hot', value: 0 }]);
    let ver = 1;
    fake.beforeServe = (path) => {
      if (path === '/api/v1/transaction') {
        ver += 1;
        fake.put(FORGE_ITEM_ENTITY, 'c:hot', { ns: 'c', k: 'c:hot', ver, data: ver });
      }
    };
    await expectStoreError(store.transact([{ op: 'put', key: 'c:hot', value: 'mine' }]), 'UNAVAILABLE');
    expect((await store.get('c:hot'))?.value).not.toBe('mine');
  });
});

describe('ForgeKvsStore with expired items that linger on Forge', () => {
  beforeEach(() => {
    fake.lingerExpired = true;
  });

  it('hides them from get, getMany and query', async () => {
    await store.transact([
      { op: 'put', key: 'l:a', value: 'a', ttlSeconds: 10 },
      { op: 'put', key: 'l:b', value: 'b' },
    ]);
    time += 11_000;
    expect(fake.data.get(FORGE_ITEM_ENTITY)?.has('l:a')).toBe(true);
    expect(await store.get('l:a')).toBeUndefined();
    expect((await store.getMany(['l:a', 'l:b'])).map((item) => item.key)).toEqual(['l:b']);
    expect((await store.query({ prefix: 'l:' })).items.map((item) => item.key)).toEqual(['l:b']);
  });

  it('lets a create-if-absent or a plain put replace them, starting again at version 1', async () => {
    await store.transact([
      { op: 'put', key: 'l:c', value: 'old', ttlSeconds: 10 },
      { op: 'put', key: 'l:d', value: 'old', ttlSeconds: 10 },
    ]);
    await store.transact([{ op: 'put', key: 'l:c', value: 'old2', ttlSeconds: 10 }]);
    time += 11_000;
    await store.transact([{ op: 'put', key: 'l:c', value: 'new', condition: { kind: 'absent' } }]);
    await store.transact([{ op: 'put', key: 'l:d', value: 'new' }]);
    expect(await store.get('l:c')).toEqual({ key: 'l:c', value: 'new', version: 1 });
    expect(await store.get('l:d')).toEqual({ key: 'l:d', value: 'new', version: 1 });
  });

  it('refuses a put conditioned on exists (the put reads first)', async () => {
    await store.transact([{ op: 'put', key: 'l:e', value: 'old', ttlSeconds: 10 }]);
    time += 11_000;
    await expectStoreError(store.transact([{ op: 'put', key: 'l:e', value: 'x', condition: { kind: 'exists' } }]), 'CONDITION_FAILED');
    expect(await store.get('l:e')).toBeUndefined();
  });

  it('KNOWN LIMIT: a check/delete/version condition is evaluated by Forge, which still sees the lingering item', async () => {
    await store.transact([{ op: 'put', key: 'l:f', value: 'old', ttlSeconds: 10 }]);
    time += 11_000;
    // Documented in docs/store-contract.md: no read is spent on these, so Forge decides.
    await store.transact([{ op: 'check', key: 'l:f', condition: { kind: 'version', version: 1 } }]);
  });
});

describe('ForgeKvsStore where the platform differs from our guesses (issue 8)', () => {
  it('recognises a failed condition answered with another code: re-reads, decides, and says CONDITION_FAILED', async () => {
    fake.conditionFailure = { status: 400, code: 'PRECONDITION_FAILED' };
    await store.transact([{ op: 'put', key: 'g:a', value: 1, condition: { kind: 'absent' } }]);
    await expectStoreError(store.transact([{ op: 'put', key: 'g:a', value: 2, condition: { kind: 'absent' } }]), 'CONDITION_FAILED');
    expect((await store.get('g:a'))?.value).toBe(1);
  });

  it('still retries a stale read version when the platform answers it with an unexpected 4xx, and loses no update', async () => {
    fake.conditionFailure = { status: 412, code: 'CONDITIONAL_CHECK_FAILED' };
    await store.transact([{ op: 'put', key: 'g:c', value: 0 }]);
    let raced = false;
    fake.beforeServe = (path) => {
      if (path === '/api/v1/transaction' && !raced) {
        raced = true;
        fake.put(FORGE_ITEM_ENTITY, 'g:c', { ns: 'g', k: 'g:c', ver: 2, data: 'other writer' });
      }
    };
    await store.transact([{ op: 'put', key: 'g:c', value: 'mine' }]);
    expect(await store.get('g:c')).toEqual({ key: 'g:c', value: 'mine', version: 3 });
  });

  it('reports a 4xx that is not about conditions as what it is, once a re-read shows nothing moved', async () => {
    // a deployment whose manifest lacks the `exp` attribute: Forge refuses every TTL write with a 400
    const manifestPath = join(mkdtempSync(join(tmpdir(), 'kvs-manifest-')), 'manifest.yml');
    writeFileSync(manifestPath, readFileSync(join(__dirname, '../../manifest.yml'), 'utf8').replace(/\n {10}exp:\n {12}type: float\n/, '\n'));
    fake.uninstall();
    fake = installFakeForgeKvs({ now: () => time, manifestPath });
    const error = await expectStoreError(store.transact([{ op: 'put', key: 'g:d', value: 1, ttlSeconds: 60, condition: { kind: 'absent' } }]), 'UNAVAILABLE');
    expect(error.message).toContain('INVALID_ENTITY_VALUE');
    expect(paths().filter((p) => p === '/api/v1/transaction')).toHaveLength(2);
  });

  it('an expired idempotency record does not look live when batch get ignores the expiry option', async () => {
    fake.lingerExpired = true;
    fake.batchGetIgnoresOptions = true;
    await store.transact([{ op: 'put', key: 'idem:k', value: 'in progress', ttlSeconds: 60, condition: { kind: 'absent' } }]);
    time += 61_000;
    expect(await store.getMany(['idem:k'])).toEqual([]);
    // the key is free again: create-if-absent succeeds (it did not stay locked while the item lingered)
    await store.transact([{ op: 'put', key: 'idem:k', value: 'again', ttlSeconds: 60, condition: { kind: 'absent' } }]);
    expect((await store.get('idem:k'))?.value).toBe('again');
  });

  it('refuses a transaction over Forge’s 4 MB payload, counted with the envelopes, before sending it', async () => {
    const big = 'x'.repeat(200 * 1024);
    const ops = Array.from({ length: 21 }, (_, i) => ({ op: 'put' as const, key: `t:${i}`, value: big }));
    await expectStoreError(store.transact(ops), 'VALUE_TOO_LARGE');
    expect(paths()).not.toContain('/api/v1/transaction');
    await store.transact(ops.slice(0, 20));
  });
});

describe('ForgeKvsStore errors', () => {
  it('maps HTTP 429 to RATE_LIMITED on reads and writes', async () => {
    fake.failNext({ status: 429, code: 'RATE_LIMIT_EXCEEDED' }, 2);
    await expectStoreError(store.get('e:a'), 'RATE_LIMITED');
    await expectStoreError(store.transact([{ op: 'put', key: 'e:a', value: 1, condition: { kind: 'absent' } }]), 'RATE_LIMITED');
    expect(await store.get('e:a')).toBeUndefined();
  });

  it('maps server failures to UNAVAILABLE without passing on the response text', async () => {
    fake.failNext({ status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'db-host-17 stack trace' });
    const error = await expectStoreError(store.query({ prefix: 'e:' }), 'UNAVAILABLE');
    expect(error.message).not.toContain('db-host-17');
  });

  it('maps a transport failure to UNAVAILABLE', async () => {
    (globalThis as Record<string, unknown>).__forge_fetch__ = async () => {
      throw new Error('socket hang up');
    };
    await expectStoreError(store.get('e:a'), 'UNAVAILABLE');
  });

  it('refuses a stored entity that is not in the expected shape', async () => {
    fake.put(FORGE_ITEM_ENTITY, 'e:bad', { ns: 'e', k: 'e:other', ver: 1, data: 1 });
    await expectStoreError(store.get('e:bad'), 'UNAVAILABLE');
  });

  it.each([
    [409, 'ANYTHING', 'CONDITION_FAILED'],
    [400, 'CONDITIONAL_CHECK_FAILED', 'CONDITION_FAILED'],
    [429, 'TOO_MANY_REQUESTS', 'RATE_LIMITED'],
    [400, 'MAX_SIZE', 'VALUE_TOO_LARGE'],
    [400, 'INVALID_KEY', 'INVALID_KEY'],
    [400, 'INVALID_CURSOR', 'INVALID_CURSOR'],
    [400, 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE', 'INVALID_QUERY'],
    [503, 'SERVICE_UNAVAILABLE', 'UNAVAILABLE'],
  ] as const)('maps Forge HTTP %i %s to %s', (status, code, expected) => {
    const error = new ForgeKvsAPIError({ status, statusText: '', traceId: undefined, httpMethod: 'POST', httpPath: '/api/v1/transaction' }, {
      code,
      message: 'x',
    });
    expect(toStoreError(error).code).toBe(expected);
  });
});
