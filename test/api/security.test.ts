/**
 * REST security properties over the real engine (OWASP API1/API3/API5/API8):
 * scope defense in depth, object-level access, mass assignment, and fuzzing of every input channel.
 * "Nothing changed" = the store snapshot (every domain key; the audit trail and idempotency records
 * excluded) is equal before and after, and the audit trail gained nothing but access.denied records.
 */
import fc from 'fast-check';
import type { ForgeApiRequest, ForgeInvocationContext } from '../../src/transport/api/forge-types';
import { API_ROUTES, type ApiRouteKey } from '../../src/transport/api/routes';
import { APP_BASE, call, exportNameOf, type CallResult } from './helpers';
import { assertMatchesOpenApi, isErrorEnvelope } from './openapi-validator';
import { createRealApi } from './real-app';

type App = Awaited<ReturnType<typeof createRealApi>>;

async function expectNoStateChange(app: App, act: () => Promise<void>): Promise<void> {
  // under an eventual-index profile, earlier writes must be listed before the count is taken
  app.settleIndexes();
  const before = await app.store.stateSnapshot();
  const auditBefore = (await app.store.auditRecords()).length;
  await act();
  app.settleIndexes();
  expect(await app.store.stateSnapshot()).toEqual(before);
  const added = (await app.store.auditRecords()).slice(auditBefore).map((r) => r.action);
  expect(added.filter((a) => a !== 'access.denied')).toEqual([]);
}

/** Valid inputs per route against the seeded site (change set ids filled in per test). */
function validInputs(changeSetId: string): Record<ApiRouteKey, { body?: unknown; query?: Record<string, string> }> {
  return {
    'changesets-list': { query: { spaceId: '1001' } },
    'changeset-detail': { query: { changeSetId } },
    'changeset-create': { body: { spaceId: '1001', title: 'PR', pageRefs: [{ pageId: '2001' }] } },
    'changesets-post': { body: { spaceId: '1001', title: 'PR', pageRefs: [{ pageId: '2001' }] } },
    'changeset-update': { body: { changeSetId, title: 'PR (edited)' } },
    'changeset-archive': { body: { changeSetId } },
    'changeset-preflight': { body: { changeSetId } },
    'changeset-submit': { body: { changeSetId } },
    'page-preflight': { body: { pageId: '2002' } },
    'page-submit': { body: { pageId: '2002' } },
    'page-status': { query: { pageId: '2002' } },
    keys: { query: {} },
    evidence: { query: { pageId: '2002' } },
    'events-list': { query: { spaceId: '1001' } },
  };
}

async function createChangeSet(app: App, spaceId: string, pageIds: string[], accountId = 'acc-bob'): Promise<{ id: string; title: string }> {
  const res = await call(app.handlers, 'changeset-create', { body: { spaceId, title: `Set in ${spaceId}`, pageRefs: pageIds.map((pageId) => ({ pageId })) }, accountId });
  expect(res.status).toBe(201);
  return res.json.changeSet;
}

describe('scope defense in depth: handler × routed moduleKey', () => {
  it('only a moduleKey whose route has the same scope gets past the handler; others are 403 SCOPE_MISMATCH and change nothing', async () => {
    const app = await createRealApi();
    const cs = await createChangeSet(app, '1001', ['2001']);
    const inputs = validInputs(cs.id);
    const matrix: string[] = [];
    for (const handlerRoute of API_ROUTES) {
      for (const routed of API_ROUTES) {
        const sameScope = handlerRoute.scope === routed.scope;
        if (sameScope) {
          const res = await call(app.handlers, handlerRoute.key, { ...inputs[handlerRoute.key], moduleKey: routed.key });
          expect({ cell: `${handlerRoute.key}<-${routed.key}`, code: res.json.code }).not.toEqual({ cell: `${handlerRoute.key}<-${routed.key}`, code: 'SCOPE_MISMATCH' });
          matrix.push(`${handlerRoute.key} <- ${routed.key}: ${res.status}`);
          continue;
        }
        await expectNoStateChange(app, async () => {
          const res = await call(app.handlers, handlerRoute.key, { ...inputs[handlerRoute.key], moduleKey: routed.key });
          expect({ cell: `${handlerRoute.key}<-${routed.key}`, status: res.status, code: res.json.code }).toEqual({
            cell: `${handlerRoute.key}<-${routed.key}`,
            status: 403,
            code: 'SCOPE_MISMATCH',
          });
        });
      }
    }
    // 4 scopes: each handler shares its scope with itself and the other routes of that scope.
    expect(matrix).toHaveLength(API_ROUTES.reduce((n, r) => n + API_ROUTES.filter((o) => o.scope === r.scope).length, 0));
  });
});

describe('object-level access (BOLA): acc-erin sees ENG only, not page 2012, not space DOCS', () => {
  let app: App;
  let docsSet: { id: string; title: string };
  let restrictedTitle: string;

  beforeEach(async () => {
    app = await createRealApi();
    docsSet = await createChangeSet(app, '1002', ['3001', '3002']);
    restrictedTitle = app.site.getPageForRender('2012')!.title;
  });

  /** Refused exactly as a missing object is (no existence oracle, SPEC §9), and without its data. */
  function expectRefusedLikeMissing(res: CallResult, missing: CallResult, ...secrets: string[]) {
    expect(res.status).toBe(404);
    expect(isErrorEnvelope(res.json)).toBe(true);
    expect(res.json).toEqual(missing.json);
    for (const secret of secrets) expect(res.raw.body).not.toContain(secret);
  }

  it('page 2012: status, preflight and submit → 404 exactly as for a missing page, never its title, nothing changes', async () => {
    await expectNoStateChange(app, async () => {
      for (const [key, input] of [
        ['page-status', { query: { pageId: '2012' } }],
        ['page-preflight', { body: { pageId: '2012' } }],
        ['page-submit', { body: { pageId: '2012' } }],
        ['page-submit', { body: { pageId: '2012', workflowId: 'wf-eng-review' } }],
      ] as const) {
        const missingInput = JSON.parse(JSON.stringify(input).replace('2012', '999999')) as typeof input;
        const missing = await call(app.handlers, key, { ...missingInput, accountId: 'acc-erin' });
        expectRefusedLikeMissing(await call(app.handlers, key, { ...input, accountId: 'acc-erin' }), missing, restrictedTitle);
      }
    });
    // The same requests by acc-bob (who can see and edit 2012) do work: the refusal is about erin.
    expect((await call(app.handlers, 'page-status', { query: { pageId: '2012' } })).status).toBe(200);
  });

  it('a DOCS change set: detail, update, archive, preflight, submit → 404 as for a missing one, without data; list shows nothing', async () => {
    await expectNoStateChange(app, async () => {
      for (const key of ['changeset-detail', 'changeset-update', 'changeset-archive', 'changeset-preflight', 'changeset-submit'] as const) {
        const res = await call(app.handlers, key, { ...validInputs(docsSet.id)[key], accountId: 'acc-erin' });
        const missing = await call(app.handlers, key, { ...validInputs('cs_missing')[key], accountId: 'acc-erin' });
        expectRefusedLikeMissing(res, missing, docsSet.title, '3001');
      }
      const list = await call(app.handlers, 'changesets-list', { query: { spaceId: '1002' }, accountId: 'acc-erin' });
      // The same empty page as for a space that does not exist.
      expect(list.json).toEqual({ success: true, changeSets: [], nextCursor: null });
      expect(list.json).toEqual((await call(app.handlers, 'changesets-list', { query: { spaceId: '9999' }, accountId: 'acc-erin' })).json);
      expect(list.raw.body).not.toContain(docsSet.id);
      const create = await call(app.handlers, 'changeset-create', { body: { spaceId: '1002', title: 'mine', pageRefs: [{ pageId: '3001' }] }, accountId: 'acc-erin' });
      const createMissing = await call(app.handlers, 'changeset-create', { body: { spaceId: '9999', title: 'mine', pageRefs: [{ pageId: '3001' }] }, accountId: 'acc-erin' });
      expectRefusedLikeMissing(create, createMissing, docsSet.title);
    });
  });

  it('erin cannot submit an ENG page she can only view (no edit permission), and nothing changes', async () => {
    await expectNoStateChange(app, async () => {
      const res = await call(app.handlers, 'page-submit', { body: { pageId: '2001' }, accountId: 'acc-erin' });
      // Lacking the edit right is a refusal of permission (SPEC §3: 403), carrying its eligibility code.
      expect(res.status).toBe(403);
      expect(res.json.code).toBe('NO_EDIT_PERMISSION');
    });
  });
});

describe('mass assignment over the real engine', () => {
  it.each([
    ['changeset-create', { createdBy: 'acc-alice' }],
    ['changeset-create', { accountId: 'acc-alice' }],
    ['changeset-create', { status: 'archived' }],
    ['changeset-create', { rollupState: 'all_approved' }],
    ['changeset-create', { id: 'cs_chosen' }],
    ['changeset-update', { createdBy: 'acc-alice' }],
    ['changeset-update', { status: 'archived' }],
    ['changeset-update', { rollupState: 'all_approved' }],
    ['changeset-update', { version: 1 }],
    ['changeset-submit', { accountId: 'acc-carol' }],
    ['page-submit', { accountId: 'acc-carol' }],
    ['page-submit', { status: 'approved' }],
    ['page-submit', { id: 'apr_x' }],
  ] as const)('%s with %j → 400 and no change', async (key, extra) => {
    const app = await createRealApi();
    const cs = await createChangeSet(app, '1001', ['2001']);
    const base = validInputs(cs.id)[key].body as Record<string, unknown>;
    await expectNoStateChange(app, async () => {
      const res = await call(app.handlers, key, { body: { ...base, ...extra }, idempotencyKey: `mass-${key}` });
      expect(res.status).toBe(400);
      expect(res.json.details).toEqual([expect.objectContaining({ field: Object.keys(extra)[0], code: 'UNKNOWN_FIELD' })]);
    });
  });
});

describe('fuzzing every route (bodies, queries, paths, headers, identity)', () => {
  const routeKeys = API_ROUTES.map((r) => r.key);
  const accounts = ['acc-alice', 'acc-bob', 'acc-carol', 'acc-erin', 'acc-unknown'];

  /** Values that look like the real thing, mixed with hostile ones. */
  const idLike = fc.oneof(fc.constantFrom('1001', '1002', '2001', '2011', '2012', '3001', '9999', 'wf-eng-review', 'cs_missing'), fc.string(), fc.integer(), fc.constant(null));
  const valueArb = fc.oneof(idLike, fc.json(), fc.array(fc.record({ pageId: idLike }), { maxLength: 3 }), fc.string({ maxLength: 300 }), fc.constantFrom('atomic', 'per_page'));
  const fieldNames = fc.constantFrom(
    'spaceId', 'pageId', 'changeSetId', 'workflowId', 'title', 'summary', 'referenceUrl', 'pageRefs', 'expectedVersion', 'approvalMode',
    'status', 'rollupState', 'limit', 'cursor', 'accountId', 'createdBy', 'id', '__proto__', 'constructor',
  );
  const objectArb = fc.dictionary(fc.oneof(fieldNames, fc.string({ maxLength: 8 })), valueArb, { maxKeys: 6 });
  const bodyArb = fc.oneof(
    objectArb.map((o) => JSON.stringify(o)),
    fc.json(),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', 'null', '[]', '{"pageId":"2001"', '{"__proto__":{"admin":true},"pageId":"2001"}', '\u0000', '{"pageId":"2001"}'),
  );
  const queryArb = fc.dictionary(fc.oneof(fieldNames, fc.string({ maxLength: 8 })), fc.array(fc.oneof(idLike.map(String), fc.string()), { maxLength: 3 }), { maxKeys: 5 });
  const headersArb = fc.record({
    'content-type': fc.oneof(fc.constant(['application/json']), fc.constant(['application/json; charset=utf-8']), fc.array(fc.string(), { maxLength: 2 }), fc.constant(['text/plain'])),
    'idempotency-key': fc.oneof(fc.constant(undefined), fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 })),
    'x-account-id': fc.constantFrom(['acc-alice'], []),
  });
  const invocationArb = fc.record({
    route: fc.constantFrom(...routeKeys),
    method: fc.oneof(fc.constant(undefined), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'get'), fc.string({ maxLength: 6 })),
    path: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 }), fc.constant(`${APP_BASE}/../../admin`)),
    body: bodyArb,
    query: queryArb,
    headers: headersArb,
    moduleKey: fc.oneof(fc.constant(undefined), fc.constantFrom(...routeKeys), fc.string({ maxLength: 10 })),
    accountId: fc.oneof(fc.constantFrom(...accounts), fc.constant(undefined), fc.string({ maxLength: 10 })),
    clientId: fc.oneof(fc.constant('client-ci'), fc.string({ maxLength: 10 })),
    license: fc.constantFrom(undefined, { isActive: true }, { isActive: false }),
  });

  it('never a 500, always a documented JSON answer, and no state change on any error', async () => {
    const app = await createRealApi();
    const cs = await createChangeSet(app, '1001', ['2001', '2002']);
    await fc.assert(
      fc.asyncProperty(invocationArb, async (inv) => {
        const headers: Record<string, string[]> = { 'content-type': [...inv.headers['content-type']], 'x-account-id': [...inv.headers['x-account-id']] };
        if (inv.headers['idempotency-key']) headers['idempotency-key'] = inv.headers['idempotency-key'];
        // Sometimes aim at the existing change set so fuzzing reaches deep into the engine.
        const body = inv.body.replace('cs_missing', cs.id);
        const request: ForgeApiRequest = {
          method: inv.method,
          path: inv.path,
          headers,
          queryParameters: inv.query,
          body,
          userPath: null,
          context: { cloudId: 'c', moduleKey: inv.moduleKey, clientId: inv.clientId },
          contextToken: 'ctx',
        };
        const context: ForgeInvocationContext = { principal: inv.accountId === undefined ? undefined : { accountId: inv.accountId }, license: inv.license };
        const before = await app.store.stateSnapshot();
        const raw = await app.handlers[exportNameOf(inv.route)](request, context);
        const res: CallResult = { status: raw.statusCode, headers: raw.headers, json: JSON.parse(raw.body), raw };
        expect(raw.headers['content-type']).toEqual(['application/json']);
        expect(res.status).toBeLessThan(500);
        assertMatchesOpenApi(inv.route, res);
        if (res.status >= 400) {
          expect(isErrorEnvelope(res.json)).toBe(true);
          expect(await app.store.stateSnapshot()).toEqual(before);
        }
      }),
      { numRuns: 400, seed: Number(process.env.FUZZ_SEED ?? 20260101) },
    );
  });

  it('valid-shaped requests with hostile field values never 500 and never change state on error', async () => {
    const app = await createRealApi();
    const cs = await createChangeSet(app, '1001', ['2001']);
    const valid = validInputs(cs.id);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routeKeys), fc.constantFrom(...accounts), objectArb, async (key, accountId, overrides) => {
        const base = valid[key];
        const options = base.body
          ? { body: { ...base.body, ...overrides } }
          : { query: Object.fromEntries(Object.entries({ ...base.query, ...overrides }).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])) };
        const before = await app.store.stateSnapshot();
        const res = await call(app.handlers, key, { ...options, accountId });
        expect(res.status).toBeLessThan(500);
        assertMatchesOpenApi(key, res);
        if (res.status >= 400) expect(await app.store.stateSnapshot()).toEqual(before);
      }),
      { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? 20260102) },
    );
  });
});
