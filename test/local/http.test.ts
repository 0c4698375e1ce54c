/**
 * The local runtime's HTTP plumbing on Hono: body limits (and which refusal wins over them), body
 * parsing, the user cookie, static files and the runtime's error shapes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalRuntime } from '../../local/server';
import { api, jsonBody, startTestRuntime, tempDir } from './helpers';

let runtime: LocalRuntime;
let ui: ReturnType<typeof tempDir>;

beforeAll(async () => {
  ui = tempDir();
  mkdirSync(join(ui.path, 'assets'));
  writeFileSync(join(ui.path, 'index.html'), '<html><head></head><body></body></html>');
  writeFileSync(join(ui.path, 'assets/style.css'), 'body{}');
  runtime = await startTestRuntime({ staticDir: ui.path });
});
afterAll(async () => {
  await runtime.close();
  ui.remove();
});

function post(path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> {
  return fetch(`${runtime.url}${path}`, { method: 'POST', headers, body, redirect: 'manual' });
}

describe('body limits', () => {
  it('refuses a control body over its limit with 413 PAYLOAD_TOO_LARGE and changes nothing', async () => {
    const res = await post('/local/clock', JSON.stringify({ advanceDays: 1, pad: 'x'.repeat(17 * 1024) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ success: false, code: 'PAYLOAD_TOO_LARGE', error: 'The request body is larger than 16384 bytes.' });
    expect(runtime.clock.offset).toBe(0);
  });

  it('checks the invoking user before the body size', async () => {
    const res = await post('/local/invoke', 'x'.repeat(600 * 1024));
    expect(res.status).toBe(401);
    expect((await jsonBody(res)).code).toBe('UNAUTHENTICATED');
  });

  it('lets the gateway refuse a missing token before it looks at the size', async () => {
    const res = await api(runtime, 'POST', '/pages/preflight', undefined, 'x'.repeat(5 * 1024 * 1024 + 1));
    expect([res.status, res.body]).toEqual([401, { code: 401, message: 'Unauthorized' }]);
    expect(res.headers.get('atl-traceid')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('body parsing', () => {
  it('takes JSON bodies (forms: see the user cookie), refuses other media types with 415 and bad JSON with 400', async () => {
    const json = await fetch(`${runtime.url}/local/site/license`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"active": false}' });
    expect(await json.json()).toEqual({ success: true, active: false });
    const text = await fetch(`${runtime.url}/local/site/license`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'active' });
    expect([text.status, (await jsonBody(text)).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const broken = await fetch(`${runtime.url}/local/site/license`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"active":' });
    expect([broken.status, (await jsonBody(broken)).code]).toEqual([400, 'INVALID_JSON']);
    expect(runtime.site.licenseActive).toBe(false);
    await fetch(`${runtime.url}/local/site/license`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"active": true}' });
  });

  it('answers a refused HTML form with an HTML error page, never JSON', async () => {
    const res = await post('/local/switch-user', 'accountId=acc-nobody&return=%2F', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Pick a user of the local site.');
  });
});

describe('user cookie', () => {
  it('sets af_user for the whole site and only follows a local return path', async () => {
    const res = await post('/local/switch-user', 'accountId=acc-dave&return=%2F%2Fevil.example', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.get('set-cookie')).toBe('af_user=acc-dave; Path=/; SameSite=Lax');
    const byline = await fetch(`${runtime.url}/local/byline/2001`, { headers: { cookie: 'af_user=acc-dave' } });
    expect(byline.status).toBe(200);
  });
});

describe('static files', () => {
  it('serves build assets with their type, uncached and unsniffed; unknown files are a JSON 404', async () => {
    const css = await fetch(`${runtime.url}/local/ui/assets/style.css`);
    expect([css.status, css.headers.get('content-type'), css.headers.get('cache-control'), css.headers.get('x-content-type-options')]).toEqual([200, 'text/css; charset=utf-8', 'no-cache', 'nosniff']);
    expect(await css.text()).toBe('body{}');
    const missing = await fetch(`${runtime.url}/local/ui/assets/nope.js`);
    expect([missing.status, await missing.json()]).toEqual([404, { success: false, code: 'NOT_FOUND', error: 'No such file in the Custom UI build.' }]);
    const redirect = await fetch(`${runtime.url}/local/ui?moduleKey=x`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/local/ui/?moduleKey=x']);
  });
});
