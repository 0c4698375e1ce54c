/**
 * ForgeConfluenceTransport through the real @forge/api: requestConfluence as the app ends in the
 * runtime's global.__forge_fetch__, faked here by the local site answering over a real Response.
 */
import { ForgeConfluenceTransport } from '../../src/adapters/forge/forge-confluence-transport';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { createLocalSite } from '../../local/site';

type ForgeFetch = (ctx: Record<string, unknown>, path: string, init: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<Response>;

const globals = global as unknown as { __forge_fetch__?: ForgeFetch };
afterEach(() => {
  delete globals.__forge_fetch__;
});

describe('ForgeConfluenceTransport', () => {
  it('calls requestConfluence asApp with JSON headers and body, and parses the answer', async () => {
    const site = createLocalSite();
    const seen: Array<{ ctx: Record<string, unknown>; path: string; init: Parameters<ForgeFetch>[2] }> = [];
    globals.__forge_fetch__ = async (ctx, path, init) => {
      seen.push({ ctx, path, init });
      const r = site.handleHttp(init.method ?? 'GET', path, init.body, null);
      return new Response(r.body === undefined ? null : JSON.stringify(r.body), { status: r.status, headers: r.headers });
    };

    const confluence = new RestConfluenceSite(new ForgeConfluenceTransport());
    const pages = await confluence.getPages(['2001', '2002']);
    expect([...pages.keys()].sort()).toEqual(['2001', '2002']);
    expect(await confluence.checkPagePermission('acc-erin', '2001', 'update')).toBe(false);

    expect(seen[0].ctx).toEqual({ type: 'fpp', provider: 'app', remote: 'confluence' });
    expect(seen[0].path).toBe('/wiki/api/v2/pages?id=2001&id=2002&limit=250&status=current&status=archived');
    expect(seen[0].init).toEqual({ method: 'GET', headers: { accept: 'application/json' } });
    expect(seen[1].init).toEqual({
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ subject: { type: 'user', identifier: 'acc-erin' }, operation: 'update' }),
    });

    const missing = await new ForgeConfluenceTransport().request({ method: 'GET', path: '/wiki/api/v2/pages/9999' });
    expect(missing).toMatchObject({ status: 404, body: { errors: [{ code: 'NOT_FOUND' }] } });
    expect(missing.headers?.['content-type']).toBe('application/json');
  });

  it('maps actAs: the app → asApp(), the invoking user → asUser(), anyone else → asUser(accountId) (impersonation)', async () => {
    const seen: Array<Record<string, unknown>> = [];
    globals.__forge_fetch__ = async (ctx) => {
      seen.push(ctx);
      return new Response(JSON.stringify({ hasPermission: true }), { status: 200 });
    };
    const transport = new ForgeConfluenceTransport('acc-bob');
    const path = '/wiki/rest/api/content/2001/permission/check';
    await transport.request({ method: 'POST', path, body: {}, actAs: 'app' });
    await transport.request({ method: 'POST', path, body: {} });
    await transport.request({ method: 'POST', path, body: {}, actAs: { accountId: 'acc-bob' } });
    await transport.request({ method: 'POST', path, body: {}, actAs: { accountId: 'acc-carol' } });
    expect(seen.map((c) => [c.provider, c.accountId])).toEqual([
      ['app', undefined],
      ['app', undefined],
      ['user', undefined],
      ['user', 'acc-carol'],
    ]);
  });

  it('refuses paths that could escape the Confluence API, before any fetch', async () => {
    const fetch = jest.fn();
    globals.__forge_fetch__ = fetch;
    const transport = new ForgeConfluenceTransport();
    for (const path of ['/wiki/api/v2/../../admin', 'https://evil.test/wiki/api/v2/pages', '/wiki/api/v2/pages#x', '/other/api']) {
      await expect(transport.request({ method: 'GET', path })).rejects.toThrow('unsafe path');
    }
    expect(fetch).not.toHaveBeenCalled();
  });
});
