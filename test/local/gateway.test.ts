/**
 * The local API gateway (SPEC §7): both base-URL forms, routing from manifest.yml, the platform's
 * token and scope gates, the App REST APIs switch, the Forge request payload, and robustness.
 */
import { request as httpRequest } from 'node:http';
import type { LocalRuntime } from '../../local/server';
import type { ForgeApiRequest, ForgeInvocationContext } from '../../src/transport/api/forge-types';
import { api, devToken, READ_SCOPES, startTestRuntime } from './helpers';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime.close();
});

describe('runtime info', () => {
  it('answers /healthz when ready', async () => {
    const res = await fetch(`${runtime.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('describes the site and both API base URLs with the manifest app id', async () => {
    const info = await (await fetch(`${runtime.url}/local/info`)).json();
    expect(info.appId).toBe('7d3c1f2e-5b6a-4c8d-9e0f-a1b2c3d4e5f6');
    expect(info.siteUrl).toBe(runtime.url);
    expect(info.apiBaseUrls).toEqual([
      `${runtime.url}/svc/confluence/${info.cloudId}/apps/${info.appId}_${info.environmentId}`,
      `${runtime.url}/gateway/api/svc/confluence/apps/${info.appId}_${info.environmentId}`,
    ]);
  });
});

describe('gateway', () => {
  it.each([0, 1])('serves GET /pages/status on base URL form %i with read:forge-app + the route scope', async (form) => {
    const token = devToken(runtime, ['read:forge-app:confluence', 'read:approval:custom']);
    const res = await api(runtime, 'GET', '/pages/status?pageId=2001', token, undefined, runtime.info.apiBaseUrls[form]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, pageId: '2001' });
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  it('refuses a token without the route scope with 403', async () => {
    const token = devToken(runtime, ['read:forge-app:confluence', 'read:change-set:custom']);
    const res = await api(runtime, 'GET', '/pages/status?pageId=2001', token);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, code: 'FORBIDDEN_SCOPE' });
  });

  it('refuses a token without read:forge-app:confluence with 401', async () => {
    const token = devToken(runtime, ['read:approval:custom']);
    const res = await api(runtime, 'GET', '/pages/status?pageId=2001', token);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'not a token'],
    ['unknown', `af_at_${'A'.repeat(43)}`],
  ])('refuses a %s token with 401', async (_case, token) => {
    const res = await api(runtime, 'GET', '/pages/status?pageId=2001', token);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it('refuses an expired token with 401', async () => {
    const expired = runtime.tokens.issueAccessToken({ accountId: 'acc-bob', clientId: 'c', scopes: READ_SCOPES }, -1).access_token;
    const res = await api(runtime, 'GET', '/pages/status?pageId=2001', expired);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/expired/);
  });

  it('honours the App REST APIs switch of the site', async () => {
    const token = devToken(runtime, READ_SCOPES);
    const flip = (enabled: unknown) =>
      fetch(`${runtime.url}/local/site/app-rest-apis`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled }) });
    expect((await flip(false)).status).toBe(200);
    try {
      const off = await api(runtime, 'GET', '/pages/status?pageId=2001', token);
      expect(off.status).toBe(403);
      expect(off.body.code).toBe('APP_REST_APIS_DISABLED');
    } finally {
      expect((await flip(true)).status).toBe(200);
    }
    expect((await flip('yes')).status).toBe(400);
    expect((await api(runtime, 'GET', '/pages/status?pageId=2001', token)).status).toBe(200);
  });

  it('answers 404 JSON for an unknown route, a wrong method and another app', async () => {
    const token = devToken(runtime, READ_SCOPES);
    for (const [method, path] of [
      ['GET', '/nothing'],
      ['DELETE', '/pages/status'],
      ['GET', '/pages/status/extra'],
    ]) {
      const res = await api(runtime, method, path, token);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
    }
    const otherApp = runtime.info.apiBaseUrls[1].replace(runtime.info.appId, '00000000-0000-4000-8000-000000000000');
    expect((await api(runtime, 'GET', '/pages/status?pageId=2001', token, undefined, otherApp)).status).toBe(404);
  });

  it('passes garbage JSON to the handler, which answers 400, and keeps serving', async () => {
    const token = devToken(runtime, ['read:forge-app:confluence', 'read:approval:custom']);
    const res = await api(runtime, 'POST', '/pages/preflight', token, '{"pageId": ');
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect((await fetch(`${runtime.url}/healthz`)).status).toBe(200);
  });

  it('builds the Forge invocation payload the handlers expect', async () => {
    const original = runtime.app.api.apiPageSubmit;
    const seen: { request?: ForgeApiRequest; context?: ForgeInvocationContext } = {};
    runtime.app.api.apiPageSubmit = async (request, context) => {
      seen.request = request;
      seen.context = context;
      return { statusCode: 201, headers: { 'content-type': ['application/json'], 'x-custom': ['a', 'b'] }, body: '{"ok":true}' };
    };
    try {
      const token = devToken(runtime, ['read:forge-app:confluence', 'write:approval:custom'], 'acc-alice', 'client-42');
      const base = runtime.info.apiBaseUrls[1];
      const res = await fetch(`${base}/pages/submit?tag=a&tag=b&one=1`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'X-Trace': 'abc' },
        body: '{"pageId":"2001"}',
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-custom')).toBe('a, b');
      expect(await res.json()).toEqual({ ok: true });
    } finally {
      runtime.app.api.apiPageSubmit = original;
    }
    const request = seen.request!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(new URL(runtime.info.apiBaseUrls[1]).pathname + '/pages/submit');
    expect(request.body).toBe('{"pageId":"2001"}');
    expect(request.queryParameters).toEqual({ tag: ['a', 'b'], one: ['1'] });
    expect(request.headers!['x-trace']).toEqual(['abc']);
    expect(request.headers!['content-type']).toEqual(['application/json']);
    expect(request.headers!.authorization).toBeUndefined();
    expect(request.userPath).toBeNull();
    expect(request.context).toEqual({
      cloudId: runtime.info.cloudId,
      moduleKey: 'page-submit',
      clientId: 'client-42',
      userAccess: { enabled: true, hasAccess: true },
    });
    expect(typeof request.contextToken).toBe('string');
    expect(seen.context).toEqual({
      principal: { accountId: 'acc-alice' },
      installContext: `ari:cloud:confluence::site/${runtime.info.cloudId}`,
      license: { isActive: true },
    });
  });

  it('turns a throwing handler into a 500 without internals', async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const original = runtime.app.api.apiPageStatus;
    runtime.app.api.apiPageStatus = async () => {
      throw new Error('secret internals');
    };
    try {
      const res = await api(runtime, 'GET', '/pages/status?pageId=2001', devToken(runtime, READ_SCOPES));
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain('secret');
      // logged for the developer, without the token
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0][0])).not.toMatch(/Bearer|af_at_/);
    } finally {
      runtime.app.api.apiPageStatus = original;
      log.mockRestore();
    }
  });

  it('caps the body at 5 MB with 413', async () => {
    const token = devToken(runtime, ['read:forge-app:confluence', 'read:approval:custom']);
    const res = await api(runtime, 'POST', '/pages/preflight', token, 'x'.repeat(5 * 1024 * 1024 + 1));
    expect(res.status).toBe(413);
    expect((await fetch(`${runtime.url}/healthz`)).status).toBe(200);
  });

  it('survives huge headers and odd paths', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(runtime.url);
      const req = httpRequest({ host: url.hostname, port: url.port, path: '/healthz', headers: { 'x-big': 'y'.repeat(64 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
    for (const path of ['/svc/%zz', '/gateway/api/svc/confluence/apps/', '/wiki/spaces/%E0%A4%A/pages/1', '//..//etc/passwd', '/local/ui/..%2f..%2fpackage.json']) {
      const res = await fetch(`${runtime.url}${path}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect((await fetch(`${runtime.url}/healthz`)).status).toBe(200);
  });
});
