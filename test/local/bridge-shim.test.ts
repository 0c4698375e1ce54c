/**
 * The unchanged @forge/bridge 7.2.0 works against the local bridge shim: the shim is evaluated as a
 * browser would (window.__bridge before the bundle), then the real bridge's invoke, view.getContext
 * and requestConfluence reach the local runtime and come back with what Forge would hand back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalRuntime } from '../../local/server';
import { startTestRuntime } from './helpers';

let runtime: LocalRuntime;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let bridge: any;
const g = globalThis as unknown as Record<string, unknown>;
const OriginalRequest = Request;

beforeAll(async () => {
  runtime = await startTestRuntime();
  const query = new URLSearchParams({ moduleKey: 'approvalflow-macro', pageId: '2001', spaceId: '1001', spaceKey: 'ENG', localId: 'macro-2001' });
  g.window = globalThis;
  g.location = { href: `${runtime.url}/local/ui/?${query.toString()}`, search: `?${query.toString()}`, reload: () => undefined };
  g.document = { cookie: 'theme=dark; af_user=acc-carol' };
  // @forge/bridge builds `new Request('')`, which a browser resolves against the page URL; Node needs a base.
  g.Request = class extends OriginalRequest {
    constructor(input: ConstructorParameters<typeof OriginalRequest>[0], init?: RequestInit) {
      super(input === '' ? runtime.url : input, init);
    }
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the shim as the page does: a classic script, as written
  new Function(readFileSync(join(__dirname, '../../local/server/bridge-shim.js'), 'utf8'))();
  // required only now: @forge/bridge looks the bridge up at import time
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  bridge = require('@forge/bridge');
});

afterAll(async () => {
  await runtime.close();
  for (const name of ['window', 'location', 'document', '__bridge']) delete g[name];
  g.Request = OriginalRequest;
});

it('gives view.getContext() the macro context with the acting user from the cookie', async () => {
  const context = await bridge.view.getContext();
  expect(context).toMatchObject({
    accountId: 'acc-carol',
    cloudId: runtime.info.cloudId,
    siteUrl: runtime.url,
    environmentId: runtime.info.environmentId,
    environmentType: 'DEVELOPMENT',
    moduleKey: 'approvalflow-macro',
    localId: 'macro-2001',
    extension: { type: 'macro', content: { id: '2001', type: 'page' }, space: { id: '1001', key: 'ENG' } },
  });
});

it('runs invoke() through the real resolver as the acting user', async () => {
  const me = await bridge.invoke('context.me', {});
  expect(me).toMatchObject({ success: true });
  expect(JSON.stringify(me)).toContain('acc-carol');
  const status = await bridge.invoke('page.status', {});
  // page id defaulted from the macro's extension context
  expect(status).toMatchObject({ success: true });
  expect(JSON.stringify(status)).toContain('2001');
});

it('rejects invoke() for an unknown function, as Forge does', async () => {
  await expect(bridge.invoke('no.such.function', {})).rejects.toThrow();
});

it('proxies requestConfluence() to the local site as the acting user', async () => {
  const res = await bridge.requestConfluence('/wiki/api/v2/pages/2001');
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ id: '2001', title: 'Architecture overview' });
  // carol is not allowed to see the restricted page
  const restricted = await bridge.requestConfluence('/wiki/api/v2/pages/2012');
  expect(restricted.ok).toBe(false);
});

it('accepts the host-only calls without failing', async () => {
  await expect(bridge.view.theme.enable()).resolves.toBeUndefined();
  const history = await bridge.view.createHistory();
  history.push('/queue');
  expect(history.location.pathname).toBe('/queue');
});
