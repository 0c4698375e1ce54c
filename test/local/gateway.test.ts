/**
 * The local API gateway (SPEC §7): both base-URL forms, routing from manifest.yml, the platform's
 * token and scope gates, the App REST APIs switch, the Forge request payload, and robustness.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { LocalRuntime } from '../../local/server';
import type { ForgeApiRequest, ForgeInvocationContext } from '../../src/transport/api/forge-types';
import { STRICT_PLATFORM_PROFILE } from '../../src/adapters/platform-profile';
import { api, devToken, jsonBody, READ_SCOPES, startTestRuntime } from './helpers';

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
    const info = await jsonBody(await fetch(`${runtime.url}/local/info`));
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
    // the gateway's own shape, never the app's envelope
    expect(res.body).toEqual({ code: 403, message: 'Forbidden; scope does not match' });
    expect(res.headers.get('atl-traceid')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a token without read:forge-app:confluence with 401', async () => {
    const token = devToken(runtime, ['read:approval:custom']);
    const res = await api(runtime, 'GET', '/pages/status?pageId=2001', token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'not a token'],
    ['unknown', `af_at_${'A'.repeat(43)}`],
  ])('refuses a %s token with 401', async (_case, token) => {
    const res = await api(runtime, 'GET', '/pages/status?pageId=2001', token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, message: 'Unauthorized' });
  });

  it('refuses an expired token with 401', async () => {
    const expired = runtime.tokens.issueAccessToken({ accountId: 'acc-bob', clientId: 'c', scopes: READ_SCOPES }, -1).access_token;
    const res = await api(runtime, 'GET', '/pages/status?pageId=2001', expired);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, message: 'Unauthorized' });
  });

  it('honours the App REST APIs switch of the site', async () => {
    const token = devToken(runtime, READ_SCOPES);
    const flip = (enabled: unknown) =>
      fetch(`${runtime.url}/local/site/app-rest-apis`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled }) });
    expect((await flip(false)).status).toBe(200);
    try {
      const off = await api(runtime, 'GET', '/pages/status?pageId=2001', token);
      expect(off.status).toBe(403);
      expect(off.body).toEqual({ code: 403, message: 'App REST APIs are disabled for this app on this site' });
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
      expect(res.body).toEqual({ code: 404, message: 'Not Found' });
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

  it('builds the Forge invocation payload as the captured real one (strict profile)', async () => {
    // this test is about the strict profile whatever AF_PROFILE says (profiles.test.ts covers the others)
    const runtime = await startTestRuntime({ profile: STRICT_PLATFORM_PROFILE });
    const handlers = runtime.app.handlers;
    const original = handlers.apiPageSubmit;
    const seen: { request?: ForgeApiRequest & { call?: unknown }; context?: ForgeInvocationContext } = {};
    handlers.apiPageSubmit = async (request, context) => {
      seen.request = request as ForgeApiRequest;
      seen.context = context as ForgeInvocationContext;
      return { statusCode: 201, headers: { 'content-type': ['application/json'], 'x-custom': ['a', 'b'] }, body: '{"ok":true}' };
    };
    try {
      const token = devToken(runtime, ['read:forge-app:confluence', 'write:approval:custom'], 'acc-alice', 'client-42');
      const base = runtime.info.apiBaseUrls[1];
      const res = await fetch(`${base}/pages/submit?tag=a&tag=b&one=1`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'X-Trace': 'abc', accept: 'application/json' },
        body: '{"pageId":"2001"}',
      });
      expect(res.status).toBe(201);
      // custom response headers do not reach the caller (U5); the content type does
      expect(res.headers.get('x-custom')).toBeNull();
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({ ok: true });
    } finally {
      handlers.apiPageSubmit = original;
      await runtime.close();
    }
    const request = seen.request!;
    expect(request.method).toBe('POST');
    expect(request.call).toEqual({ functionKey: 'page-submit' });
    expect(request.path).toBe(new URL(runtime.info.apiBaseUrls[1]).pathname + '/pages/submit');
    expect(request.body).toBe('{"pageId":"2001"}');
    expect(request.queryParameters).toEqual({ tag: ['a', 'b'], one: ['1'] });
    // conservative forwarding: no content-type, no custom header, never the token
    expect(request.headers!.accept).toEqual(['application/json']);
    expect(request.headers!['content-type']).toBeUndefined();
    expect(request.headers!['x-trace']).toBeUndefined();
    expect(request.headers!.authorization).toBeUndefined();
    expect(request.userPath).toBeNull();
    expect(request.context).toEqual({ cloudId: runtime.info.cloudId, moduleKey: 'page-submit', userAccess: { enabled: false, hasAccess: true } });
    const claims = JSON.parse(Buffer.from(request.contextToken!.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ iss: 'forge/context-token', aud: 'forge', accountId: 'acc-alice', context: { moduleKey: 'page-submit' }, extensionType: 'core:apiRoute' });
    expect(claims.clientId).toBeUndefined();
    expect(seen.context).toEqual({ installContext: `ari:cloud:confluence::site/${runtime.info.cloudId}`, license: { isActive: true } });
  });

  it('passes the licence state to the function, and answers a function over the time limit as the gateway does', async () => {
    const handlers = runtime.app.handlers;
    const original = handlers.apiPageStatus;
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let licence: unknown;
    handlers.apiPageStatus = async (_request, context) => {
      licence = (context as ForgeInvocationContext).license;
      return { statusCode: 200, headers: {}, body: '{}' };
    };
    const licenceSwitch = (active: boolean) =>
      fetch(`${runtime.url}/local/site/license`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ active }) });
    try {
      expect((await licenceSwitch(false)).status).toBe(200);
      await api(runtime, 'GET', '/pages/status?pageId=2001', devToken(runtime, READ_SCOPES));
      expect(licence).toEqual({ isActive: false });
      expect((await licenceSwitch(true)).status).toBe(200);

      const slow = await startTestRuntime({ invocationTimeoutMs: 100 });
      try {
        slow.app.handlers.apiPageStatus = () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, headers: {}, body: '{}' }), 1000));
        const res = await api(slow, 'GET', '/pages/status?pageId=2001', devToken(slow, READ_SCOPES));
        expect(res.status).toBe(504);
        expect(res.body).toEqual({ code: 504, message: 'Invocation timed out' });
      } finally {
        await slow.close();
      }
    } finally {
      handlers.apiPageStatus = original;
      log.mockRestore();
    }
  });

  it('turns a throwing handler into a 500 without internals', async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const original = runtime.app.handlers.apiPageStatus;
    runtime.app.handlers.apiPageStatus = async () => {
      throw new Error('secret internals');
    };
    try {
      const res = await api(runtime, 'GET', '/pages/status?pageId=2001', devToken(runtime, READ_SCOPES));
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ code: 500, message: 'Invocation failed' });
      // logged for the developer, without the token
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0][0])).not.toMatch(/Bearer|af_at_/);
    } finally {
      runtime.app.handlers.apiPageStatus = original;
      log.mockRestore();
    }
  });

  it('caps the body at 5 MB with 413', async () => {
    const token = devToken(runtime, ['read:forge-app:confluence', 'read:approval:custom']);
    const res = await api(runtime, 'POST', '/pages/preflight', token, 'x'.repeat(5 * 1024 * 1024 + 1));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ code: 413, message: 'Payload Too Large' });
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

describe('issue 25 finding 16: docs/api.md tells gateway errors as the gateway answers them', () => {
  const doc = readFileSync(join(__dirname, '../../docs/api.md'), 'utf8');
  const documented = (status: number, message: string) => doc.includes(`\`{"code":${status},"message":"${message}"}\``);

  it('each gateway answer is listed in docs/api.md with its exact body, and no app-style gateway code is', async () => {
    const answers = [
      await api(runtime, 'GET', '/pages/status?pageId=2001', undefined),
      await api(runtime, 'GET', '/pages/status?pageId=2001', devToken(runtime, ['read:approval:custom'])),
      await api(runtime, 'GET', '/pages/status?pageId=2001', devToken(runtime, ['read:forge-app:confluence', 'read:change-set:custom'])),
      await api(runtime, 'GET', '/no/such/route', devToken(runtime, READ_SCOPES)),
    ];
    for (const { status, body } of answers) {
      expect(body).toEqual({ code: status, message: expect.any(String) });
      expect(documented(status, body.message as string)).toBe(true);
    }
    expect(doc).not.toMatch(/`UNAUTHORIZED`|`FORBIDDEN_SCOPE`|`INVOCATION_FAILED`/);
  });
});

it('issue 25 finding 18: an expired token and a garbage one are told apart (WWW-Authenticate), the body stays the gateway\'s', async () => {
  const expired = runtime.tokens.issueAccessToken({ accountId: 'acc-bob', clientId: 'c', scopes: READ_SCOPES }, -1).access_token;
  const stale = await api(runtime, 'GET', '/pages/status?pageId=2001', expired);
  const garbage = await api(runtime, 'GET', '/pages/status?pageId=2001', 'not-a-token-at-all');
  for (const res of [stale, garbage]) expect([res.status, res.body]).toEqual([401, { code: 401, message: 'Unauthorized' }]);
  expect(stale.headers.get('www-authenticate')).toMatch(/invalid_token.*expired/);
  expect(garbage.headers.get('www-authenticate')).toMatch(/invalid_token/);
  expect(garbage.headers.get('www-authenticate')).not.toMatch(/expired/);
});
