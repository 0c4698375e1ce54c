/**
 * Platform profiles: the files of local/profiles load and validate; the apiRoute payload the local
 * gateway builds has the captured real shape and puts the user and client id only where the
 * profile says; headers are forwarded as the profile says.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PLATFORM_PROFILE, STRICT_PLATFORM_PROFILE, type PlatformProfile } from '../../src/adapters/platform-profile';
import { loadPlatformProfile, PROFILES_DIR, profileFromEnv } from '../../local/profile';
import { buildApiInvocation } from '../../local/server/forge-payload';
import { DEFAULT_INDEX_LAG_MS } from '../../src/adapters/store/eventual-index-store';
import { api, devToken, invoke, READ_SCOPES, startTestRuntime, tempDir } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('profile files', () => {
  it('every file of local/profiles is valid and named after itself', () => {
    const files = readdirSync(PROFILES_DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) expect(loadPlatformProfile(join(PROFILES_DIR, file)).name).toBe(file.replace(/\.json$/, ''));
  });

  it('documented.json is the default profile and strict.json the strict one', () => {
    expect(loadPlatformProfile('documented')).toEqual(DEFAULT_PLATFORM_PROFILE);
    expect(profileFromEnv({})).toEqual(DEFAULT_PLATFORM_PROFILE);
    expect(loadPlatformProfile('strict')).toEqual(STRICT_PLATFORM_PROFILE);
    expect(profileFromEnv({ AF_PROFILE: 'strict' }).apiRouteHeaders).toBe('conservative');
  });

  it('refuses an invalid profile with a message naming the field', () => {
    const dir = tempDir();
    const file = join(dir.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...DEFAULT_PLATFORM_PROFILE, apiRouteHeaders: 'some' }));
    expect(() => loadPlatformProfile(file)).toThrow(/apiRouteHeaders/);
    writeFileSync(file, JSON.stringify({ ...DEFAULT_PLATFORM_PROFILE, extra: true }));
    expect(() => loadPlatformProfile(file)).toThrow(/invalid/);
    expect(() => loadPlatformProfile(join(dir.path, 'missing.json'))).toThrow(/missing\.json/);
    dir.remove();
  });
});

function decodeToken(token: string): { header: Json; claims: Json; signature: string } {
  const [header, claims, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')),
    signature,
  };
}

function invocation(profile: PlatformProfile) {
  return buildApiInvocation({
    profile,
    method: 'POST',
    url: new URL('http://127.0.0.1:1/svc/confluence/cloud-1/apps/app-1_env-1/pages/submit?tag=a&tag=b&x=1'),
    headers: {
      accept: 'application/json',
      'user-agent': 'curl/8',
      'content-type': 'application/json',
      'idempotency-key': 'k-1',
      authorization: 'Bearer secret',
      cookie: 'af_user=acc-alice',
      'x-custom': 'v',
    },
    body: '{"pageId":"2001"}',
    route: { key: 'page-submit' },
    cloudId: 'cloud-1',
    appId: 'app-1',
    environmentId: 'env-1',
    installContext: 'ari:cloud:confluence::site/cloud-1',
    accountId: 'acc-bob',
    clientId: 'client-9',
    licenseActive: true,
    nowMs: Date.parse('2026-12-02T00:00:00Z'),
  });
}

describe('apiRoute payload', () => {
  it('has the captured real shape under the strict profile: user only in the real-shape token, no client id anywhere', () => {
    const { request, context } = invocation(STRICT_PLATFORM_PROFILE);
    expect(Object.keys(request).sort()).toEqual(['body', 'call', 'context', 'contextToken', 'headers', 'method', 'path', 'queryParameters', 'userPath']);
    expect(request).toMatchObject({
      method: 'POST',
      call: { functionKey: 'page-submit' },
      body: '{"pageId":"2001"}',
      path: '/svc/confluence/cloud-1/apps/app-1_env-1/pages/submit',
      userPath: null,
      queryParameters: { tag: ['a', 'b'], x: ['1'] },
      context: { cloudId: 'cloud-1', moduleKey: 'page-submit', userAccess: { enabled: false, hasAccess: true } },
    });
    expect(request.context).not.toHaveProperty('clientId');
    expect(context).toEqual({ installContext: 'ari:cloud:confluence::site/cloud-1', license: { isActive: true } });

    const token = decodeToken(request.contextToken!);
    expect(token.header).toMatchObject({ alg: 'RS256', kid: expect.stringMatching(/^forge\/context-token\//) });
    expect(token.signature).not.toBe('');
    expect(Object.keys(token.claims).sort()).toEqual(['accountId', 'appId', 'appVersion', 'aud', 'context', 'contextIds', 'exp', 'extensionId', 'extensionType', 'iat', 'iss', 'jti', 'nbf', 'unlicensed']);
    expect(token.claims).toMatchObject({ iss: 'forge/context-token', aud: 'forge', accountId: 'acc-bob', context: { cloudId: 'cloud-1', moduleKey: 'page-submit' }, unlicensed: false });
  });

  it('forwards only accept and user-agent style headers when conservative, never credentials', () => {
    expect(invocation(STRICT_PLATFORM_PROFILE).request.headers).toEqual({ accept: ['application/json'], 'user-agent': ['curl/8'] });
    expect(invocation(DEFAULT_PLATFORM_PROFILE).request.headers).toEqual({
      accept: ['application/json'],
      'user-agent': ['curl/8'],
      'content-type': ['application/json'],
      'idempotency-key': ['k-1'],
      'x-custom': ['v'],
    });
  });

  it('puts the principal in context only under apiRoutePrincipal=context, the app user in the token under appUserInToken, nobody under absent', () => {
    const inContext = invocation({ ...STRICT_PLATFORM_PROFILE, apiRoutePrincipal: 'context' });
    expect(inContext.context.principal).toEqual({ accountId: 'acc-bob' });
    expect(decodeToken(inContext.request.contextToken!).claims.accountId).toBe('acc-bob');
    const appUser = invocation({ ...STRICT_PLATFORM_PROFILE, apiRoutePrincipal: 'appUserInToken' });
    expect(appUser.context.principal).toBeUndefined();
    expect(decodeToken(appUser.request.contextToken!).claims.accountId).toBe('acc-approvalflow-app');
    const absent = invocation({ ...STRICT_PLATFORM_PROFILE, apiRoutePrincipal: 'absent' });
    expect(absent.context.principal).toBeUndefined();
    expect(decodeToken(absent.request.contextToken!).claims).not.toHaveProperty('accountId');
  });

  it('puts the client id in the request context or the token claims as the profile says', () => {
    const inContext = invocation({ ...STRICT_PLATFORM_PROFILE, apiRouteClientId: 'context' });
    expect(inContext.request.context?.clientId).toBe('client-9');
    expect(decodeToken(inContext.request.contextToken!).claims).not.toHaveProperty('clientId');
    const inToken = invocation({ ...STRICT_PLATFORM_PROFILE, apiRouteClientId: 'contextToken' });
    expect(inToken.request.context).not.toHaveProperty('clientId');
    expect(decodeToken(inToken.request.contextToken!).claims.clientId).toBe('client-9');
  });
});

describe('the runtime under the identity profiles', () => {
  // the diagnostics panel reads an index query, which may lag the write (strict): wait the lag out first
  const latestInvocation = async (runtime: Awaited<ReturnType<typeof startTestRuntime>>) =>
    (runtime.clock.advance(DEFAULT_INDEX_LAG_MS), await invoke(runtime, 'acc-alice', { moduleKey: 'approvalflow-admin', functionKey: 'admin.diagnostics', payload: {} })).body.invocations[0];
  const status = (runtime: Awaited<ReturnType<typeof startTestRuntime>>) => api(runtime, 'GET', '/pages/status?pageId=2001', devToken(runtime, READ_SCOPES, 'acc-bob'));

  it("token-account-is-app-user: a token whose accountId is the app's own user never names the caller: every call 401, nothing read as anyone", async () => {
    const runtime = await startTestRuntime({ profile: loadPlatformProfile('token-account-is-app-user') });
    try {
      const res = await status(runtime);
      expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(await latestInvocation(runtime)).toMatchObject({ principalSource: 'none', tokenAccountRefused: 'app-user', identityFailed: true });
    } finally {
      await runtime.close();
    }
  });

  it('principal-absent: no user anywhere, every call 401', async () => {
    const runtime = await startTestRuntime({ profile: loadPlatformProfile('principal-absent') });
    try {
      const res = await status(runtime);
      expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    } finally {
      await runtime.close();
    }
  });

  it('strict: the user comes from the real-shape token and the API answers', async () => {
    const runtime = await startTestRuntime({ profile: STRICT_PLATFORM_PROFILE });
    try {
      const res = await status(runtime);
      expect([res.status, res.body.success]).toEqual([200, true]);
      expect(await latestInvocation(runtime)).toMatchObject({ principalSource: 'contextToken.accountId', clientIdSource: 'unavailable', identityFailed: false });
    } finally {
      await runtime.close();
    }
  });
});
