/**
 * The REST transport on payloads Forge may really send (issue 8): POST without a forwarded
 * Content-Type, a body delivered as an object, a missing moduleKey, and only a contextToken for
 * identity. The engine is scripted; these are transport decisions.
 */
import { testAppAccount } from '../api/helpers';
import { realContextToken } from '../support/context-token';
import { createApiHandlers } from '../../src/transport/api';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { forgeInvocation } from '../api/helpers';
import { createFakeEngine, type FakeEngine } from '../api/fake-engine';

let fake: FakeEngine;
let handlers: ReturnType<typeof createApiHandlers>;
beforeEach(() => {
  fake = createFakeEngine();
  handlers = createApiHandlers(() => fake.engine, { store: new MemoryStore(), appAccountId: testAppAccount });
});

describe('apiRoute payloads as Forge may deliver them', () => {
  it('accepts a POST whose Content-Type was not forwarded when the body is JSON', async () => {
    const [request, context] = forgeInvocation('page-preflight', { body: { pageId: '2001' } });
    delete request.headers!['content-type'];
    const res = await handlers.apiPagePreflight(request, context);
    expect(res.statusCode).toBe(200);
    expect(fake.calls.map((c) => c.method)).toEqual(['approvals.preflightPage']);
  });

  it('still refuses an explicit non-JSON Content-Type with 415, and a missing type with a non-JSON body with 400', async () => {
    const [typed, context] = forgeInvocation('page-preflight', { body: { pageId: '2001' }, headers: { 'content-type': ['text/plain'] } });
    expect((await handlers.apiPagePreflight(typed, context)).statusCode).toBe(415);
    const [untyped] = forgeInvocation('page-preflight', { body: 'pageId=2001' });
    delete untyped.headers!['content-type'];
    const res = await handlers.apiPagePreflight(untyped, context);
    expect([res.statusCode, JSON.parse(res.body).code]).toEqual([400, 'INVALID_JSON']);
    expect(fake.calls).toEqual([]);
  });

  it('accepts a body delivered as an object', async () => {
    const [request, context] = forgeInvocation('page-preflight');
    request.body = { pageId: '2001' };
    expect((await handlers.apiPagePreflight(request, context)).statusCode).toBe(200);
    expect(fake.calls[0].args[1]).toBe('2001');
  });

  it('fails closed with 403 SCOPE_MISMATCH when the platform names no moduleKey', async () => {
    const [request, context] = forgeInvocation('page-status', { query: { pageId: '2001' }, moduleKey: null });
    const res = await handlers.apiPageStatus(request, context);
    expect([res.statusCode, JSON.parse(res.body).code]).toEqual([403, 'SCOPE_MISMATCH']);
    expect(fake.calls).toEqual([]);
  });

  it('identifies the caller from the contextToken alone and passes clientId "unavailable" on to the engine (audit)', async () => {
    const [request, context] = forgeInvocation('page-status', { query: { pageId: '2001' }, accountId: null });
    delete request.context!.clientId;
    request.contextToken = realContextToken('page-status', 'acc-bob');
    expect((await handlers.apiPageStatus(request, context)).statusCode).toBe(200);
    expect(fake.calls[0].args[0]).toEqual({ accountId: 'acc-bob', source: 'api', clientId: 'unavailable', clientIdSource: 'unavailable' });
  });
});
