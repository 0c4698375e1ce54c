/**
 * The production entry point (src/index.ts → src/composition/forge.ts) runs on the REAL @forge/kvs,
 * @forge/api and @forge/resolver code. Both reach the platform through global.__forge_fetch__, which
 * this test answers: storage calls by the fake Forge KVS, Confluence calls by the local site, made
 * as strict as the strict platform profile: the app user is not in page 2012's restriction,
 * and the apiRoute payload has the captured real shape (no principal, no client id, a contextToken).
 */
import { installFakeForgeKvs, type FakeForgeKvs } from '../support/fake-forge-kvs';
import { createLocalSite } from '../../local/site';
import * as entry from '../../src/index';
import { realContextToken } from '../support/context-token';

type ForgeFetch = (descriptor: { type?: string; provider?: string; remote?: string; accountId?: string }, path: string, init: { method?: string; body?: string }) => Promise<Response>;
const globals = globalThis as unknown as { __forge_fetch__?: ForgeFetch };

let kvs: FakeForgeKvs;
const site = createLocalSite();
const confluenceCalls: Array<{ call: string; as: string }> = [];
/** the user a resolver invocation runs for (what asUser() without an id means) */
let invokingUser: string | undefined;
const APP_HIDDEN = new Set(['2012']);

const CONTEXT_TOKEN = realContextToken('page-status', 'acc-bob');

beforeAll(() => {
  kvs = installFakeForgeKvs();
  const kvsFetch = globals.__forge_fetch__!;
  globals.__forge_fetch__ = async (descriptor, path, init) => {
    if (descriptor?.remote !== 'confluence') return kvsFetch(descriptor, path, init);
    const actor = descriptor.provider === 'user' ? (descriptor.accountId ?? invokingUser ?? null) : null;
    confluenceCalls.push({ call: `${init.method ?? 'GET'} ${path.split('?')[0]}`, as: actor ?? 'app' });
    if (actor === null && [...APP_HIDDEN].some((id) => path.includes(`/pages/${id}`) || path.includes(`id=${id}`))) {
      return new Response(JSON.stringify({ results: [], _links: {} }), { status: path.includes('/pages?') ? 200 : 404 });
    }
    const reply = site.handleHttp(init.method ?? 'GET', path, init.body, actor);
    let body = reply.body;
    // Confluence's user/current?expand=operations for a site admin (the local site predates it)
    if (path.startsWith('/wiki/rest/api/user/current') && actor === 'acc-alice') body = { ...(body as object), operations: [{ operation: 'administer', targetType: 'application' }] };
    return new Response(body === undefined ? null : JSON.stringify(body), { status: reply.status, headers: reply.headers });
  };
});

afterAll(() => kvs.uninstall());
beforeEach(() => {
  confluenceCalls.length = 0;
  invokingUser = undefined;
});

function apiRequest(route: string, moduleKey: string, query: Record<string, string[]>, contextToken: string | undefined = CONTEXT_TOKEN) {
  return {
    method: 'GET',
    call: { functionKey: moduleKey },
    path: `/svc/confluence/cloud-1/apps/app-1_env-1${route}`,
    headers: { accept: ['application/json'] },
    queryParameters: query,
    body: '',
    userPath: null,
    context: { cloudId: 'cloud-1', moduleKey, userAccess: { enabled: false, hasAccess: true } },
    ...(contextToken ? { contextToken } : {}),
  };
}
const SITE = { installContext: 'ari:cloud:confluence::site/cloud-1', license: { isActive: true } };

describe('Forge entry point on the real Forge SDKs', () => {
  it('serves Bob the restricted page 2012 through apiPageStatus, identified by the contextToken and reading Confluence as Bob', async () => {
    const response = await entry.apiPageStatus(apiRequest('/pages/status', 'page-status', { pageId: ['2012'] }), SITE);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ success: true, pageId: '2012', state: 'draft' });
    // the app user is asked once (as the app) so that a token naming it is refused; every read is as Bob
    const [lookup, ...reads] = confluenceCalls;
    expect(lookup).toEqual({ call: 'GET /wiki/rest/api/user/current', as: 'app' });
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.as === 'acc-bob')).toBe(true);
  });

  it("refuses a token naming the app's own user (what a non-user invocation carries) with 401, reading nothing", async () => {
    const response = await entry.apiPageStatus(apiRequest('/pages/status', 'page-status', { pageId: ['2001'] }, realContextToken('page-status', 'acc-approvalflow-app')), SITE);
    expect([response.statusCode, JSON.parse(response.body).code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(confluenceCalls.filter((c) => !c.call.endsWith('/user/current'))).toEqual([]);
  });

  it('fails closed with 401 UNAUTHENTICATED when neither the principal nor the token names a user', async () => {
    const response = await entry.apiPageStatus(apiRequest('/pages/status', 'page-status', { pageId: ['2001'] }, realContextToken('audit-sequencer', 'acc-bob')), SITE);
    expect([response.statusCode, JSON.parse(response.body).code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(confluenceCalls).toEqual([]);
  });

  it('answers a resolver call through the real @forge/resolver with identity from the platform principal', async () => {
    invokingUser = 'acc-bob';
    const reply = await entry.resolver(
      { call: { functionKey: 'approval.cancel', payload: { approvalId: 'does-not-exist' } }, context: { extension: { content: { id: '2001' } }, accountId: 'acc-mallory' } },
      { principal: { accountId: 'acc-bob' } },
    );
    expect(reply).toMatchObject({ success: false, code: 'APPROVAL_NOT_FOUND' });
  });

  it('byline dynamicProperties: the state for a viewer who can see the page, the neutral title otherwise', async () => {
    invokingUser = 'acc-bob';
    expect(await entry.bylineProperties({ extension: { content: { id: '2012' } } }, { principal: { accountId: 'acc-bob' } })).toEqual({
      title: 'Approval: not requested',
      tooltip: 'No approval has been requested for this page.',
    });
    expect(confluenceCalls).toEqual([{ call: 'GET /wiki/api/v2/pages/2012', as: 'acc-bob' }]);
    invokingUser = 'acc-erin';
    expect((await entry.bylineProperties({ extension: { content: { id: '2012' } } }, { principal: { accountId: 'acc-erin' } })).title).toBe('Approval');
  });

  it('admin.diagnostics shows site admins which identity sources answered, by name only', async () => {
    await entry.apiPageStatus(apiRequest('/pages/status', 'page-status', { pageId: ['2001'] }), SITE);
    const ask = (accountId: string) => {
      invokingUser = accountId;
      return entry.resolver({ call: { functionKey: 'admin.diagnostics', payload: {} }, context: {} }, { principal: { accountId } }) as Promise<Record<string, unknown>>;
    };
    expect(await ask('acc-carol')).toMatchObject({ success: false, code: 'FORBIDDEN' });
    const reply = await ask('acc-alice');
    expect(reply).toMatchObject({ success: true });
    const latest = (reply.invocations as Array<Record<string, unknown>>)[0];
    expect(latest).toMatchObject({ route: 'page-status', method: 'GET', principalSource: 'contextToken.accountId', clientIdSource: 'unavailable', headerNames: ['accept'], identityFailed: false });
    expect(reply.identityFailures).toBeGreaterThanOrEqual(1);
    const assumptions = Object.fromEntries((reply.assumptions as Array<{ key: string; observed: string }>).map((a) => [a.key, a.observed]));
    expect(assumptions).toMatchObject({ 'apiRoutePrincipal.context': 'refuted', 'apiRoutePrincipal.contextToken': 'holds', apiRouteClientId: 'refuted' });
    expect(JSON.stringify(reply)).not.toContain(CONTEXT_TOKEN.split('.')[1]);
  });
});
