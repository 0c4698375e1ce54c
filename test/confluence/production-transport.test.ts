/**
 * The production transport (ForgeConfluenceTransport → @forge/api → global.__forge_fetch__) as the
 * local runtime runs it, bridged into the local site (issue 18 items 5 and 6): every legal input
 * passes its path guard, and platform refusals are answers, not outages.
 */
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { CallGate } from '../../src/adapters/confluence/call-gate';
import { ForgeConfluenceTransport, strictQuery, type PlatformRefusal } from '../../src/adapters/forge/forge-confluence-transport';
import { productionTransport } from '../../local/site/forge-bridge';
import { createLocalSite } from '../../local/site';

type ForgeFetch = (descriptor: Record<string, unknown>, path: string, init: { method?: string; body?: string }) => Promise<Response>;
const globals = globalThis as unknown as { __forge_fetch__?: ForgeFetch };

describe('legal inputs through the production transport', () => {
  it('the space picker finds "Docs (draft)" and the user picker "O\'Brien": parentheses, quotes and colons pass the guard intact', async () => {
    const site = createLocalSite();
    site.spaces.find((s) => s.key === 'DOCS')!.name = 'Docs (draft)';
    site.users.find((u) => u.accountId === 'acc-carol')!.displayName = "Carol O'Brien";
    const directory = new RestConfluenceSite(productionTransport(site, 'acc-bob'));
    expect(await directory.search('acc-bob', 'space', 'Docs (draft)', { limit: 10 })).toEqual([{ id: '1002', label: 'Docs (draft)', detail: 'DOCS' }]);
    expect(await directory.search('acc-bob', 'user', "O'Brien", { limit: 10 })).toEqual([{ id: 'acc-carol', label: "Carol O'Brien" }]);
    expect(await directory.search('acc-bob', 'page', 'Plan (draft) *!', { limit: 10, spaceId: '1001' })).toEqual([]);
  });

  it('escapes the query sub-delimiters encodeURIComponent leaves alone, and only in the query', () => {
    expect(strictQuery("/wiki/rest/api/search?cql=title~%22Docs (draft)%22 O'Brien!*")).toBe('/wiki/rest/api/search?cql=title~%22Docs %28draft%29%22 O%27Brien%21%2A');
    expect(strictQuery('/wiki/rest/api/group/g-1/membersByGroupId?start=200&accountId=557058:abc')).toBe('/wiki/rest/api/group/g-1/membersByGroupId?start=200&accountId=557058%3Aabc');
    expect(strictQuery('/wiki/api/v2/pages/2001')).toBe('/wiki/api/v2/pages/2001');
  });
});

describe('refusals are refusals', () => {
  afterEach(() => {
    delete globals.__forge_fetch__;
  });

  it('impersonation on a scope without allowImpersonation is a proxy refusal: answered 403 at once, recorded, never retried', async () => {
    const site = createLocalSite();
    const refusals: PlatformRefusal[] = [];
    const transport = productionTransport(site, undefined, (r) => refusals.push(r));
    const before = site.calls.total;
    // users-bulk needs read:user:confluence, which does not allow impersonation in manifest.yml
    const response = await new CallGate().run(() => transport.request({ method: 'POST', path: '/wiki/api/v2/users-bulk', body: { accountIds: ['acc-bob'] }, actAs: { accountId: 'acc-carol' } }));
    expect([response.status, response.headers?.['forge-proxy-error']]).toEqual([403, 'IMPERSONATION_NOT_ALLOWED']);
    expect(refusals).toEqual([{ errorCode: 'IMPERSONATION_NOT_ALLOWED', status: 403, actAs: 'impersonated' }]);
    expect(site.calls.total).toBe(before); // the proxy refused: Confluence was never called
  });

  it('impersonation the platform refuses (profile no-impersonation) is a proxy refusal, while the invoking user reads as themselves', async () => {
    const site = createLocalSite({ profile: { ...createLocalSite().profile, apiRouteImpersonation: false } });
    const refusals: PlatformRefusal[] = [];
    const asApiCaller = productionTransport(site, undefined, (r) => refusals.push(r));
    const refused = await asApiCaller.request({ method: 'GET', path: '/wiki/api/v2/pages/2001', actAs: { accountId: 'acc-bob' } });
    expect([refused.status, refused.headers?.['forge-proxy-error']]).toEqual([403, 'IMPERSONATION_NOT_ALLOWED']);
    expect(refusals).toEqual([{ errorCode: 'IMPERSONATION_NOT_ALLOWED', status: 403, actAs: 'impersonated' }]);
    const asInvokingUser = productionTransport(site, 'acc-bob');
    expect((await asInvokingUser.request({ method: 'GET', path: '/wiki/api/v2/pages/2012', actAs: { accountId: 'acc-bob' } })).status).toBe(200);
  });

  it('NeedsAuthenticationError reaches the caller unchanged after one call; a network error is retried; a 503 is retried', async () => {
    let calls = 0;
    let mode: 'consent' | 'network-once' | 'unavailable-once' = 'consent';
    globals.__forge_fetch__ = async () => {
      calls += 1;
      if (mode === 'consent') return new Response('{}', { status: 401, headers: { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' } });
      if (calls === 1) {
        if (mode === 'network-once') throw new Error('socket hang up');
        return new Response('{}', { status: 503 });
      }
      return new Response(JSON.stringify({ results: [], _links: {} }), { status: 200 });
    };
    const gate = () => new CallGate({ sleep: async () => undefined });
    const site = (g: CallGate) => new RestConfluenceSite(new ForgeConfluenceTransport('acc-bob'), { actingAccountId: 'acc-bob', impersonation: true, appUserIsConfluenceAdmin: false, gate: g });
    await expect(site(gate()).getPages(['2001'])).rejects.toMatchObject({ name: 'NEEDS_AUTHENTICATION_ERR' });
    expect(calls).toBe(1);
    const transport = new ForgeConfluenceTransport('acc-bob');
    for (const m of ['network-once', 'unavailable-once'] as const) {
      mode = m;
      calls = 0;
      const response = await gate().run(() => transport.request({ method: 'GET', path: '/wiki/api/v2/pages?id=2001', actAs: 'app' }));
      expect([response.status, calls]).toEqual([200, 2]);
    }
  });
});
