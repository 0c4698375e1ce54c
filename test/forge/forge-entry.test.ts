/**
 * The production entry point (src/index.ts → src/composition/forge.ts) runs on the REAL @forge/kvs,
 * @forge/api and @forge/resolver code. Both reach the platform through global.__forge_fetch__, which
 * this test answers: storage calls by the fake Forge KVS, Confluence calls by the local site.
 * This proves the Forge wiring (not just the local one) serves a route and a resolver end to end.
 */
import { installFakeForgeKvs, type FakeForgeKvs } from '../support/fake-forge-kvs';
import { createLocalSite } from '../../local/site';

type ForgeFetch = (descriptor: { type?: string; remote?: string }, path: string, init: { method?: string; body?: string }) => Promise<Response>;
const globals = globalThis as unknown as { __forge_fetch__?: ForgeFetch };

let kvs: FakeForgeKvs;
const site = createLocalSite();
const confluenceCalls: string[] = [];

beforeAll(() => {
  kvs = installFakeForgeKvs();
  const kvsFetch = globals.__forge_fetch__!;
  globals.__forge_fetch__ = async (descriptor, path, init) => {
    if (descriptor?.remote === 'confluence') {
      confluenceCalls.push(`${init.method ?? 'GET'} ${path.split('?')[0]}`);
      const reply = site.handleHttp(init.method ?? 'GET', path, init.body, null);
      return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), { status: reply.status, headers: reply.headers });
    }
    return kvsFetch(descriptor, path, init);
  };
});

afterAll(() => kvs.uninstall());

function apiRequest(route: string, moduleKey: string, query: Record<string, string[]>) {
  return {
    method: 'GET',
    path: `/svc/confluence/cloud-1/apps/app-1_env-1${route}`,
    headers: { accept: ['application/json'] },
    queryParameters: query,
    body: '',
    userPath: null,
    context: { cloudId: 'cloud-1', moduleKey, clientId: 'client-ci', userAccess: { enabled: true, hasAccess: true } },
    contextToken: 'opaque',
  };
}

describe('Forge entry point on the real Forge SDKs', () => {
  it('serves GET /pages/status through apiPageStatus with KVS and Confluence behind __forge_fetch__', async () => {
    const entry = await import('../../src/index');
    const response = await entry.apiPageStatus(apiRequest('/pages/status', 'page-status', { pageId: ['2001'] }), {
      principal: { accountId: 'acc-bob' },
      installContext: 'ari:cloud:confluence::site/cloud-1',
      license: { isActive: true },
    });
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.success).toBe(true);
    expect(JSON.stringify(body)).toContain('"draft"');
    expect(confluenceCalls.some((c) => c.startsWith('GET /wiki/api/v2/pages'))).toBe(true);
  });

  it('fails closed without a platform user', async () => {
    const entry = await import('../../src/index');
    const response = await entry.apiPageStatus(apiRequest('/pages/status', 'page-status', { pageId: ['2001'] }), {
      installContext: 'ari:cloud:confluence::site/cloud-1',
    } as never);
    expect(response.statusCode).toBe(401);
  });

  it('answers a resolver call through the real @forge/resolver with identity from the platform principal', async () => {
    const entry = await import('../../src/index');
    const reply = await entry.resolver(
      {
        call: { functionKey: 'approval.cancel', payload: { approvalId: 'does-not-exist' } },
        context: { extension: { content: { id: '2001' } }, accountId: 'acc-mallory' },
      },
      { principal: { accountId: 'acc-bob' } },
    );
    expect(reply).toMatchObject({ success: false });
    expect(['APPROVAL_NOT_FOUND', 'NOT_FOUND']).toContain((reply as { code: string }).code);
  });
});
