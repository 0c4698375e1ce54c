/** Idempotency-Key on writing POSTs (SPEC §3; anchors REL-1..REL-5), over the real MemoryStore. */
import { testAppAccount } from './helpers';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { DomainError } from '../../src/core/domain/errors';
import { StoreError } from '../../src/core/ports/store';
import { createApiHandlers } from '../../src/transport/api';
import { IN_PROGRESS_LEASE_MS, IdempotencyStore } from '../../src/transport/api/idempotency';
import { call } from './helpers';
import { createFakeEngine, type FakeEngine } from './fake-engine';

let fake: FakeEngine;
let store: MemoryStore;
let now: number;
let handlers: ReturnType<typeof createApiHandlers>;

beforeEach(() => {
  now = 1_700_000_000_000;
  fake = createFakeEngine();
  store = new MemoryStore({ clock: { now: () => now } });
  handlers = createApiHandlers(() => fake.engine, { store, now: () => now, appAccountId: testAppAccount });
});

const create = { spaceId: '1001', title: 'PR 42', pageRefs: [{ pageId: '2001' }] };

it('a retry with the same key and body replays the first response and does nothing else', async () => {
  const first = await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'k-1' });
  const replies = [];
  for (let i = 0; i < 5; i++) replies.push(await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'k-1' }));
  expect(fake.calls).toHaveLength(1);
  expect(first.json).not.toHaveProperty('replayed');
  for (const reply of replies) {
    expect(reply.status).toBe(first.status);
    // the first answer, marked in the body (the header may not reach the caller)
    expect(reply.json).toEqual({ ...first.json, replayed: true });
    expect(reply.headers['idempotent-replayed']).toEqual(['true']);
  }
});

it('the idempotencyKey query parameter works like the header, and the two forms share one key', async () => {
  const first = await call(handlers, 'changeset-create', { body: create, query: { idempotencyKey: 'q-1' }, headers: {} });
  const viaQuery = await call(handlers, 'changeset-create', { body: create, query: { idempotencyKey: 'q-1' } });
  const viaHeader = await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'q-1' });
  const both = await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'q-1', query: { idempotencyKey: 'q-1' } });
  expect(first.status).toBe(201);
  for (const reply of [viaQuery, viaHeader, both]) expect([reply.status, reply.json.replayed]).toEqual([201, true]);
  expect(fake.calls).toHaveLength(1);
});

it('a header and a query key that differ are a 400 naming the parameter, and nothing is done', async () => {
  const res = await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'h-1', query: { idempotencyKey: 'q-2' } });
  expect([res.status, res.json.code, res.json.details[0].field]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY', 'idempotencyKey']);
  const repeated = await call(handlers, 'changeset-create', { body: create, query: { idempotencyKey: ['a', 'b'] } });
  expect([repeated.status, repeated.json.code]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY']);
  const other = await call(handlers, 'changeset-create', { body: create, query: { idempotencyKey: 'ok', tag: 'x' } });
  expect([other.status, other.json.details[0].field]).toEqual([400, 'tag']);
  expect(fake.calls).toHaveLength(0);
});

it('reordered JSON keys count as the same body; a different body is 422 and does nothing', async () => {
  await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'k-1' });
  const reordered = await call(handlers, 'changeset-create', { body: JSON.stringify({ pageRefs: [{ pageId: '2001' }], title: 'PR 42', spaceId: '1001' }), idempotencyKey: 'k-1' });
  expect(reordered.headers['idempotent-replayed']).toEqual(['true']);
  const changed = await call(handlers, 'changeset-create', { body: { ...create, title: 'PR 43' }, idempotencyKey: 'k-1' });
  expect([changed.status, changed.json.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  expect(fake.calls).toHaveLength(1);
});

it('keys are scoped to (user, client, route): nobody gets another scope\'s stored response', async () => {
  await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'shared' });
  const otherUser = await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'shared', accountId: 'acc-alice' });
  const otherClient = await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'shared', clientId: 'client-other' });
  const otherRoute = await call(handlers, 'changeset-submit', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'shared' });
  for (const res of [otherUser, otherClient, otherRoute]) expect(res.headers['idempotent-replayed']).toBeUndefined();
  expect(fake.calls.map((c) => c.method)).toEqual(['changeSets.create', 'changeSets.create', 'changeSets.create', 'changeSets.submit']);
  expect(fake.calls[1].args[0]).toMatchObject({ accountId: 'acc-alice' });
});

it('records expire after 24 h: the same key then executes again', async () => {
  await call(handlers, 'page-submit', { body: { pageId: '2001' }, idempotencyKey: 'k-2' });
  now += 24 * 3600 * 1000 - 1000;
  expect((await call(handlers, 'page-submit', { body: { pageId: '2001' }, idempotencyKey: 'k-2' })).headers['idempotent-replayed']).toEqual(['true']);
  now += 2000;
  const after = await call(handlers, 'page-submit', { body: { pageId: '2001' }, idempotencyKey: 'k-2' });
  expect(after.headers['idempotent-replayed']).toBeUndefined();
  expect(fake.calls).toHaveLength(2);
});

it('deterministic refusals are replayed too (a 409 stays a 409 without calling the engine again)', async () => {
  fake.script['approvals.submitPage'] = new DomainError('PENDING_APPROVAL', 'Page already has a pending approval');
  const first = await call(handlers, 'page-submit', { body: { pageId: '2001' }, idempotencyKey: 'k-3' });
  const again = await call(handlers, 'page-submit', { body: { pageId: '2001' }, idempotencyKey: 'k-3' });
  expect([first.status, again.status]).toEqual([409, 409]);
  expect(again.json).toEqual({ ...first.json, replayed: true });
  expect(fake.calls).toHaveLength(1);
});

it('throttling and internal errors are not remembered: the retry runs again', async () => {
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  fake.script['changeSets.archive'] = new StoreError('RATE_LIMITED', 'slow down');
  expect((await call(handlers, 'changeset-archive', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-4' })).status).toBe(429);
  fake.script['changeSets.archive'] = new Error('boom');
  expect((await call(handlers, 'changeset-archive', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-4' })).status).toBe(500);
  fake.script['changeSets.archive'] = { ...(await fake.engine.changeSets.get({ accountId: 'x', source: 'api' }, 'cs_1')), status: 'archived' };
  expect((await call(handlers, 'changeset-archive', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-4' })).status).toBe(200);
  expect(fake.calls.filter((c) => c.method === 'changeSets.archive')).toHaveLength(3);
  jest.restoreAllMocks();
});

it('concurrent duplicates: exactly one execution, the others get 409 IDEMPOTENCY_IN_PROGRESS', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const original = fake.engine.changeSets.submit.bind(fake.engine.changeSets);
  fake.engine.changeSets.submit = async (...args) => {
    await gate;
    return original(...args);
  };
  const first = call(handlers, 'changeset-submit', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-5' });
  const others = await Promise.all(Array.from({ length: 5 }, () => call(handlers, 'changeset-submit', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-5' })));
  for (const res of others) expect([res.status, res.json.code, res.json.retryAfter, res.headers['retry-after']]).toEqual([409, 'IDEMPOTENCY_IN_PROGRESS', IN_PROGRESS_LEASE_MS / 1000, [String(IN_PROGRESS_LEASE_MS / 1000)]]);
  release();
  expect((await first).status).toBe(200);
  const replay = await call(handlers, 'changeset-submit', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-5' });
  expect(replay.headers['idempotent-replayed']).toEqual(['true']);
  expect(fake.calls.filter((c) => c.method === 'changeSets.submit')).toHaveLength(1);
});

it('a marker left by a dead invocation can be taken over after the lease', async () => {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  fake.engine.changeSets.submit = () => {
    started();
    return new Promise(() => undefined); // never settles: a crashed invocation
  };
  void call(handlers, 'changeset-submit', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-6' });
  await running;
  const fresh = createFakeEngine();
  const retryHandlers = createApiHandlers(() => fresh.engine, { store, now: () => now, appAccountId: testAppAccount });
  const blocked = await call(retryHandlers, 'changeset-submit', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-6' });
  // issue 25 finding 12: Retry-After tells the real block, the rest of the dead attempt's lease
  expect([blocked.status, blocked.headers['retry-after']]).toEqual([409, [String(IN_PROGRESS_LEASE_MS / 1000)]]);
  expect(blocked.json).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', retryAfter: IN_PROGRESS_LEASE_MS / 1000 });
  now += 20_000;
  const later = await call(retryHandlers, 'changeset-submit', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-6' });
  expect([later.status, later.headers['retry-after']]).toEqual([409, [String(IN_PROGRESS_LEASE_MS / 1000 - 20)]]);
  now += IN_PROGRESS_LEASE_MS - 20_000 + 1;
  expect((await call(retryHandlers, 'changeset-submit', { body: { changeSetId: 'cs_1' }, idempotencyKey: 'k-6' })).status).toBe(200);
});

it('validation failures are not recorded and a malformed key is 400', async () => {
  const bad = await call(handlers, 'changeset-create', { body: { ...create, title: '' }, idempotencyKey: 'k-7' });
  expect(bad.status).toBe(400);
  expect((await call(handlers, 'changeset-create', { body: create, idempotencyKey: 'k-7' })).status).toBe(201);
  for (const key of ['', 'x'.repeat(256), 'has space', 'ünicode']) {
    const res = await call(handlers, 'changeset-create', { body: create, headers: { 'idempotency-key': [key] } });
    expect([res.status, res.json.code]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY']);
  }
  const twice = await call(handlers, 'changeset-create', { body: create, headers: { 'idempotency-key': ['a', 'b'] } });
  expect(twice.status).toBe(400);
});

it('without an Idempotency-Key every POST executes (the header is optional)', async () => {
  await call(handlers, 'changeset-create', { body: create });
  await call(handlers, 'changeset-create', { body: create });
  expect(fake.calls).toHaveLength(2);
});

it('read-only POSTs (preflight) ignore the header', async () => {
  await call(handlers, 'page-preflight', { body: { pageId: '2001' }, idempotencyKey: 'k-8' });
  const again = await call(handlers, 'page-preflight', { body: { pageId: '2001' }, idempotencyKey: 'k-8' });
  expect(again.headers['idempotent-replayed']).toBeUndefined();
  expect(fake.calls).toHaveLength(2);
});

it('POST /changeSets/create and its alias POST /changeSets share one operation and one key space', async () => {
  const viaCreate = await call(handlers, 'changeset-create', { body: create, query: { idempotencyKey: 'alias-1' } });
  const viaAlias = await call(handlers, 'changesets-post', { body: create, query: { idempotencyKey: 'alias-1' } });
  expect([viaCreate.status, viaAlias.status, viaAlias.json.replayed]).toEqual([201, 201, true]);
  expect(viaAlias.json.changeSet).toEqual(viaCreate.json.changeSet);
  expect(fake.calls.map((c) => c.method)).toEqual(['changeSets.create']);
});

it('a change answered under a claim another attempt took over does not commit (its answer is conditioned on its own claim)', async () => {
  const idempotency = new IdempotencyStore(store, { now: () => now });
  const scope = { accountId: 'acc-bob', clientId: 'ci', routeKey: 'page-submit' };
  const late = await idempotency.begin(scope, 'key-1', 'fp');
  if (late.kind !== 'execute') throw new Error(`expected execute, got ${late.kind}`);
  now += IN_PROGRESS_LEASE_MS + 1; // past the lease: the first attempt counts as dead
  const takeover = await idempotency.begin(scope, 'key-1', 'fp');
  if (takeover.kind !== 'execute') throw new Error(`expected execute, got ${takeover.kind}`);
  await store.transact([{ op: 'put', key: 'change:takeover', value: 1, condition: { kind: 'absent' } }, ...takeover.answerOps({ statusCode: 201, body: '{"by":"takeover"}' })]);
  // the late attempt's change and answer commit together or not at all
  await expect(
    store.transact([{ op: 'put', key: 'change:late', value: 1, condition: { kind: 'absent' } }, ...late.answerOps({ statusCode: 201, body: '{"by":"late"}' })]),
  ).rejects.toMatchObject({ code: 'CONDITION_FAILED' });
  expect(await store.get('change:late')).toBeUndefined();
  expect(await idempotency.begin(scope, 'key-1', 'fp')).toEqual({ kind: 'replay', response: { statusCode: 201, body: '{"by":"takeover"}' } });
});

it('a large answer (a 100-result change-set submit) is kept deflated and replayed byte for byte', async () => {
  const idempotency = new IdempotencyStore(store, { now: () => now });
  const scope = { accountId: 'acc-bob', clientId: 'ci', routeKey: 'changeset-submit' };
  const results = Array.from({ length: 100 }, (_, i) => ({ pageId: String(4001 + i), success: true, workflowId: 'wf-eng-review', approvalId: `apr_${i.toString(36).padStart(28, 'x')}` }));
  const body = JSON.stringify({ success: true, submittedCount: 100, skippedCount: 0, results });
  const first = await idempotency.begin(scope, 'big-1', 'fp');
  if (first.kind !== 'execute') throw new Error(`expected execute, got ${first.kind}`);
  await first.commit({ statusCode: 200, body });
  const [stored] = (await store.query({ prefix: 'idem:', limit: 100 })).items.filter((i) => (i.value as { response?: unknown }).response);
  expect(Buffer.byteLength(JSON.stringify(stored.value))).toBeLessThan(Buffer.byteLength(body) / 4);
  expect(await idempotency.begin(scope, 'big-1', 'fp')).toEqual({ kind: 'replay', response: { statusCode: 200, body } });
});

it('a claim that commits with its change (page submit): the loser of a same-key race answers the winner\'s response, and its change never commits', async () => {
  const idempotency = new IdempotencyStore(store, { now: () => now });
  const scope = { accountId: 'acc-bob', clientId: 'ci', routeKey: 'page-submit' };
  const read = async (claimKey: string) => ({ ops: [], also: await store.get(claimKey) });
  const [a, b] = await Promise.all([idempotency.beginWithChange(scope, 'key-w', 'fp', read), idempotency.beginWithChange(scope, 'key-w', 'fp', read)]);
  if (a.kind !== 'execute' || b.kind !== 'execute') throw new Error('both attempts should execute: neither wrote a marker');
  await store.transact([{ op: 'put', key: 'change:a', value: 1, condition: { kind: 'absent' } }, ...(await a.answerOps({ statusCode: 201, body: '{"by":"a"}' }))]);
  await expect(store.transact([{ op: 'put', key: 'change:b', value: 1, condition: { kind: 'absent' } }, ...(await b.answerOps({ statusCode: 201, body: '{"by":"b"}' }))])).rejects.toMatchObject({
    code: 'CONDITION_FAILED',
  });
  // asked again after the conflict, b reads the key afresh and is told to answer a's response
  await expect(b.answerOps({ statusCode: 201, body: '{"by":"b"}' })).rejects.toMatchObject({ name: 'AnsweredMeanwhile', settled: { kind: 'replay', response: { statusCode: 201, body: '{"by":"a"}' } } });
  expect(await store.get('change:b')).toBeUndefined();
  // and a refusal b would record instead is not recorded: the key answers a's response
  expect(await b.record({ statusCode: 409, body: '{"by":"b"}' })).toEqual({ kind: 'replay', response: { statusCode: 201, body: '{"by":"a"}' } });
});

it('a keyed page submit that fails with 503 still counts against the write limits (nothing recorded, a retry executes again)', async () => {
  fake.script['approvals.submitPage'] = new DomainError('UPSTREAM_UNAVAILABLE', 'Confluence is unavailable; try again shortly.');
  // the user's write counter (the client's counts the same call once more)
  const counted = async () => (await store.query({ prefix: 'rl:write:u:', limit: 100 })).items.reduce((n, i) => n + ((i.value as { n?: number }).n ?? 0), 0);
  const failed = await call(handlers, 'page-submit', { body: { pageId: '2001' }, idempotencyKey: 'k-503' });
  expect(failed.status).toBe(503);
  expect(await counted()).toBe(1);
  expect((await store.query({ prefix: 'idem:', limit: 100 })).items).toEqual([]);
  await call(handlers, 'page-submit', { body: { pageId: '2001' }, idempotencyKey: 'k-503' });
  expect(fake.calls.filter((c) => c.method === 'approvals.submitPage')).toHaveLength(2);
  expect(await counted()).toBe(2);
});
