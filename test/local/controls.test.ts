/**
 * Local controls a newcomer and the lifecycle tests rely on: the clock, the scheduled-trigger run
 * (as Forge invokes each scheduledTrigger function), and the byline's dynamicProperties function.
 * A copy of manifest.yml adds the modules, so these hold whatever the app's manifest declares today.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { LocalRuntime } from '../../local/server';
import { startTestRuntime, tempDir } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dir = tempDir();
let runtime: LocalRuntime;

beforeAll(async () => {
  const manifest = parse(readFileSync(join(__dirname, '../../manifest.yml'), 'utf8')) as Json;
  manifest.modules.scheduledTrigger = [{ key: 'daily-review', function: 'daily-fn', interval: 'day' }];
  manifest.modules.function.push(
    { key: 'daily-fn', handler: 'index.testDailyJob' },
    { key: 'byline-fn', handler: 'index.testBylineProps' },
    { key: 'edited-fn', handler: 'index.testPageEdited' },
  );
  manifest.modules.trigger = [{ key: 'page-edited', function: 'edited-fn', events: ['avi:confluence:updated:page'] }];
  manifest.modules['confluence:contentBylineItem'][0].dynamicProperties = { function: 'byline-fn' };
  const file = join(dir.path, 'manifest.yml');
  writeFileSync(file, stringify(manifest));
  runtime = await startTestRuntime({ manifestFile: file });
});
afterAll(async () => {
  await runtime.close();
  dir.remove();
});

const post = (path: string, body?: unknown) =>
  fetch(`${runtime.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('POST /local/clock', () => {
  it('moves the runtime clock forward by whole days and refuses anything else', async () => {
    const before = runtime.clock.now();
    const res = await post('/local/clock', { advanceDays: 77 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.offsetDays).toBe(77);
    expect(runtime.clock.now() - before).toBeGreaterThanOrEqual(77 * 86_400_000);
    expect(Date.parse(body.now)).toBeGreaterThanOrEqual(before + 77 * 86_400_000);
    for (const bad of [{ advanceDays: -1 }, { advanceDays: 1.5 }, { days: 1 }, {}]) expect((await post('/local/clock', bad)).status).toBe(400);
    expect(runtime.clock.offset).toBe(77 * 86_400_000);
  });
});

describe('POST /local/users/<accountId>/status', () => {
  it('deactivates, deletes and reactivates an account as an org admin would; refuses unknown users and other values', async () => {
    expect((await post('/local/users/acc-erin/status', { accountStatus: 'inactive' })).status).toBe(200);
    expect(runtime.site.getUser('acc-erin')?.accountStatus).toBe('inactive');
    expect((await post('/local/users/acc-erin/status', { accountStatus: 'closed' })).status).toBe(200);
    expect(runtime.site.getUser('acc-erin')?.accountStatus).toBe('closed');
    expect((await post('/local/users/acc-erin/status', { accountStatus: 'active' })).status).toBe(200);
    expect(runtime.site.getUser('acc-erin')?.accountStatus).toBeUndefined();
    expect((await post('/local/users/acc-nobody/status', { accountStatus: 'inactive' })).status).toBe(404);
    for (const bad of [{ accountStatus: 'gone' }, { status: 'inactive' }, {}]) expect((await post('/local/users/acc-erin/status', bad)).status).toBe(400);
  });
});

describe('POST /local/scheduled/run', () => {
  it("invokes every scheduledTrigger's function export as Forge does, with the licence state", async () => {
    const calls: Array<{ event: Json; context: Json }> = [];
    runtime.app.handlers.testDailyJob = async (event, context) => {
      calls.push({ event: event as Json, context: context as Json });
    };
    const res = await post('/local/scheduled/run');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, ran: [{ key: 'daily-review', function: 'daily-fn', outcome: 'ok' }] });
    expect(calls).toHaveLength(1);
    expect(calls[0].event.context).toEqual({ cloudId: runtime.info.cloudId, moduleKey: 'daily-review' });
    // the real shape: a scheduled trigger's token names its own module and carries an accountId (the app user)
    const claims = JSON.parse(Buffer.from(String(calls[0].event.contextToken).split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ iss: 'forge/context-token', aud: 'forge', accountId: 'acc-approvalflow-app', context: { moduleKey: 'daily-review' }, extensionType: 'core:scheduledTrigger' });
    expect(calls[0].context).toEqual({ installContext: `ari:cloud:confluence::site/${runtime.info.cloudId}`, license: { isActive: true } });
  });

  it('reports a failing or missing function without stopping the runtime', async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      runtime.app.handlers.testDailyJob = async () => {
        throw new Error('boom');
      };
      expect(((await (await post('/local/scheduled/run')).json()) as Json).ran[0].outcome).toBe('failed');
      delete runtime.app.handlers.testDailyJob;
      expect(((await (await post('/local/scheduled/run')).json()) as Json).ran[0].outcome).toBe('not-exported');
    } finally {
      log.mockRestore();
    }
  });
});

describe('PUT /local/site/license', () => {
  it('hands resolvers license.isActive as Forge passes it, and tells the Custom UI', async () => {
    const original = runtime.app.resolver;
    const seen: Json[] = [];
    runtime.app.resolver = (async (_call: unknown, context: Json) => {
      seen.push(context);
      return { success: true };
    }) as typeof original;
    const put = (active: unknown) => fetch(`${runtime.url}/local/site/license`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ active }) });
    try {
      expect((await put(false)).status).toBe(200);
      const res = await fetch(`${runtime.url}/local/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-local-account-id': 'acc-bob' },
        body: JSON.stringify({ moduleKey: 'approvalflow-macro', functionKey: 'context.me' }),
      });
      expect(res.status).toBe(200);
      expect(seen[0].license).toEqual({ isActive: false });
      expect(((await (await fetch(`${runtime.url}/local/info`)).json()) as Json).licenseActive).toBe(false);
      expect((await put('no')).status).toBe(400);
    } finally {
      expect((await put(true)).status).toBe(200);
      runtime.app.resolver = original;
    }
  });
});

describe('product events', () => {
  it('delivers a local edit to the manifest trigger with the documented payload (no content.version)', async () => {
    const events: Json[] = [];
    runtime.app.handlers.testPageEdited = async (event) => {
      events.push(event as Json);
    };
    const edit = await post('/local/pages/2003/edit', { accountId: 'acc-bob', body: '<p>new</p>' });
    expect(edit.status).toBe(200);
    // the edit answers after the trigger ran
    expect(events).toEqual([
      {
        eventType: 'avi:confluence:updated:page',
        atlassianId: 'acc-bob',
        updateTrigger: 'edit_page',
        suppressNotifications: false,
        content: {
          id: '2003',
          type: 'page',
          status: 'current',
          title: 'Release process',
          space: { id: 1001, key: 'ENG' },
          history: { createdBy: { accountId: 'acc-bob', type: 'known' }, latest: true },
        },
      },
    ]);
  });
});

describe('byline dynamicProperties', () => {
  const byline = async (accountId: string, pageId: string) => {
    const res = await fetch(`${runtime.url}/local/byline/${pageId}`, { headers: { cookie: `af_user=${accountId}` } });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it("shows the function's title and tooltip, called as the viewer with the page in the extension", async () => {
    const seen: Json[] = [];
    runtime.app.handlers.testBylineProps = async (payload, context) => {
      seen.push({ payload, context });
      return { title: 'Approved', tooltip: 'Version 3 is approved.' };
    };
    expect(await byline('acc-bob', '2001')).toEqual({ status: 200, body: { title: 'Approved', tooltip: 'Version 3 is approved.' } });
    expect(seen[0].payload.extension.content).toEqual({ id: '2001', type: 'page' });
    expect(seen[0].context.principal).toEqual({ accountId: 'acc-bob' });
    const html = await (await fetch(`${runtime.url}/wiki/spaces/ENG/pages/2001`, { headers: { cookie: 'af_user=acc-bob' } })).text();
    expect(html).toContain('<span id="af-byline-title">Approved</span>');
    expect(html).toContain('<dialog class="byline-dialog"');
  });

  it('falls back to the static title when the function fails, and hides pages the viewer cannot see', async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      runtime.app.handlers.testBylineProps = async () => ({ nope: true });
      expect((await byline('acc-bob', '2001')).body).toEqual({ title: 'Approval' });
      expect((await byline('acc-erin', '2012')).status).toBe(404);
    } finally {
      log.mockRestore();
    }
  });
});
