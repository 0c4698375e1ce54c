/**
 * The local runtime: one HTTP server (Hono on @hono/node-server) that plays the Forge platform (API gateway, 3LO, Custom UI
 * host, resolver invocation, triggers) and the Confluence site around the real app code.
 * Routes (SPEC §7): /healthz, /local/*, /authorize, /oauth/*, the two gateway base URLs, /wiki/*
 * (HTML pages and Confluence REST) and the site home.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type Context } from 'hono';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLocalApp, LOCAL_CLOUD_ID, LOCAL_ENVIRONMENT_ID, type LocalApp } from '../app';
import type { Clock, IdGenerator } from '../../src/core/ports/clock';
import { DEFAULT_PLATFORM_PROFILE, type PlatformProfile } from '../../src/adapters/platform-profile';
import { SqliteStore } from '../../src/adapters/store/sqlite-store';
import { AdjustableClock } from '../clock';
import { acquireDataDirLock, type DataDirLock } from '../lock';
import { createLocalSite, LocalSiteError, type LocalSite, type SiteFaults } from '../site';
import type { LocalInfo, RuntimeContext } from './context';
import { bylineFor, handleBylineRead } from './byline';
import { handleAppRestApisSwitch, handleClock, handleClockRead, handleLicenseSwitch, handlePageEdit, handleScheduledRun } from './controls';
import { FORGE_TIMEOUT_MS, handleGateway } from './gateway';
import { deliverPageEvents } from './triggers';
import { escapeHtml, HttpError, readBody, sendJson } from './http';
import { IntegrationRegistry } from './integrations';
import { handleInvoke } from './invoke';
import { loadManifest } from './manifest';
import { handleAccessibleResources, handleAuthorizeDecision, handleAuthorizePage, handleDevToken, handleToken } from './oauth';
import { loadScopeCatalog } from './scopes';
import { currentUser, handleSwitchUser, renderAdminPage, renderHome, renderPage, renderSpacePage, SITE_AVATAR_SVG } from './site-pages';
import { TokenService } from './tokens';
import { BRIDGE_SHIM_PATH, serveShim, serveUi } from './ui';

export interface LocalRuntimeOptions {
  /** 0 = any free port. Default 8787. */
  port?: number;
  host?: string;
  /** In-memory store and integrations (nothing written to disk). */
  memory?: boolean;
  /** Where the SQLite file and integrations.json live. Default `.approvalflow` (cwd-relative). */
  dataDir?: string;
  /** Custom UI build. Default static/dist of the repository. */
  staticDir?: string;
  /** Base clock (default: system time); the runtime's clock is this plus what /local/clock advanced. */
  clock?: Clock;
  ids?: IdGenerator;
  /** Platform facts the Forge and Confluence twins follow, and the app is built with. Default: pessimistic. */
  profile?: PlatformProfile;
  /** Fault injection on the app's Confluence calls (429 every Nth call, latency). */
  confluenceFaults?: SiteFaults;
  /** Forge's invocation time limit; default 25 s (tests shorten it). */
  invocationTimeoutMs?: number;
  /** The app's manifest; default manifest.yml of the repository (tests add modules in a copy). */
  manifestFile?: string;
}

export interface LocalRuntime {
  url: string;
  /** Absolute data directory (undefined in memory). */
  dataDir?: string;
  clock: AdjustableClock;
  profile: PlatformProfile;
  info: LocalInfo;
  site: LocalSite;
  app: LocalApp;
  tokens: TokenService;
  integrations: IntegrationRegistry;
  close(): Promise<void>;
}

const REPO_ROOT = resolve(__dirname, '../..');
const JSON_LIMIT = 1024 * 1024;
// in-flight requests get this long; then connections are cut so SIGTERM stops the process within 2 s
const CLOSE_GRACE_MS = 1000;

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const host = options.host ?? '127.0.0.1';
  const manifest = loadManifest(options.manifestFile);
  const scopeCatalog = loadScopeCatalog();
  const dataDir = resolve(options.dataDir ?? '.approvalflow');
  const profile = options.profile ?? DEFAULT_PLATFORM_PROFILE;
  const clock = new AdjustableClock(options.clock);
  let lock: DataDirLock | undefined;
  if (!options.memory) {
    mkdirSync(dataDir, { recursive: true });
    // before the store opens: a second runtime must not touch the first one's database
    lock = acquireDataDirLock(dataDir);
  }

  // Listen first: the site and the app need the real URL (port 0 → chosen by the OS).
  let ctx: RuntimeContext | undefined;
  const server = createAdaptorServer({ fetch: createHttpApp(() => ctx).fetch, hostname: host }) as Server;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(options.port ?? 8787, host, () => resolveListen());
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  lock?.setUrl(url);

  const store = options.memory ? new SqliteStore({ memory: true }) : new SqliteStore({ file: join(dataDir, 'approvalflow.sqlite') });
  try {
    const site = createLocalSite({ baseUrl: `${url}/wiki`, now: () => new Date(clock.now()), profile, faults: options.confluenceFaults });
    const app = createLocalApp({ store, site, clock, ids: options.ids, appId: manifest.appId, profile });
    await app.ready;
    const appSegment = `${manifest.appId}_${LOCAL_ENVIRONMENT_ID}`;
    const info: LocalInfo = {
      cloudId: LOCAL_CLOUD_ID,
      appId: manifest.appId,
      environmentId: LOCAL_ENVIRONMENT_ID,
      siteUrl: url,
      apiBaseUrls: [`${url}/svc/confluence/${LOCAL_CLOUD_ID}/apps/${appSegment}`, `${url}/gateway/api/svc/confluence/apps/${appSegment}`],
      uiModules: manifest.uiModules,
    };
    const users = new Set(site.users.map((u) => u.accountId));
    const tokens = new TokenService(() => clock.now());
    const integrations = options.memory
      ? new IntegrationRegistry(undefined, new Set(scopeCatalog.keys()))
      : IntegrationRegistry.forDataDir(dataDir, new Set(scopeCatalog.keys()));
    ctx = {
      info,
      manifest,
      app,
      site,
      tokens,
      integrations,
      scopeCatalog,
      staticDir: resolve(options.staticDir ?? join(REPO_ROOT, 'static/dist')),
      isUser: (accountId): accountId is string => typeof accountId === 'string' && users.has(accountId),
      profile,
      clock,
      invocationTimeoutMs: options.invocationTimeoutMs ?? FORGE_TIMEOUT_MS,
    };
    deliverPageEvents(ctx, site);

    let closed = false;
    return {
      url,
      dataDir: options.memory ? undefined : dataDir,
      clock,
      profile,
      info,
      site,
      app,
      tokens,
      integrations,
      async close() {
        if (closed) return;
        closed = true;
        // let in-flight requests finish (bounded), then the store can close under no writer
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        });
        await app.idle();
        store.close();
        lock?.release();
      },
    };
  } catch (err) {
    server.close();
    store.close();
    lock?.release();
    throw err;
  }
}

/**
 * The runtime's HTTP surface on Hono: every route in one table below. Route modules keep the raw
 * node request/response they stream from and to (`raw`); Hono routes, parses and answers errors.
 * Nothing a client sends may crash the process.
 */
function createHttpApp(getCtx: () => RuntimeContext | undefined): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  let ctx!: RuntimeContext;
  type RawHandler = (req: IncomingMessage, res: ServerResponse, c: Context<{ Bindings: HttpBindings }>) => unknown;
  const raw = (handler: RawHandler) => async (c: Context<{ Bindings: HttpBindings }>) => {
    await handler(c.env.incoming, c.env.outgoing, c);
    return RESPONSE_ALREADY_SENT;
  };

  app.use('*', async (c, next) => {
    const current = getCtx();
    if (!current) {
      if (c.req.path === '/healthz') return c.json({ status: 'starting' }, 503);
      return c.json({ success: false, code: 'STARTING', error: 'The local runtime is starting.' }, 503);
    }
    ctx = current;
    await next();
  });

  const gateway = raw((req, res, c) => handleGateway(ctx, req, res, new URL(c.req.url)));
  app.all('/svc/*', gateway);
  app.all('/gateway/*', gateway);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/local/info', (c) => c.json({ ...ctx.info, licenseActive: ctx.site.licenseActive }));
  app.get(BRIDGE_SHIM_PATH, raw((_req, res) => serveShim(res)));
  app.get('/local/ui', (c) => c.redirect(`/local/ui/${new URL(c.req.url).search}`, 302));
  app.get('/local/ui/*', raw((_req, res, c) => serveUi(res, ctx.staticDir, c.req.path)));
  app.post('/local/invoke', raw((req, res) => handleInvoke(ctx, req, res)));
  app.post('/local/oauth/dev-token', raw((req, res) => handleDevToken(ctx, req, res)));
  app.put('/local/site/app-rest-apis', raw((req, res) => handleAppRestApisSwitch(ctx, req, res)));
  app.put('/local/site/license', raw((req, res) => handleLicenseSwitch(ctx, req, res)));
  app.post('/local/clock', raw((req, res) => handleClock(ctx, req, res)));
  app.get('/local/clock', raw((_req, res) => handleClockRead(ctx, res)));
  app.post('/local/scheduled/run', raw((_req, res) => handleScheduledRun(ctx, res)));
  app.post('/local/switch-user', raw((req, res) => handleSwitchUser(ctx, req, res)));
  app.post('/local/pages/:id/edit', raw((req, res, c) => handlePageEdit(ctx, req, res, c.req.param('id') ?? '')));
  app.get('/local/byline/:id{[0-9]+}', raw((req, res, c) => handleBylineRead(ctx, req, res, c.req.param('id') ?? '')));
  app.get('/local/site-avatar.svg', (c) => c.body(SITE_AVATAR_SVG, 200, { 'content-type': 'image/svg+xml' }));

  app.get('/authorize', raw((req, res, c) => handleAuthorizePage(ctx, req, res, new URL(c.req.url))));
  app.post('/authorize', raw((req, res) => handleAuthorizeDecision(ctx, req, res)));
  app.post('/oauth/token', raw((req, res) => handleToken(ctx, req, res)));
  app.get('/oauth/token/accessible-resources', raw((req, res) => handleAccessibleResources(ctx, req, res)));

  app.get('/', raw((req, res) => renderHome(ctx, req, res)));
  const pageView = raw(async (req, res, c) => {
    const pageId = c.req.param('id') ?? '';
    const user = currentUser(ctx, req);
    const view = ctx.site.canView(user, pageId) ? await bylineFor(ctx, user, pageId) : { title: '' };
    renderPage(ctx, req, res, c.req.param('key') ?? '', pageId, c.req.path, view);
  });
  app.get('/wiki/spaces/:key/pages/:id{[0-9]+}', pageView);
  app.get('/wiki/spaces/:key/pages/:id{[0-9]+}/:slug', pageView);
  app.get('/wiki/spaces/:key/apps/approvals', raw((req, res, c) => renderSpacePage(ctx, req, res, c.req.param('key') ?? '', c.req.path)));
  app.get('/wiki/admin/approvalflow', raw((req, res, c) => renderAdminPage(ctx, req, res, c.req.path)));
  // everything else under /wiki is the local site's Confluence REST
  app.all('/wiki/*', raw((req, res, c) => proxyWiki(ctx, req, res, c.req.method, c.req.path + new URL(c.req.url).search)));

  app.notFound((c) => c.json({ success: false, code: 'NOT_FOUND', error: `Nothing at ${c.req.method} ${c.req.path}.` }, 404));
  app.onError((err, c) => {
    if (c.env.outgoing.headersSent) {
      c.env.outgoing.destroy();
      return RESPONSE_ALREADY_SENT;
    }
    if (err instanceof HttpError) {
      if ((c.req.header('accept') ?? '').includes('text/html')) {
        return c.html(`<!doctype html><title>Error</title><h1>${escapeHtml(err.message)}</h1><p><a href="/">Back to the site</a></p>`, err.status as 400);
      }
      return c.json({ success: false, code: err.code, error: err.message }, err.status as 400);
    }
    if (err instanceof LocalSiteError) return c.json({ success: false, code: err.code, error: err.message }, err.status);
    console.error(`local runtime: ${c.req.method} ${c.req.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return c.json({ success: false, code: 'INTERNAL', error: 'The local runtime failed to handle the request.' }, 500);
  });
  return app;
}

/** /wiki/... REST of the local site, as the user from X-Local-Account-Id (bridge) or the af_user cookie. */
async function proxyWiki(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse, method: string, pathWithQuery: string): Promise<void> {
  const raw = await readBody(req, JSON_LIMIT);
  let body: unknown;
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, { statusCode: 400, message: 'Invalid JSON in the request body.' });
    }
  }
  const header = req.headers['x-local-account-id'];
  // The browser always acts as a user, never as the app: an unknown header value is passed through
  // so the site answers 401, instead of falling back to the app's all-seeing identity.
  const acting = typeof header === 'string' ? header : currentUser(ctx, req);
  const answer = ctx.site.handleHttp(method, pathWithQuery, body, acting);
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
  const headers: Record<string, string> = { ...(answer.headers ?? {}) };
  if (text) headers['content-type'] ??= 'application/json; charset=utf-8';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(answer.status, headers);
  res.end(text);
}
