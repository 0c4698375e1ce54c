/** Transport behaviour of the REST handlers against a scripted engine: envelopes, validation, refusals, error mapping. */
import { testAppAccount } from './helpers';
import { DomainError } from '../../src/core/domain/errors';
import { StoreError } from '../../src/core/ports/store';
import { createApiHandlers } from '../../src/transport/api';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { API_ROUTES, type ApiRouteKey } from '../../src/transport/api/routes';
import { call, exportNameOf, forgeInvocation } from './helpers';
import { createFakeEngine, sampleChangeSet, type FakeEngine } from './fake-engine';
import { failingEngineFactory } from '../support/caller-bound-engine';

let fake: FakeEngine;
let handlers: ReturnType<typeof createApiHandlers>;

beforeEach(() => {
  fake = createFakeEngine();
  handlers = createApiHandlers(() => fake.engine, { store: new MemoryStore(), appAccountId: testAppAccount });
});

/** A valid input for each route, so each refusal test changes exactly one thing. */
const VALID: Record<ApiRouteKey, { body?: unknown; query?: Record<string, string> }> = {
  'changesets-list': { query: { spaceId: '1001' } },
  'changeset-detail': { query: { changeSetId: 'cs_1' } },
  'changeset-create': { body: { spaceId: '1001', title: 'PR 42', pageRefs: [{ pageId: '2001' }] } },
  'changesets-post': { body: { spaceId: '1001', title: 'PR 42', pageRefs: [{ pageId: '2001' }] } },
  'changeset-update': { body: { changeSetId: 'cs_1', title: 'PR 42 (v2)', expectedVersion: 1 } },
  'changeset-archive': { body: { changeSetId: 'cs_1' } },
  'changeset-preflight': { body: { changeSetId: 'cs_1' } },
  'changeset-submit': { body: { changeSetId: 'cs_1' } },
  'page-preflight': { body: { pageId: '2001' } },
  'page-submit': { body: { pageId: '2001' } },
  'page-status': { query: { pageId: '2001' } },
  keys: { query: {} },
  evidence: { query: { pageId: '2001' } },
  'events-list': { query: { limit: '10' } },
};
const ROUTE_KEYS = API_ROUTES.map((r) => r.key);
const POST_KEYS = API_ROUTES.filter((r) => r.method === 'POST').map((r) => r.key);

describe('success envelopes (SPEC §3)', () => {
  it('list: changeSets + nextCursor, default limit 50 passed to the engine, caller from the platform', async () => {
    fake.script['changeSets.list'] = { items: [sampleChangeSet], nextCursor: 'cs-by-time:1001:cs_secret_next' };
    const res = await call(handlers, 'changesets-list', { query: { spaceId: '1001', status: 'open' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toEqual(['application/json']);
    // The engine's cursor leaves sealed (SPEC §9): opaque, and decoding it reveals nothing of the key.
    expect(res.json).toEqual({ success: true, changeSets: [sampleChangeSet], nextCursor: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/) });
    expect(Buffer.from(res.json.nextCursor, 'base64url').toString('latin1')).not.toMatch(/cs_secret|1001/);
    expect(fake.calls[0]).toEqual({
      method: 'changeSets.list',
      args: [{ accountId: 'acc-bob', source: 'api', clientId: 'client-ci', clientIdSource: 'request.context.clientId' }, { spaceId: '1001', status: 'open', limit: 50 }],
    });
  });

  it('list: limit passes through, our cursor opens to the engine cursor; nextCursor is null on the last page', async () => {
    fake.script['changeSets.list'] = { items: [], nextCursor: 'abc' };
    const first = await call(handlers, 'changesets-list', { query: { spaceId: '1001', rollupState: 'stale' } });
    fake.script['changeSets.list'] = { items: [] };
    const res = await call(handlers, 'changesets-list', { query: { spaceId: '1001', limit: '100', cursor: first.json.nextCursor, rollupState: 'stale' } });
    expect(res.json).toEqual({ success: true, changeSets: [], nextCursor: null });
    expect(fake.calls[1].args[1]).toEqual({ spaceId: '1001', limit: 100, cursor: 'abc', rollupState: 'stale' });
  });

  it('list: a cursor we did not issue (here the raw engine cursor) is 400 INVALID_CURSOR and the engine is not called', async () => {
    const res = await call(handlers, 'changesets-list', { query: { spaceId: '1001', cursor: 'abc' } });
    expect([res.status, res.json.code]).toEqual([400, 'INVALID_CURSOR']);
    expect(fake.calls).toEqual([]);
  });

  it('create answers 201 {success, changeSet}; update passes the patch and expectedVersion', async () => {
    const created = await call(handlers, 'changeset-create', VALID['changeset-create']);
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ success: true, changeSet: sampleChangeSet });
    const updated = await call(handlers, 'changeset-update', VALID['changeset-update']);
    expect(updated.status).toBe(200);
    expect(fake.calls[1].args.slice(1)).toEqual(['cs_1', { title: 'PR 42 (v2)', expectedVersion: 1 }]);
  });

  it('change-set preflight and submit return summary/results and counts/results', async () => {
    const pre = await call(handlers, 'changeset-preflight', VALID['changeset-preflight']);
    expect(pre.json).toEqual({ success: true, summary: { total: 1, submittable: 1, blocked: 0 }, results: [{ pageId: '2001', canSubmit: true, workflowId: 'wf-eng-review' }] });
    const sub = await call(handlers, 'changeset-submit', VALID['changeset-submit']);
    expect(sub.json).toEqual({ success: true, submittedCount: 1, skippedCount: 0, results: [{ pageId: '2001', success: true, workflowId: 'wf-eng-review', approvalId: 'ap_1' }] });
  });

  it('page submit answers 201 {success, pageId, approvalId, workflowId, status}', async () => {
    const res = await call(handlers, 'page-submit', { body: { pageId: '2001', workflowId: 'wf-eng-review' } });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ success: true, pageId: '2001', approvalId: 'ap_1', workflowId: 'wf-eng-review', status: 'pending' });
    expect(fake.calls[0].args.slice(1)).toEqual(['2001', 'wf-eng-review']);
  });

  it('page status spreads the page state with its pending approval and active step', async () => {
    const res = await call(handlers, 'page-status', VALID['page-status']);
    expect(res.json).toMatchObject({ success: true, pageId: '2001', state: 'in_approval', pending: { activeStep: 0, approvers: ['acc-carol', 'acc-dave'] } });
  });

  it('drops fields the engine returns beyond the documented response (no accidental exposure)', async () => {
    fake.script['changeSets.get'] = { ...sampleChangeSet, internalKey: 'cs:1001:cs_1', pages: [{ ...sampleChangeSet.pages[0], secret: 1 }] };
    const res = await call(handlers, 'changeset-detail', VALID['changeset-detail']);
    expect(res.json.changeSet).toEqual(sampleChangeSet);
  });
});

describe('eligibility on single-page routes', () => {
  it('page submit of an ineligible page → 409 with the eligibility code and exact reason', async () => {
    fake.script['approvals.submitPage'] = new DomainError('PENDING_APPROVAL', 'Page already has a pending approval', [{ code: 'PENDING_APPROVAL', reason: 'Page already has a pending approval' }]);
    const res = await call(handlers, 'page-submit', VALID['page-submit']);
    expect(res.status).toBe(409);
    expect(res.json).toEqual({
      success: false,
      error: 'Page already has a pending approval',
      code: 'PENDING_APPROVAL',
      details: [{ code: 'PENDING_APPROVAL', reason: 'Page already has a pending approval' }],
    });
  });

  it('a page the caller cannot see is 404 on preflight and submit, never page data', async () => {
    fake.script['approvals.preflightPage'] = new DomainError('PAGE_NOT_FOUND', 'Page not found');
    fake.script['approvals.submitPage'] = new DomainError('PAGE_NOT_FOUND', 'Page not found');
    for (const key of ['page-preflight', 'page-submit'] as const) {
      const res = await call(handlers, key, { body: { pageId: '2012' } });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ success: false, error: 'Page not found', code: 'PAGE_NOT_FOUND' });
    }
  });
});

describe('identity', () => {
  it.each(ROUTE_KEYS)('%s: no principal → 401 UNAUTHENTICATED and the engine is not called', async (key) => {
    const res = await call(handlers, key, { ...VALID[key], accountId: null });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('UNAUTHENTICATED');
    expect(fake.calls).toEqual([]);
  });

  it('identity headers or body fields never change who the caller is', async () => {
    const res = await call(handlers, 'page-submit', {
      body: { pageId: '2001', accountId: 'acc-alice' },
      headers: { 'x-account-id': ['acc-alice'], 'x-client-id': ['evil'] },
    });
    expect(res.status).toBe(400);
    await call(handlers, 'page-status', { query: { pageId: '2001' }, headers: { 'x-account-id': ['acc-alice'], 'x-client-id': ['evil'] } });
    expect(fake.calls).toEqual([{ method: 'approvals.pageStatus', args: [{ accountId: 'acc-bob', source: 'api', clientId: 'client-ci', clientIdSource: 'request.context.clientId' }, '2001'] }]);
  });

  it('a missing client id still resolves the user, and says the client id is unavailable (SPEC §4)', async () => {
    const [request, context] = forgeInvocation('page-status', { query: { pageId: '2001' } });
    delete request.context!.clientId;
    const res = await handlers.apiPageStatus(request, context);
    expect(res.statusCode).toBe(200);
    expect(fake.calls[0].args[0]).toEqual({ accountId: 'acc-bob', source: 'api', clientId: 'unavailable', clientIdSource: 'unavailable' });
  });
});

describe('transport refusals (nothing reaches the engine)', () => {
  afterEach(() => expect(fake.calls).toEqual([]));

  it.each(ROUTE_KEYS)('%s: inactive licence → 403 LICENSE_INACTIVE', async (key) => {
    const res = await call(handlers, key, { ...VALID[key], licenseActive: false });
    expect([res.status, res.json.code]).toEqual([403, 'LICENSE_INACTIVE']);
  });

  // A missing Content-Type is accepted when the body parses (issue 8: forwarding is unconfirmed); test/forge/api-platform.test.ts.
  it.each(POST_KEYS)('%s: non-JSON content type → 415', async (key) => {
    for (const contentType of [['text/plain'], ['application/x-www-form-urlencoded']]) {
      const res = await call(handlers, key, { ...VALID[key], headers: { 'content-type': contentType } });
      expect([res.status, res.json.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
  });

  it.each(POST_KEYS)('%s: body over 256 KiB → 413; invalid or empty JSON → 400 INVALID_JSON', async (key) => {
    const big = await call(handlers, key, { body: JSON.stringify({ title: 'x'.repeat(256 * 1024) }) });
    expect([big.status, big.json.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    for (const body of ['{"pageId": ', '', 'undefined']) {
      const res = await call(handlers, key, { body });
      expect([res.status, res.json.code]).toEqual([400, 'INVALID_JSON']);
    }
  });

  it('a query parameter given twice, or an unknown one, is 400 naming it', async () => {
    const twice = await call(handlers, 'page-status', { query: { pageId: ['2001', '2002'] } });
    expect(twice.status).toBe(400);
    expect(twice.json.details).toEqual([{ field: 'pageId', code: 'INVALID_VALUE', reason: 'must be given exactly once' }]);
    const unknown = await call(handlers, 'changesets-list', { query: { spaceId: '1001', asUser: 'acc-alice' } });
    expect(unknown.json.details).toEqual([expect.objectContaining({ field: 'asUser', code: 'UNKNOWN_FIELD' })]);
  });

  it('limit must be an integer 1..100', async () => {
    for (const limit of ['0', '101', '-1', '1.5', 'ten', '']) {
      const res = await call(handlers, 'changesets-list', { query: { spaceId: '1001', limit } });
      expect(res.status).toBe(400);
      expect(res.json.details[0].field).toBe('limit');
    }
  });

  it('details name each bad field, including nested ones', async () => {
    const res = await call(handlers, 'changeset-create', {
      body: { spaceId: 'ENG', title: '', referenceUrl: 'javascript:alert(1)', pageRefs: [{ pageId: '2001' }, { pageId: 'x' }, { pageId: '2001' }] },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_REQUEST');
    const fields = res.json.details.map((d: { field?: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['spaceId', 'title', 'referenceUrl', 'pageRefs[1].pageId', 'pageRefs']));
  });

  it('a missing required field is reported as REQUIRED', async () => {
    const res = await call(handlers, 'page-submit', { body: {} });
    expect(res.json.details).toEqual([{ field: 'pageId', code: 'REQUIRED', reason: 'is required' }]);
  });

  it('an update that changes nothing is refused', async () => {
    const res = await call(handlers, 'changeset-update', { body: { changeSetId: 'cs_1', expectedVersion: 2 } });
    expect(res.status).toBe(400);
  });

  it.each([
    ['changeset-create', { spaceId: '1001', title: 't', pageRefs: [{ pageId: '2001' }], createdBy: 'acc-alice' }, 'createdBy'],
    ['changeset-create', { spaceId: '1001', title: 't', pageRefs: [{ pageId: '2001' }], id: 'cs_mine' }, 'id'],
    ['changeset-update', { changeSetId: 'cs_1', title: 't', status: 'archived' }, 'status'],
    ['changeset-update', { changeSetId: 'cs_1', title: 't', rollupState: 'all_approved' }, 'rollupState'],
    ['changeset-update', { changeSetId: 'cs_1', title: 't', version: 9 }, 'version'],
    ['page-submit', { pageId: '2001', submittedBy: 'acc-carol' }, 'submittedBy'],
    ['page-submit', { pageId: '2001', userId: 'acc-carol' }, 'userId'],
    ['changeset-submit', { changeSetId: 'cs_1', accountId: 'acc-alice' }, 'accountId'],
  ] as const)('mass assignment: %s with %j → 400 UNKNOWN_FIELD naming %s', async (key, body, field) => {
    const res = await call(handlers, key, { body });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_REQUEST');
    expect(res.json.details).toEqual([expect.objectContaining({ field, code: 'UNKNOWN_FIELD' })]);
  });

  it('a wrong method is 405', async () => {
    const res = await call(handlers, 'page-status', { ...VALID['page-status'], method: 'DELETE' });
    expect(res.status).toBe(405);
  });

  it('a moduleKey of a route with another scope is 403 SCOPE_MISMATCH; an unknown one too', async () => {
    const res = await call(handlers, 'page-submit', { ...VALID['page-submit'], moduleKey: 'page-status' });
    expect([res.status, res.json.code]).toEqual([403, 'SCOPE_MISMATCH']);
    const unknown = await call(handlers, 'page-status', { ...VALID['page-status'], moduleKey: 'admin-route' });
    expect(unknown.status).toBe(403);
  });
});

describe('error mapping', () => {
  it.each([
    ['INVALID_REQUEST', 400],
    ['FORBIDDEN', 403],
    ['CHANGE_SET_NOT_FOUND', 404],
    ['CHANGE_SET_ARCHIVED', 409],
    ['IDEMPOTENCY_KEY_REUSED', 422],
  ] as const)('DomainError %s → %i with its code, message and details', async (code, status) => {
    fake.script['changeSets.get'] = new DomainError(code, 'A human sentence.', [{ field: 'x', reason: 'why' }]);
    const res = await call(handlers, 'changeset-detail', VALID['changeset-detail']);
    expect(res.status).toBe(status);
    expect(res.json).toEqual({ success: false, error: 'A human sentence.', code, details: [{ field: 'x', reason: 'why' }] });
  });

  it('VERSION_CONFLICT from the engine → 409', async () => {
    fake.script['changeSets.update'] = new DomainError('VERSION_CONFLICT', 'The change set was changed by someone else.');
    const res = await call(handlers, 'changeset-update', VALID['changeset-update']);
    expect([res.status, res.json.code]).toEqual([409, 'VERSION_CONFLICT']);
  });

  it('store throttling → 429 with Retry-After', async () => {
    fake.script['approvals.pageStatus'] = new StoreError('RATE_LIMITED', 'kvs 429');
    const res = await call(handlers, 'page-status', VALID['page-status']);
    expect(res.status).toBe(429);
    expect(res.json.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'][0])).toBeGreaterThan(0);
    // in the body too: response headers may not reach an apiRoute caller
    expect(res.json.retryAfter).toBe(Number(res.headers['retry-after'][0]));
  });

  it('issue 25 finding 12: a full store → 503 UPSTREAM_UNAVAILABLE with Retry-After, as docs/api.md says', async () => {
    fake.script['approvals.pageStatus'] = new StoreError('STORAGE_FULL', 'disk full at /data/approvalflow.sqlite');
    const res = await call(handlers, 'page-status', VALID['page-status']);
    expect([res.status, res.json.code, res.headers['retry-after']]).toEqual([503, 'UPSTREAM_UNAVAILABLE', ['60']]);
    expect(res.raw.body).not.toMatch(/sqlite|data/);
  });

  it('anything else → 500 INTERNAL_ERROR with a generic message (no internals)', async () => {
    const errSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const thrown of [new TypeError("Cannot read properties of undefined (reading 'af-item')"), new StoreError('UNAVAILABLE', 'sqlite /tmp/x.db locked'), new DomainError('CORRUPT_RECORD', 'key cs:1001 broken')]) {
      fake.script['approvals.pageStatus'] = thrown;
      const res = await call(handlers, 'page-status', VALID['page-status']);
      expect(res.status).toBe(500);
      expect(res.json.code).toBe('INTERNAL_ERROR');
      expect(res.raw.body).not.toMatch(/af-item|sqlite|cs:1001|TypeError|at /);
    }
    // logs never carry the bearer token or the context token
    expect(JSON.stringify(errSpy.mock.calls)).not.toMatch(/secret-token|context-token/);
    errSpy.mockRestore();
  });

  it('an engine result that does not fit the response schema is a 500, not a malformed answer', async () => {
    const errSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    fake.script['changeSets.get'] = { ...sampleChangeSet, rollupState: 'weird' };
    const res = await call(handlers, 'changeset-detail', VALID['changeset-detail']);
    expect(res.status).toBe(500);
    errSpy.mockRestore();
  });

  it('getEngine throwing is a 500 too', async () => {
    const errSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = createApiHandlers(failingEngineFactory('no store configured'), { store: new MemoryStore(), appAccountId: testAppAccount });
    const res = await call(broken, 'page-status', VALID['page-status']);
    expect(res.status).toBe(500);
    errSpy.mockRestore();
  });

  it.each(ROUTE_KEYS)('%s never throws, whatever the invocation looks like', async (key) => {
    const handler = handlers[exportNameOf(key)];
    const garbage: unknown[] = [undefined, null, 42, 'x', [], { headers: 'x', queryParameters: 5, body: 7 }, { body: { a: 1 }, headers: { 'content-type': 'application/json' } }];
    for (const request of garbage) {
      for (const context of [undefined, null, {}, { principal: { accountId: 'acc-bob' } }, { principal: 'acc-bob' }]) {
        const res = await handler(request as never, context as never);
        expect(res.headers['content-type']).toEqual(['application/json']);
        expect(JSON.parse(res.body).success).toBe(false);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }
    }
  });
});

describe('issue 25 finding 15: a wrong type is not "required"', () => {
  it('{"pageId": 2001} answers INVALID_VALUE naming the type; a missing pageId answers REQUIRED', async () => {
    const handlers = createApiHandlers(() => createFakeEngine().engine, { store: new MemoryStore(), appAccountId: testAppAccount });
    const wrongType = await call(handlers, 'page-submit', { body: { pageId: 2001 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.details).toEqual([{ field: 'pageId', code: 'INVALID_VALUE', reason: expect.stringMatching(/expected string, received number/) }]);
    const missing = await call(handlers, 'page-submit', { body: {} });
    expect(missing.json.details).toEqual([{ field: 'pageId', code: 'REQUIRED', reason: 'is required' }]);
  });
});
