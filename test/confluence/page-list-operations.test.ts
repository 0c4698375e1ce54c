/**
 * Issue 23 (docs/forge-platform.md U24): where the batched page list, made as the caller, states the
 * caller's permitted operations (profile pageListOperations: included), `update` among them answers
 * the edit check with no permission/check call; a page whose read carries no operations falls back to
 * the per-page check. Run under both answers of the local site: the refusals must be the same.
 */
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { confluenceAccess, type ConfluenceAccess } from '../../src/adapters/confluence/access';
import type { ConfluenceTransport } from '../../src/adapters/confluence/transport';
import { editableOf, pageSchema } from '../../src/adapters/confluence/rest-schemas';
import { endpointOf } from '../../src/adapters/confluence/endpoint-scopes';
import { DOCUMENTED_PLATFORM_PROFILE, type PlatformProfile } from '../../src/adapters/platform-profile';
import { createEngine } from '../../src/core/services';
import type { Engine } from '../../src/core/services';
import { ALICE, BOB, ENG, api, refusal, seedWithExtraPages, setup } from '../engine/helpers';
import type { TestEnv } from '../engine/helpers';

const PERMISSION_CHECK = 'POST /wiki/rest/api/content/{id}/permission/check';
const PAGE_LIST = 'GET /wiki/api/v2/pages';
/** ENG page Bob can read but whose update restriction names Alice only. */
const EDIT_RESTRICTED = '4001';
const OPEN = '2001';

const ANSWERS: Array<{ name: string; site: PlatformProfile; stated: boolean }> = [
  { name: 'the list states operations (included)', site: { ...DOCUMENTED_PLATFORM_PROFILE, pageListOperations: 'included' }, stated: true },
  { name: 'the list leaves them out (absent, documented)', site: DOCUMENTED_PLATFORM_PROFILE, stated: false },
];

async function siteWithEditRestriction(siteProfile: PlatformProfile): Promise<TestEnv> {
  const seed = seedWithExtraPages(1);
  seed.pages.find((p) => p.id === EDIT_RESTRICTED)!.restrictions.update = [{ type: 'user', id: ALICE }];
  return setup({ seed, siteProfile });
}

/** An engine for one API invocation of `accountId` that asks the list for operations (the app side of pageListOperations: included). */
function engineFor(env: TestEnv, accountId: string, transport: ConfluenceTransport = env.site.transport(), access: Partial<ConfluenceAccess> = {}): Engine {
  const full: ConfluenceAccess = { actingAccountId: accountId, impersonation: true, appUserIsConfluenceAdmin: false, pageListOperations: true, ...access };
  return createEngine({ ...env.deps, confluence: new RestConfluenceSite(transport, full) }, { log: () => undefined });
}

describe.each(ANSWERS)('$name', ({ site, stated }) => {
  test('a page whose update restriction leaves the caller out is refused NO_EDIT_PERMISSION, with no check call when the list stated it', async () => {
    const env = await siteWithEditRestriction(site);
    env.site.resetCalls();
    const refused = await refusal(engineFor(env, BOB).approvals.submitPage(api(BOB), EDIT_RESTRICTED));
    expect(refused).toMatchObject({ status: 403, code: 'NO_EDIT_PERMISSION' });
    expect(env.site.calls.byEndpoint[PERMISSION_CHECK]).toBe(stated ? undefined : 1);
    // the editor named by the restriction submits it
    env.site.resetCalls();
    await engineFor(env, ALICE).approvals.submitPage(api(ALICE), EDIT_RESTRICTED);
    expect(env.site.calls.byEndpoint[PERMISSION_CHECK]).toBe(stated ? undefined : 1);
  });

  test('the platform diagnostics are told when the list ignored the operations it was asked for, and nothing while it states them', async () => {
    const env = await siteWithEditRestriction(site);
    const seen: Array<[string, boolean]> = [];
    const engine = engineFor(env, BOB, env.site.transport(), { observe: (key, holds) => void seen.push([key, holds]) });
    await engine.approvals.submitPage(api(BOB), OPEN);
    expect(seen).toEqual(stated ? [] : [['pageListOperations', false]]);
  });

  test('a 100-page change set is created and submitted with one permission check per page only when the list does not state operations', async () => {
    const env = await setup({ extraPages: 100, siteProfile: site });
    const pageRefs = Array.from({ length: 100 }, (_, i) => ({ pageId: String(4001 + i) }));
    const cs = await engineFor(env, BOB).changeSets.create(api(BOB), { spaceId: ENG, title: 'Release', pageRefs });
    env.site.resetCalls();
    const submitted = await engineFor(env, BOB).changeSets.submit(api(BOB), cs.id);
    expect(submitted.submittedCount).toBe(100);
    expect(env.site.calls.byEndpoint[PERMISSION_CHECK]).toBe(stated ? undefined : 100);
  });
});

test('a page the list returns without operations falls back to its own permission check; the others need none', async () => {
  const env = await siteWithEditRestriction({ ...DOCUMENTED_PLATFORM_PROFILE, pageListOperations: 'included' });
  const real = env.site.transport();
  // Confluence answering the open page without its operations (e.g. a list that states them for some pages only)
  const stripping: ConfluenceTransport = {
    request: async (request) => {
      const response = await real.request(request);
      if (!request.path.startsWith('/wiki/api/v2/pages?')) return response;
      const body = response.body as { results: Array<{ id: string; operations?: unknown }> };
      for (const page of body.results) if (page.id === OPEN) delete page.operations;
      return response;
    },
  };
  env.site.resetCalls();
  const bob = engineFor(env, BOB, stripping);
  await bob.approvals.submitPage(api(BOB), OPEN);
  expect(env.site.calls.byEndpoint[PERMISSION_CHECK]).toBe(1);
  env.site.resetCalls();
  expect(await refusal(engineFor(env, BOB, stripping).approvals.submitPage(api(BOB), EDIT_RESTRICTED))).toMatchObject({ code: 'NO_EDIT_PERMISSION' });
  expect(env.site.calls.byEndpoint[PERMISSION_CHECK]).toBeUndefined();
  expect(env.site.calls.byEndpoint[PAGE_LIST]).toBe(1);
});

test("operations the list states for the app's own view never answer for the caller", async () => {
  // no acting user: getPages reads as the app, whose operations say nothing about Bob
  const env = await siteWithEditRestriction({ ...DOCUMENTED_PLATFORM_PROFILE, pageListOperations: 'included' });
  // (the app user may read ENG but edit nothing, so its stated operations would refuse Bob)
  env.site.resetCalls();
  const asApp = engineFor(env, BOB, env.site.transport(), { actingAccountId: undefined });
  // creating reads the pages before it asks for the edit right
  await asApp.changeSets.create(api(BOB), { spaceId: ENG, title: 'As the app', pageRefs: [{ pageId: OPEN }] });
  expect(env.site.calls.byEndpoint[PERMISSION_CHECK]).toBe(1);
  env.site.resetCalls();
  await engineFor(env, BOB, env.site.transport(), { actingAccountId: undefined }).approvals.submitPage(api(BOB), OPEN);
  expect(env.site.calls.byEndpoint[PERMISSION_CHECK]).toBe(1);
});

test('the documented profile (pageListOperations absent) never asks the page list for operations: no new request to Confluence', async () => {
  // a site that would state them if asked: only the app's own access decides whether it asks
  const env = await siteWithEditRestriction({ ...DOCUMENTED_PLATFORM_PROFILE, pageListOperations: 'included' });
  const real = env.site.transport();
  const paths: string[] = [];
  const recording: ConfluenceTransport = { request: (request) => (paths.push(request.path), real.request(request)) };
  const documented = (via: 'resolver' | 'apiRoute') => confluenceAccess(DOCUMENTED_PLATFORM_PROFILE, { actingAccountId: BOB }, { via });
  expect(documented('apiRoute').pageListOperations).toBe(false);
  for (const via of ['resolver', 'apiRoute'] as const) {
    const bob = () => createEngine({ ...env.deps, confluence: new RestConfluenceSite(recording, documented(via)) }, { log: () => undefined });
    expect(await refusal(bob().approvals.submitPage(api(BOB), EDIT_RESTRICTED))).toMatchObject({ code: 'NO_EDIT_PERMISSION' });
    await bob().changeSets.create(api(BOB), { spaceId: ENG, title: `Documented ${via}`, pageRefs: [{ pageId: OPEN }] });
    if (via === 'apiRoute') await bob().approvals.submitPage(api(BOB), OPEN);
  }
  expect(paths.some((path) => path.startsWith('/wiki/api/v2/pages?'))).toBe(true);
  expect(paths.filter((path) => path.includes('include-operations'))).toEqual([]);
});

describe('editableOf: what a stated operations list says about the edit right', () => {
  const page = (operations: unknown) => pageSchema.parse({ id: '1', status: 'current', title: 'T', spaceId: '9', version: { number: 1 }, operations });
  test.each([
    ['no list: unstated', undefined, {}],
    ['update on the page: yes', { results: [{ operation: 'read', targetType: 'page' }, { operation: 'update', targetType: 'page' }] }, { editable: true }],
    ['a complete list without update: no', { results: [{ operation: 'read', targetType: 'page' }], meta: { hasMore: false } }, { editable: false }],
    ['a truncated list without update: unstated', { results: [{ operation: 'read', targetType: 'page' }], meta: { hasMore: true } }, {}],
    ['update on another target type: unstated', { results: [{ operation: 'update', targetType: 'blogpost' }] }, {}],
  ])('%s', (_name, operations, expected) => {
    expect(editableOf(page(operations))).toEqual(expected);
  });
});

describe.each(ANSWERS)('the local site, $name', ({ site, stated }) => {
  test("the list's operations are exactly what /operations and permission/check answer the caller (restrictions and space permissions)", async () => {
    const env = await siteWithEditRestriction(site);
    const ids = [OPEN, EDIT_RESTRICTED, '2012'];
    for (const who of [ALICE, BOB, 'acc-carol', 'acc-erin']) {
      const listed = env.site.handleHttp('GET', `/wiki/api/v2/pages?${ids.map((id) => `id=${id}`).join('&')}&include-operations=true`, undefined, who);
      const results = (listed.body as { results: Array<{ id: string; operations?: { results: unknown[] } }> }).results;
      expect(results.length).toBeGreaterThanOrEqual(2); // 2012 is hidden from Carol and Erin
      for (const page of results) {
        if (!stated) {
          expect(page).not.toHaveProperty('operations');
          continue;
        }
        const own = env.site.handleHttp('GET', `/wiki/api/v2/pages/${page.id}/operations`, undefined, who).body as { operations: unknown[] };
        expect(page.operations!.results).toEqual(own.operations);
        const check = env.site.handleHttp('POST', `/wiki/rest/api/content/${page.id}/permission/check`, { subject: { type: 'user', identifier: who }, operation: 'update' }, who).body as { hasPermission: boolean };
        expect(editableOf(pageSchema.parse(page)).editable).toBe(check.hasPermission);
      }
    }
  });
});

test('asking the list for operations needs no new OAuth scope: the list keeps read:page:confluence', () => {
  expect(endpointOf('GET', '/wiki/api/v2/pages?id=2001&limit=250&status=current&include-operations=true')?.scope).toBe('read:page:confluence');
});
