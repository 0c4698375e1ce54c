/**
 * Issue 10.4 / SPEC §9: rate limits per user and per OAuth client on writes and on denied calls,
 * REST and resolvers, 429 with Retry-After, state in the app store. The clock is injected: windows
 * advance by setting it, never by sleeping. Findings: "No per-client rate limit: 200 creates in
 * 1.6 s all succeed; each refused call appends an access.denied record, so one token can grow the
 * audit trail without bound."
 */
import { testAppAccount } from '../api/helpers';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { CountingStore } from '../../src/adapters/store/counting-store';
import { DomainError } from '../../src/core/domain/errors';
import { createApiHandlers } from '../../src/transport/api';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from '../../src/transport/shared/rate-limit';
import { call } from '../api/helpers';
import { createFakeEngine, type FakeEngine } from '../api/fake-engine';
import { createRealApi } from '../api/real-app';
import { createResolverApp, GENEROUS } from './resolver-app';

const WINDOW_START = Date.UTC(2026, 11, 1, 12, 0, 0); // on a 60 s boundary
const CREATE = { body: { spaceId: '1001', title: 'PR', pageRefs: [{ pageId: '2001' }] } };
const STATUS = { query: { pageId: '2001' } };

function limits(overrides: Partial<RateLimits>): RateLimits {
  return { ...GENEROUS, ...overrides };
}

function restApp(rateLimits: RateLimits) {
  const clock = { now: WINDOW_START + 10_000 };
  const store = new CountingStore(new MemoryStore());
  const fake: FakeEngine = createFakeEngine();
  const handlers = createApiHandlers(() => fake.engine, { store, now: () => clock.now, rateLimits, appAccountId: testAppAccount });
  return { clock, store, fake, handlers };
}

describe('REST', () => {
  it('writes per user: the limit passes, the next write is 429 with Retry-After to the window end; reads still work; the next window is open again', async () => {
    const app = restApp(limits({ writesPerUser: { max: 3, windowSeconds: 60 } }));
    for (let i = 0; i < 3; i++) expect((await call(app.handlers, 'changeset-create', { ...CREATE, clientId: `client-${i}` })).status).toBe(201);
    const refused = await call(app.handlers, 'changeset-create', { ...CREATE, clientId: 'client-9' });
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ success: false, code: 'RATE_LIMITED' });
    expect(refused.headers['retry-after']).toEqual(['50']);
    // Issue 25 finding 5: a write limit throttles writes only; a CI client can still poll status.
    expect((await call(app.handlers, 'page-status', STATUS)).status).toBe(200);
    expect((await call(app.handlers, 'changeset-detail', { query: { changeSetId: 'cs_1' } })).status).toBe(200);
    // Another user is not affected.
    expect((await call(app.handlers, 'changeset-create', { ...CREATE, accountId: 'acc-carol' })).status).toBe(201);

    app.clock.now = WINDOW_START + 60_000;
    expect((await call(app.handlers, 'changeset-create', CREATE)).status).toBe(201);
  });

  it('writes per client: many users of one client share its limit; other clients are unaffected', async () => {
    const app = restApp(limits({ writesPerClient: { max: 4, windowSeconds: 60 } }));
    const users = ['acc-a', 'acc-b', 'acc-c', 'acc-d'];
    for (const accountId of users) expect((await call(app.handlers, 'changeset-create', { ...CREATE, accountId, clientId: 'ci-bot' })).status).toBe(201);
    expect((await call(app.handlers, 'changeset-create', { ...CREATE, accountId: 'acc-e', clientId: 'ci-bot' })).status).toBe(429);
    expect((await call(app.handlers, 'page-status', { ...STATUS, accountId: 'acc-f', clientId: 'ci-bot' })).status).toBe(200);
    expect((await call(app.handlers, 'changeset-create', { ...CREATE, accountId: 'acc-e', clientId: 'other-app' })).status).toBe(201);
  });

  it('callers whose client id is "unavailable" do not share one client bucket', async () => {
    const app = restApp(limits({ writesPerClient: { max: 1, windowSeconds: 60 } }));
    for (const accountId of ['acc-a', 'acc-b', 'acc-c']) expect((await call(app.handlers, 'changeset-create', { ...CREATE, accountId, clientId: 'unavailable' })).status).toBe(201);
  });

  it('denied calls per user: after the limit of 403/404 answers every call is 429 and the engine is not reached', async () => {
    const app = restApp(limits({ deniedPerUser: { max: 3, windowSeconds: 60 } }));
    app.fake.script['changeSets.get'] = new DomainError('CHANGE_SET_NOT_FOUND', 'Change set not found.');
    for (let i = 0; i < 3; i++) expect((await call(app.handlers, 'changeset-detail', { query: { changeSetId: `cs_${i}` }, clientId: `c${i}` })).status).toBe(404);
    const blocked = await call(app.handlers, 'changeset-detail', { query: { changeSetId: 'cs_9' } });
    expect([blocked.status, blocked.json.code]).toEqual([429, 'RATE_LIMITED']);
    const callsBefore = app.fake.calls.length;
    expect((await call(app.handlers, 'page-status', STATUS)).status).toBe(429);
    expect(app.fake.calls.length).toBe(callsBefore);
    app.clock.now = WINDOW_START + 60_000;
    expect((await call(app.handlers, 'page-status', STATUS)).status).toBe(200);
  });

  it('issue 25 finding 4: one client id shared by five accounts, one of them refused 30 times — only that account is blocked', async () => {
    const app = restApp(DEFAULT_RATE_LIMITS);
    app.fake.script['changeSets.get'] = new DomainError('CHANGE_SET_NOT_FOUND', 'Change set not found.');
    const shared = ['acc-a', 'acc-b', 'acc-c', 'acc-d', 'acc-e'];
    // each of the five is refused just under the limit, the first one up to it
    for (const accountId of shared) {
      const times = accountId === 'acc-a' ? DEFAULT_RATE_LIMITS.deniedPerUser.max : DEFAULT_RATE_LIMITS.deniedPerUser.max - 1;
      for (let i = 0; i < times; i++) expect((await call(app.handlers, 'changeset-detail', { query: { changeSetId: `cs_${i}` }, accountId, clientId: 'shared-ci' })).status).toBe(404);
    }
    expect((await call(app.handlers, 'page-status', { ...STATUS, accountId: 'acc-a', clientId: 'shared-ci' })).status).toBe(429);
    for (const accountId of shared.slice(1)) {
      expect((await call(app.handlers, 'page-status', { ...STATUS, accountId, clientId: 'shared-ci' })).status).toBe(200);
      expect((await call(app.handlers, 'changeset-create', { ...CREATE, accountId, clientId: 'shared-ci' })).status).toBe(201);
    }
  });

  it('issue 25 finding 5: a block never outlives its window, even when the clock goes back (a restart that lost a clock offset)', async () => {
    const app = restApp(limits({ deniedPerUser: { max: 1, windowSeconds: 60 } }));
    app.fake.script['changeSets.get'] = new DomainError('CHANGE_SET_NOT_FOUND', 'Change set not found.');
    app.clock.now = WINDOW_START + 24 * 3600_000 + 10_000; // a clock moved a day ahead
    expect((await call(app.handlers, 'changeset-detail', { query: { changeSetId: 'cs_1' } })).status).toBe(404);
    expect((await call(app.handlers, 'page-status', STATUS)).status).toBe(429);
    app.clock.now = WINDOW_START + 10_000; // back to real time after the restart
    expect((await call(app.handlers, 'page-status', STATUS)).status).toBe(200);
  });

  it('issue 25 finding 6: invalid requests count against the denied-call limit, then answer 429', async () => {
    const app = restApp(limits({ deniedPerUser: { max: 3, windowSeconds: 60 } }));
    const invalid = () => call(app.handlers, 'changeset-create', { body: { spaceId: 'not-an-id', title: 'x', pageRefs: [] } });
    for (let i = 0; i < 3; i++) expect((await invalid()).status).toBe(400);
    expect((await invalid()).status).toBe(429);
    expect((await call(app.handlers, 'page-status', STATUS)).status).toBe(429);
    expect(app.fake.calls).toHaveLength(0);
  });

  it('abuse: 200 creates by one token in one burst — exactly the documented 150 succeed, the rest are 429', async () => {
    const app = restApp(DEFAULT_RATE_LIMITS);
    const statuses = await Promise.all(Array.from({ length: 200 }, () => call(app.handlers, 'changeset-create', CREATE).then((r) => r.status)));
    expect(statuses.filter((s) => s === 201)).toHaveLength(DEFAULT_RATE_LIMITS.writesPerUser.max);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200 - DEFAULT_RATE_LIMITS.writesPerUser.max);
  });

  it('keyed writes in a burst: their counts ride in the key claims, a lost counter race is retried (never a false 409), exactly the limit passes', async () => {
    const app = restApp(DEFAULT_RATE_LIMITS);
    const statuses = await Promise.all(Array.from({ length: 170 }, (_, i) => call(app.handlers, 'changeset-create', { ...CREATE, idempotencyKey: `burst-${i}` }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 201)).toHaveLength(DEFAULT_RATE_LIMITS.writesPerUser.max);
    expect(statuses.filter((s) => s === 429)).toHaveLength(170 - DEFAULT_RATE_LIMITS.writesPerUser.max);
  });

  it('abuse: one client spreading 700 writes over 700 users — exactly the documented 600 pass', async () => {
    const app = restApp(DEFAULT_RATE_LIMITS);
    const statuses = await Promise.all(
      Array.from({ length: 700 }, (_, i) => call(app.handlers, 'changeset-create', { ...CREATE, accountId: `acc-u${i}`, clientId: 'bulk-bot' }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(DEFAULT_RATE_LIMITS.writesPerClient.max);
    expect(statuses.filter((s) => s === 429)).toHaveLength(700 - DEFAULT_RATE_LIMITS.writesPerClient.max);
  });


  it('abuse: a flood of refused probes leaves at most the denied-call limit of access.denied records', async () => {
    const app = await createRealApi({ rateLimits: DEFAULT_RATE_LIMITS });
    const docs = await call(app.handlers, 'changeset-create', { body: { spaceId: '1002', title: 'Docs', pageRefs: [{ pageId: '3001' }] } });
    const before = (await app.store.auditRecords()).length;
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await call(app.handlers, 'changeset-detail', { query: { changeSetId: docs.json.changeSet.id }, accountId: 'acc-erin' })).status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(DEFAULT_RATE_LIMITS.deniedPerUser.max);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100 - DEFAULT_RATE_LIMITS.deniedPerUser.max);
    const denied = (await app.store.auditRecords()).slice(before).filter((r) => r.action === 'access.denied');
    expect(denied.length).toBeLessThanOrEqual(DEFAULT_RATE_LIMITS.deniedPerUser.max);
  });

  it('cost: store operations one request adds for the limiter (reported in docs/api.md)', async () => {
    const app = restApp(DEFAULT_RATE_LIMITS);
    const costOf = async (run: () => Promise<unknown>) => {
      app.store.reset();
      await run();
      const c = app.store.counts;
      return { get: c.get, getMany: c.getMany, query: c.query, transact: c.transact };
    };
    // The fake engine touches no store: every operation counted here is the edge's.
    expect(await costOf(() => call(app.handlers, 'page-status', STATUS))).toEqual({ get: 0, getMany: 1, query: 0, transact: 0 });
    // issue 23: one batched read of the block key and the user's and client's counter shards, one transaction
    expect(await costOf(() => call(app.handlers, 'changeset-update', { body: { changeSetId: 'cs_1', title: 'x' } }))).toEqual({ get: 0, getMany: 1, query: 0, transact: 1 });
    app.fake.script['approvals.pageStatus'] = new DomainError('FORBIDDEN', 'No.');
    // refusals count against the account only (issue 25 finding 4): one read of its shards, one transaction
    expect(await costOf(() => call(app.handlers, 'page-status', STATUS))).toEqual({ get: 0, getMany: 2, query: 0, transact: 1 });
  });

  it('cost does not grow with the window: the write that fills a client window to 600 costs what the first did', async () => {
    const app = restApp(DEFAULT_RATE_LIMITS);
    for (let i = 1; i < 600; i++) expect((await call(app.handlers, 'changeset-create', { ...CREATE, accountId: `acc-w${i}`, clientId: 'busy-ci' })).status).toBe(201);
    app.store.reset();
    expect((await call(app.handlers, 'changeset-create', { ...CREATE, accountId: 'acc-w600', clientId: 'busy-ci' })).status).toBe(201);
    const c = app.store.counts;
    expect({ getMany: c.getMany, query: c.query, transact: c.transact }).toEqual({ getMany: 1, query: 0, transact: 1 });
    // the one batched read stays within one Forge read unit (10 KB) and the batch limit (25 keys)
    expect(c.getManyKeys).toBeLessThanOrEqual(25);
    expect((await call(app.handlers, 'changeset-create', { ...CREATE, accountId: 'acc-w601', clientId: 'busy-ci' })).status).toBe(429);
  });
});

describe('the limiter', () => {
  it("one user's writes fill every shard of the window before a refusal: the sample read first, the rest only when it is full", async () => {
    const store = new CountingStore(new MemoryStore());
    const limiter = new RateLimiter(store, DEFAULT_RATE_LIMITS, { now: () => WINDOW_START });
    const reads: number[] = [];
    for (let i = 0; i < DEFAULT_RATE_LIMITS.writesPerUser.max; i++) {
      store.reset();
      await limiter.admit({ accountId: 'acc-busy' }, true);
      reads.push(store.counts.getMany);
    }
    await expect(limiter.admit({ accountId: 'acc-busy' }, true)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // the first writes read one batch; only near the limit does a write read the other shards (≤ 25 keys per batch)
    expect(reads.slice(0, 10)).toEqual(Array(10).fill(1));
    expect(Math.max(...reads)).toBeLessThanOrEqual(1 + Math.ceil(128 / 25));
  });

  it("a write naming a slot counts on the slot's user shard, then on the one half the ring away, then on any open one; the limit stays exact", async () => {
    const store = new MemoryStore();
    const limiter = new RateLimiter(store, DEFAULT_RATE_LIMITS, { now: () => WINDOW_START });
    const userShards: string[] = [];
    for (let i = 0; i < DEFAULT_RATE_LIMITS.writesPerUser.max; i++) {
      const { ops } = await limiter.writeOps({ accountId: 'acc-slot' }, undefined, 5);
      userShards.push(...ops.map((op) => op.key.split(':').pop() ?? ''));
      await store.transact(ops);
    }
    // 128 shards: 5 holds 2 (the first 150 % 128 = 22 shards do), 69 (5 + 64) holds 1; then random open ones
    expect(userShards.slice(0, 3)).toEqual(['5', '5', '69']);
    expect(userShards.slice(3).filter((shard) => shard === '5' || shard === '69')).toEqual([]);
    expect(new Set(userShards).size).toBe(128);
    await expect(limiter.writeOps({ accountId: 'acc-slot' }, undefined, 5)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('resolvers', () => {
  it('writes per user: 429 RATE_LIMITED with retryAfter, nothing done; the next window is open', async () => {
    const app = await createResolverApp({ rateLimits: limits({ writesPerUser: { max: 2, windowSeconds: 60 } }) });
    const create = () => app.invoke('acc-bob', 'changeSet.create', { title: 'PR', pageRefs: [{ pageId: '2001' }] }, { spaceId: '1001' });
    expect((await create()).success).toBe(true);
    expect((await create()).success).toBe(true);
    expect(await create()).toEqual({ success: false, code: 'RATE_LIMITED', error: expect.any(String), retryAfter: 60 });
    const list = await app.engine.changeSets.list({ accountId: 'acc-bob', source: 'ui' }, { spaceId: '1001', limit: 100 });
    expect(list.items).toHaveLength(2);
    app.clock.now += 60_000;
    expect((await create()).success).toBe(true);
  });

  it('denied calls per user: a prober is blocked after the limit, reads included', async () => {
    const app = await createResolverApp({ rateLimits: limits({ deniedPerUser: { max: 2, windowSeconds: 60 } }) });
    expect(await app.invoke('acc-erin', 'page.status', { pageId: '2012' })).toMatchObject({ code: 'PAGE_NOT_FOUND' });
    expect(await app.invoke('acc-erin', 'page.status', { pageId: '2013' })).toMatchObject({ code: 'PAGE_NOT_FOUND' });
    expect(await app.invoke('acc-erin', 'page.status', { pageId: '2001' })).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await app.invoke('acc-bob', 'page.status', { pageId: '2001' })).toMatchObject({ success: true });
  });
});
