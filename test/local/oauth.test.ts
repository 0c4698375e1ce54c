/**
 * 3LO emulation end to end: an integration registered with the CLI, consent, code → token, a call
 * through the gateway with the 3LO token, refresh rotation, accessible resources, replay refusals.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { LocalRuntime } from '../../local/server';
import { api, jsonBody, startTestRuntime, tempDir } from './helpers';

const REPO = join(__dirname, '../..');
const REDIRECT = 'http://localhost:9999/callback';

let runtime: LocalRuntime;
let dir: ReturnType<typeof tempDir>;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  dir = tempDir();
  const out = execFileSync(
    process.execPath,
    [
      join(REPO, 'node_modules/tsx/dist/cli.mjs'),
      join(REPO, 'local/cli/register-integration.ts'),
      '--name',
      'CI bot',
      '--redirect-uri',
      REDIRECT,
      '--scopes',
      'read:forge-app:confluence read:approval:custom offline_access',
      '--data-dir',
      dir.path,
    ],
    { encoding: 'utf8' },
  );
  clientId = /client_id=(\S+)/.exec(out)![1];
  clientSecret = /client_secret=(\S+)/.exec(out)![1];
  // a file-backed runtime on the same data dir reads the integration the CLI wrote
  runtime = await startTestRuntime({ memory: false, dataDir: dir.path });
}, 30000);

afterAll(async () => {
  await runtime?.close();
  dir?.remove();
});

function authorizeUrl(params: Record<string, string>): string {
  return `${runtime.url}/authorize?${new URLSearchParams({
    audience: 'api.atlassian.com',
    client_id: clientId,
    scope: 'read:forge-app:confluence read:approval:custom',
    redirect_uri: REDIRECT,
    state: 'xyz',
    response_type: 'code',
    prompt: 'consent',
    ...params,
  }).toString()}`;
}

async function consent(accountId: string, decision = 'approve', scope = 'read:forge-app:confluence read:approval:custom'): Promise<URL> {
  const res = await fetch(`${runtime.url}/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, scope, state: 'xyz', response_type: 'code', account_id: accountId, decision }),
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function token(body: Record<string, string>, form = false): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${runtime.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body) : JSON.stringify(body),
  });
  return { status: res.status, body: await jsonBody(res) };
}

it('runs the authorization-code flow with rotating refresh tokens', async () => {
  const page = await fetch(authorizeUrl({}));
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('CI bot');
  expect(html).toContain('read:approval:custom');
  expect(html).toContain('acc-carol');

  const redirect = await consent('acc-carol');
  expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT);
  expect(redirect.searchParams.get('state')).toBe('xyz');
  const code = redirect.searchParams.get('code')!;

  const wrongSecret = await token({ grant_type: 'authorization_code', client_id: clientId, client_secret: 'nope', code, redirect_uri: REDIRECT });
  expect(wrongSecret.status).toBe(401);
  expect(wrongSecret.body.error).toBe('invalid_client');

  const first = await token({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code, redirect_uri: REDIRECT }, true);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:forge-app:confluence read:approval:custom' });
  expect(typeof first.body.refresh_token).toBe('string');

  // the 3LO token works on the gateway, as the consenting user
  const status = await api(runtime, 'GET', '/pages/status?pageId=2001', first.body.access_token);
  expect(status.status).toBe(200);

  const resources = await fetch(`${runtime.url}/oauth/token/accessible-resources`, { headers: { authorization: `Bearer ${first.body.access_token}` } });
  expect(resources.status).toBe(200);
  expect(await resources.json()).toEqual([
    expect.objectContaining({ id: runtime.info.cloudId, url: runtime.info.siteUrl, scopes: ['read:forge-app:confluence', 'read:approval:custom'] }),
  ]);
  expect((await fetch(`${runtime.url}/oauth/token/accessible-resources`)).status).toBe(401);

  const refreshed = await token({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: first.body.refresh_token });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
  expect((await api(runtime, 'GET', '/pages/status?pageId=2001', refreshed.body.access_token)).status).toBe(200);

  // a used refresh token is refused and revokes its family
  const replay = await token({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: first.body.refresh_token });
  expect(replay.status).toBe(400);
  expect(replay.body.error).toBe('invalid_grant');
  expect((await api(runtime, 'GET', '/pages/status?pageId=2001', refreshed.body.access_token)).status).toBe(401);

  // the code is single use
  const reuse = await token({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code, redirect_uri: REDIRECT });
  expect(reuse.status).toBe(400);
  expect(reuse.body.error).toBe('invalid_grant');
});

it('refuses what the integration is not registered for', async () => {
  const unregistered = await fetch(authorizeUrl({ redirect_uri: 'http://evil.example/cb' }), { redirect: 'manual' });
  expect(unregistered.status).toBe(400); // shown, never redirected
  const unknownClient = await fetch(authorizeUrl({ client_id: 'nobody-here' }), { redirect: 'manual' });
  expect(unknownClient.status).toBe(400);

  const badScope = await fetch(authorizeUrl({ scope: 'read:forge-app:confluence write:approval:custom' }), { redirect: 'manual' });
  expect(badScope.status).toBe(302);
  expect(new URL(badScope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');

  const denied = await consent('acc-bob', 'deny');
  expect(denied.searchParams.get('error')).toBe('access_denied');
  expect(denied.searchParams.get('code')).toBeNull();

  const code = (await consent('acc-bob')).searchParams.get('code')!;
  const wrongRedirect = await token({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code, redirect_uri: 'http://localhost:9999/other' });
  expect(wrongRedirect.body.error).toBe('invalid_grant');
  expect((await token({ grant_type: 'password', client_id: clientId, client_secret: clientSecret })).body.error).toBe('unsupported_grant_type');
  const garbage = await fetch(`${runtime.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
  expect(garbage.status).toBe(400);
  expect((await jsonBody(garbage)).error).toBe('invalid_request');
});

it('mints dev tokens only for seeded users and known scopes', async () => {
  const post = (body: unknown) => fetch(`${runtime.url}/local/oauth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ok = await post({ accountId: 'acc-dave', clientId: 'my-cli', scopes: ['read:forge-app:confluence', 'read:approval:custom'] });
  expect(ok.status).toBe(200);
  const issued = await jsonBody(ok);
  expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:forge-app:confluence read:approval:custom' });
  expect((await api(runtime, 'GET', '/pages/status?pageId=2001', issued.access_token)).status).toBe(200);
  expect((await post({ accountId: 'acc-mallory', clientId: 'x', scopes: ['read:approval:custom'] })).status).toBe(400);
  expect((await post({ accountId: 'acc-bob', clientId: 'x', scopes: ['admin:everything'] })).status).toBe(400);
  expect((await post({ accountId: 'acc-bob', clientId: 'x', scopes: [], extra: 1 })).status).toBe(400);
});
