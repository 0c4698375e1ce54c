/**
 * The local site around the app: resolver invocation, page edits firing the page-updated trigger,
 * the Custom UI host with the bridge shim, the HTML pages and the /wiki REST proxy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalRuntime } from '../../local/server';
import { ALL_SCOPES, api, devToken, invoke, jsonBody, startTestRuntime, tempDir } from './helpers';

let runtime: LocalRuntime;
let ui: ReturnType<typeof tempDir>;

const UI_INDEX = '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="./assets/app.js"></script></head><body><div id="root"></div></body></html>';

beforeAll(async () => {
  ui = tempDir();
  mkdirSync(join(ui.path, 'assets'));
  writeFileSync(join(ui.path, 'index.html'), UI_INDEX);
  writeFileSync(join(ui.path, 'assets/app.js'), 'console.log("app")');
  runtime = await startTestRuntime({ staticDir: ui.path });
});
afterAll(async () => {
  await runtime.close();
  ui.remove();
});

describe('POST /local/invoke', () => {
  it('calls the real resolver with the header user as the platform principal', async () => {
    const res = await invoke(runtime, 'acc-dave', { moduleKey: 'approvalflow-macro', functionKey: 'page.status', payload: { pageId: '2001' }, extension: { content: { id: '2001' } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true });
    const me = await invoke(runtime, 'acc-dave', { moduleKey: 'approvalflow-admin', functionKey: 'context.me', payload: {} });
    expect(JSON.stringify(me.body)).toContain('acc-dave');
  });

  it('refuses unknown users, unknown functions and bad bodies without crashing', async () => {
    expect((await invoke(runtime, undefined, { moduleKey: 'approvalflow-macro', functionKey: 'context.me' })).status).toBe(401);
    expect((await invoke(runtime, 'acc-mallory', { moduleKey: 'approvalflow-macro', functionKey: 'context.me' })).status).toBe(401);
    const unknown = await invoke(runtime, 'acc-bob', { moduleKey: 'approvalflow-macro', functionKey: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('UNKNOWN_FUNCTION');
    expect((await invoke(runtime, 'acc-bob', { moduleKey: 'not-a-module', functionKey: 'context.me' })).status).toBe(400);
    expect((await invoke(runtime, 'acc-bob', '{"moduleKey":')).status).toBe(400);
    expect((await invoke(runtime, 'acc-bob', { functionKey: 'context.me' })).status).toBe(400);
  });
});

describe('page edits', () => {
  it('make a new version and leave an approval stale', async () => {
    // bob submits 2002 through the API, carol approves through the UI resolver
    const bob = devToken(runtime, ALL_SCOPES, 'acc-bob');
    const submitted = await api(runtime, 'POST', '/pages/submit', bob, { pageId: '2002' });
    expect(submitted.status).toBeLessThan(300);
    const approvalId = submitted.body.approvalId;
    const decided = await invoke(runtime, 'acc-carol', { moduleKey: 'approvalflow-macro', functionKey: 'approval.decide', payload: { approvalId, decision: 'approve' } });
    expect(decided.body).toMatchObject({ success: true });
    const before = await api(runtime, 'GET', '/pages/status?pageId=2002', bob);
    expect(before.body).toMatchObject({ state: 'approved', isStale: false, currentPageVersion: 2 });

    const edit = await fetch(`${runtime.url}/local/pages/2002/edit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: 'acc-bob', body: '<p>changed</p>' }),
    });
    expect(edit.status).toBe(200);
    expect(await edit.json()).toMatchObject({ success: true, page: { id: '2002', version: 3 } });

    const after = await api(runtime, 'GET', '/pages/status?pageId=2002', bob);
    expect(after.body).toMatchObject({ currentPageVersion: 3, approvedAtVersion: 2, isStale: true });
  });

  it('as an HTML form redirect back to the page; users without edit rights are refused', async () => {
    const form = await fetch(`${runtime.url}/local/pages/3001/edit`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ accountId: 'acc-bob', title: 'User manual v2', body: '', message: '' }),
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/wiki/spaces/DOCS/pages/3001');
    expect(runtime.site.getPageForRender('3001')).toMatchObject({ title: 'User manual v2', version: 4 });

    const erin = await fetch(`${runtime.url}/local/pages/2001/edit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: 'acc-erin', title: 'x' }) });
    expect(erin.status).toBe(403);
    const missing = await fetch(`${runtime.url}/local/pages/9999/edit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: 'acc-bob' }) });
    expect(missing.status).toBe(404);
    const extra = await fetch(`${runtime.url}/local/pages/2001/edit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: 'acc-bob', version: 9 }) });
    expect(extra.status).toBe(400);
  });
});

describe('Custom UI host', () => {
  it('serves index.html with the bridge shim as the first script, assets unchanged', async () => {
    const html = await (await fetch(`${runtime.url}/local/ui/?moduleKey=approvalflow-macro&pageId=2001`)).text();
    expect(html).toBe(UI_INDEX.replace('<head>', '<head><script src="/local/bridge-shim.js"></script>'));
    const asset = await fetch(`${runtime.url}/local/ui/assets/app.js`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(await asset.text()).toBe('console.log("app")');
    const shim = await fetch(`${runtime.url}/local/bridge-shim.js`);
    expect(await shim.text()).toContain('window.__bridge');
    expect((await fetch(`${runtime.url}/local/ui/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
  });
});

describe('site pages', () => {
  const get = (path: string, user?: string) => fetch(`${runtime.url}${path}`, { headers: user ? { cookie: `af_user=${user}` } : {} });

  it('lists the spaces and pages the current user can see', async () => {
    const home = await (await get('/')).text();
    expect(home).toContain('/wiki/spaces/ENG/pages/2001');
    expect(home).toContain('/wiki/spaces/DOCS/apps/approvals');
    expect(home).toContain('/wiki/admin/approvalflow');
    expect(home).toContain('/wiki/spaces/ENG/pages/2012'); // bob may see the restricted page
    const erinHome = await (await get('/', 'acc-erin')).text();
    expect(erinHome).not.toContain('/wiki/spaces/ENG/pages/2012');
    expect(erinHome).not.toContain('/wiki/spaces/DOCS/pages/3001');
  });

  it('renders a page with the macro and byline iframes and a user switcher', async () => {
    const res = await get('/wiki/spaces/ENG/pages/2001', 'acc-alice');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Architecture overview');
    expect(html).toContain('/local/ui/?moduleKey=approvalflow-macro&amp;pageId=2001&amp;spaceId=1001&amp;spaceKey=ENG');
    expect(html).toContain('moduleKey=approvalflow-byline');
    expect(html).toMatch(/<option value="acc-alice" selected>/);
    expect(html).toContain('action="/local/pages/2001/edit"');
    expect((await get('/wiki/spaces/ENG/pages/2012', 'acc-erin')).status).toBe(403);
    expect((await get('/wiki/spaces/ENG/pages/424242')).status).toBe(404);
    const space = await (await get('/wiki/spaces/ENG/apps/approvals')).text();
    expect(space).toContain('moduleKey=approvalflow-space&amp;spaceId=1001&amp;spaceKey=ENG');
    expect(await (await get('/wiki/admin/approvalflow')).text()).toContain('moduleKey=approvalflow-admin');
  });

  it('never renders page markup that could run script', async () => {
    await fetch(`${runtime.url}/local/pages/2003/edit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: 'acc-bob', title: '<img src=x onerror=alert(1)>', body: '<p onclick="x()">hi</p><script>alert(1)</script><a href="javascript:alert(1)">l</a>' }),
    });
    const html = await (await get('/wiki/spaces/ENG/pages/2003')).text();
    // escaped text is harmless; no live tag may carry the payload
    for (const live of ['<script>alert', '<img', '<p onclick', 'href="javascript:']) expect(html).not.toContain(live);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<p>hi</p>');
  });

  it('shows @mentions in comments by display name, as Confluence does', async () => {
    await runtime.site.transport().request({
      method: 'POST',
      path: '/wiki/api/v2/footer-comments',
      body: { pageId: '2004', body: { representation: 'storage', value: '<p>Please review <ac:link><ri:user ri:account-id="acc-carol" /></ac:link></p>' } },
    });
    const html = await (await get('/wiki/spaces/ENG/pages/2004')).text();
    expect(html).toContain('Please review @Carol Reviewer');
  });

  it('switches the user with a cookie', async () => {
    const res = await fetch(`${runtime.url}/local/switch-user`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ accountId: 'acc-dave', return: '/wiki/spaces/ENG/pages/2001' }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/wiki/spaces/ENG/pages/2001');
    expect(res.headers.get('set-cookie')).toMatch(/^af_user=acc-dave; Path=\//);
    const offsite = await fetch(`${runtime.url}/local/switch-user`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ accountId: 'acc-dave', return: '//evil.example/' }),
    });
    expect(offsite.headers.get('location')).toBe('/');
  });

  it('proxies /wiki REST as the header or cookie user', async () => {
    const asCarol = await fetch(`${runtime.url}/wiki/api/v2/pages/2012`, { headers: { 'x-local-account-id': 'acc-carol' } });
    expect(asCarol.ok).toBe(false);
    const asAlice = await fetch(`${runtime.url}/wiki/api/v2/pages/2012`, { headers: { cookie: 'af_user=acc-alice' } });
    expect(asAlice.status).toBe(200);
    expect((await jsonBody(asAlice)).id).toBe('2012');
  });

  it('never lets an unknown header user act as the app', async () => {
    const asStranger = await fetch(`${runtime.url}/wiki/api/v2/pages/2012`, { headers: { 'x-local-account-id': 'acc-mallory' } });
    expect(asStranger.status).toBe(401);
    expect(JSON.stringify(await asStranger.json())).not.toContain('2012');
  });
});
