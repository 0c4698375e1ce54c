/**
 * The local runtime: one HTTP server (Hono on @hono/node-server) that plays the Forge platform (API gateway, 3LO, Custom UI
 * host, resolver invocation, triggers) and the Confluence site around the real app code.
 * Routes (SPEC §7): /healthz, /local/*, /authorize, /oauth/*, the two gateway base URLs, /wiki/*
 * (HTML pages and Confluence REST) and the site home.
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLocalApp, LOCAL_CLOUD_ID, LOCAL_ENVIRONMENT_ID, type LocalApp } from '../app';
import type { Clock, IdGenerator } from '../../src/core/ports/clock';
import { DEFAULT_PLATFORM_PROFILE, type PlatformProfile } from '../../src/adapters/platform-profile';
import { SqliteStore } from '../../src/adapters/store/sqlite-store';
import { AdjustableClock } from '../clock';
import { DEFAULT_INDEX_LAG_MS, EventualIndexStore, storeForProfile } from '../../src/adapters/store/eventual-index-store';
import { acquireDataDirLock, type DataDirLock } from '../lock';
import { createLocalSite, LocalSiteError, type LocalSite, type SiteFaults } from '../site';
import { currentUser, type LocalContext, type LocalEnv, type LocalInfo, type RuntimeContext } from './context';
import { handleBylineRead } from './byline';
import { handleAppRestApisSwitch, handleClock, handleClockRead, handleLicenseSwitch, handlePageCopy, handlePageEdit, handleScheduledRun, PAGE_EDIT_BODY, SMALL_BODY } from './controls';
import { handlePageLabels } from './labels';
import { FORGE_TIMEOUT_MS, gatewayHandlers } from './gateway';
import { deliverPageEvents } from './triggers';
import { escapeHtml, HttpError, limitBody } from './http';
import { IntegrationRegistry } from './integrations';
import { handleInvoke, INVOKE_BODY_LIMIT, requireLocalUser } from './invoke';
import { loadManifest, type AppManifest } from './manifest';
import { FORM_LIMIT, handleAccessibleResources, handleAuthorizeDecision, handleAuthorizePage, handleDevToken, handleToken } from './oauth';
import { loadScopeCatalog } from './scopes';
import { handleSwitchUser, renderAdminPage, renderHome, renderPage, renderSpacePage, SITE_AVATAR_SVG } from './site-pages';
import { TokenService } from './tokens';
import { mountUi } from './ui';

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
  /** Platform facts the Forge and Confluence twins follow, and the app is built with. Default: documented. */
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
  /** Index queries catch up with every write so far (a no-op unless the profile's index consistency is `eventual`). */
  settleIndexes(): void;
  close(): Promise<void>;
}

const REPO_ROOT = resolve(__dirname, '../..');
const JSON_LIMIT = 1024 * 1024;
// in-flight requests get this long; then connections are cut so SIGTERM stops the process within 2 s
const CLOSE_GRACE_MS = 1000;

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const host = options.host ?? '127.0.0.1';
  const manifest = loadManifest(options.manifestFile);
  const dataDir = resolve(options.dataDir ?? '.approvalflow');
  const profile = options.profile ?? DEFAULT_PLATFORM_PROFILE;
  // before the store opens: a second runtime must not touch the first one's database
  const lock = options.memory ? undefined : lockDataDir(dataDir);
  let clock: AdjustableClock;
  try {
    clock = new AdjustableClock(options.clock, options.memory ? undefined : dataDir);
  } catch (err) {
    lock?.release();
    throw err;
  }

  // Listen first: the site and the app need the real URL (port 0 → chosen by the OS); until the
  // routes exist every request is answered 503.
  let fetch: (request: Request) => Response | Promise<Response> = starting;
  let server: Server;
  try {
    server = await listen((request) => fetch(request), host, options.port ?? 8787);
  } catch (err) {
    lock?.release();
    throw err;
  }
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  lock?.setUrl(url);

  const sqlite = options.memory ? new SqliteStore({ memory: true }) : new SqliteStore({ file: join(dataDir, 'approvalflow.sqlite') });
  // under a profile whose index queries lag, new items show in queries a moment after their write
  const store = storeForProfile(sqlite, profile, { clock, lagMs: DEFAULT_INDEX_LAG_MS });
  try {
    const site = createLocalSite({ baseUrl: `${url}/wiki`, now: () => new Date(clock.now()), profile, faults: options.confluenceFaults });
    const app = createLocalApp({ store, secrets: sqlite, site, clock, ids: options.ids, appId: manifest.appId, profile });
    await app.ready;
    // the seed stands for the site's past: long indexed
    if (store instanceof EventualIndexStore) store.settle();
    const ctx = runtimeContext({ options, url, manifest, site, app, clock, profile, dataDir });
    deliverPageEvents(ctx, site);
    const http = createHttpApp(ctx);
    fetch = (request) => http.fetch(request);
    const { info, tokens, integrations } = ctx;
    let closed = false;
    return {
      url,
      clock,
      profile,
      info,
      site,
      app,
      tokens,
      integrations,
      dataDir: options.memory ? undefined : dataDir,
      settleIndexes() {
        if (store instanceof EventualIndexStore) store.settle();
      },
      async close() {
        if (closed) return;
        closed = true;
        await stopServer(server);
        // no request runs any more: the store can close under no writer
        await app.idle();
        sqlite.close();
        lock?.release();
      },
    };
  } catch (err) {
    server.close();
    sqlite.close();
    lock?.release();
    throw err;
  }
}

function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  return acquireDataDirLock(dataDir);
}

/** The node server on Hono's adaptor; a malformed request line or oversized headers get a bare 400/431, never a crash. */
async function listen(fetch: (request: Request) => Response | Promise<Response>, host: string, port: number): Promise<Server> {
  const server = createAdaptorServer({ fetch: (request: Request) => fetch(request), hostname: host }) as Server;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => resolveListen());
  });
  return server;
}

/** Lets in-flight requests finish (bounded by CLOSE_GRACE_MS), then cuts what is left. */
function stopServer(server: Server): Promise<void> {
  return new Promise<void>((done) => {
    server.close(() => done());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
  });
}

interface ContextParts {
  options: LocalRuntimeOptions;
  url: string;
  manifest: AppManifest;
  site: LocalSite;
  app: LocalApp;
  clock: AdjustableClock;
  profile: PlatformProfile;
  dataDir: string;
}

/** What every route gets: ids and base URLs, the registries (tokens, integrations, scopes) and the limits. */
function runtimeContext({ options, url, manifest, site, app, clock, profile, dataDir }: ContextParts): RuntimeContext {
  const scopeCatalog = loadScopeCatalog();
  const appSegment = `${manifest.appId}_${LOCAL_ENVIRONMENT_ID}`;
  const users = new Set(site.users.map((u) => u.accountId));
  const scopes = new Set(scopeCatalog.keys());
  return {
    info: {
      cloudId: LOCAL_CLOUD_ID,
      appId: manifest.appId,
      environmentId: LOCAL_ENVIRONMENT_ID,
      siteUrl: url,
      apiBaseUrls: [`${url}/svc/confluence/${LOCAL_CLOUD_ID}/apps/${appSegment}`, `${url}/gateway/api/svc/confluence/apps/${appSegment}`],
      uiModules: manifest.uiModules,
    },
    manifest,
    app,
    site,
    tokens: new TokenService(() => clock.now()),
    integrations: options.memory ? new IntegrationRegistry(undefined, scopes) : IntegrationRegistry.forDataDir(dataDir, scopes),
    scopeCatalog,
    staticDir: resolve(options.staticDir ?? join(REPO_ROOT, 'static/dist')),
    isUser: (accountId): accountId is string => typeof accountId === 'string' && users.has(accountId),
    profile,
    clock,
    invocationTimeoutMs: options.invocationTimeoutMs ?? FORGE_TIMEOUT_MS,
  };
}

function starting(request: Request): Response {
  const healthz = new URL(request.url).pathname === '/healthz';
  return Response.json(healthz ? { status: 'starting' } : { success: false, code: 'STARTING', error: 'The local runtime is starting.' }, { status: 503 });
}

/** The runtime's HTTP surface on Hono: every route in this one table. Nothing a client sends may crash the process. */
function createHttpApp(ctx: RuntimeContext): Hono<LocalEnv> {
  const app = new Hono<LocalEnv>();
  app.use('*', async (c, next) => {
    c.set('ctx', ctx);
    await next();
    // the runtime's own answers are never cached (the gateway's and the site's REST keep theirs)
    if (!c.res.headers.has('cache-control') && !/^\/(svc|gateway|wiki\/(api|rest))\//.test(c.req.path)) c.res.headers.set('cache-control', 'no-store');
  });

  app.all('/svc/*', ...gatewayHandlers);
  app.all('/gateway/*', ...gatewayHandlers);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/local/info', (c) => c.json({ ...ctx.info, licenseActive: ctx.site.licenseActive }));
  mountUi(app, ctx.staticDir);
  app.post('/local/invoke', requireLocalUser, limitBody(INVOKE_BODY_LIMIT), handleInvoke);
  app.post('/local/oauth/dev-token', limitBody(FORM_LIMIT), handleDevToken);
  app.put('/local/site/app-rest-apis', limitBody(SMALL_BODY), handleAppRestApisSwitch);
  app.put('/local/site/license', limitBody(SMALL_BODY), handleLicenseSwitch);
  app.post('/local/clock', limitBody(SMALL_BODY), handleClock);
  app.get('/local/clock', handleClockRead);
  app.post('/local/scheduled/run', handleScheduledRun);
  app.post('/local/switch-user', limitBody(SMALL_BODY), handleSwitchUser);
  app.post('/local/pages/:id/edit', limitBody(PAGE_EDIT_BODY), handlePageEdit);
  app.post('/local/pages/:id/copy', limitBody(SMALL_BODY), handlePageCopy);
  app.post('/local/pages/:id/labels', limitBody(SMALL_BODY), handlePageLabels);
  app.get('/local/byline/:id{[0-9]+}', handleBylineRead);
  app.get('/local/site-avatar.svg', (c) => c.body(SITE_AVATAR_SVG, 200, { 'content-type': 'image/svg+xml' }));

  app.get('/authorize', handleAuthorizePage);
  app.post('/authorize', limitBody(FORM_LIMIT), handleAuthorizeDecision);
  app.post('/oauth/token', limitBody(FORM_LIMIT), handleToken);
  app.get('/oauth/token/accessible-resources', handleAccessibleResources);

  app.get('/', renderHome);
  app.get('/wiki/spaces/:key/pages/:id{[0-9]+}', renderPage);
  app.get('/wiki/spaces/:key/pages/:id{[0-9]+}/:slug', renderPage);
  app.get('/wiki/spaces/:key/apps/approvals', renderSpacePage);
  app.get('/wiki/admin/approvalflow', renderAdminPage);
  // everything else under /wiki is the local site's Confluence REST
  app.all('/wiki/*', limitBody(JSON_LIMIT), proxyWiki);

  app.notFound((c) => c.json({ success: false, code: 'NOT_FOUND', error: `Nothing at ${c.req.method} ${c.req.path}.` }, 404));
  app.onError((err, c) => {
    if (err instanceof HttpError) {
      if ((c.req.header('accept') ?? '').includes('text/html')) {
        return c.html(`<!doctype html><title>Error</title><h1>${escapeHtml(err.message)}</h1><p><a href="/">Back to the site</a></p>`, err.status);
      }
      return c.json({ success: false, code: err.code, error: err.message }, err.status);
    }
    if (err instanceof LocalSiteError) return c.json({ success: false, code: err.code, error: err.message }, err.status);
    console.error(`local runtime: ${c.req.method} ${c.req.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return c.json({ success: false, code: 'INTERNAL', error: 'The local runtime failed to handle the request.' }, 500);
  });
  return app;
}

/** /wiki/... REST of the local site, as the user from X-Local-Account-Id (bridge) or the af_user cookie. */
async function proxyWiki(c: LocalContext): Promise<Response> {
  const raw = await c.req.text();
  let body: unknown;
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      return c.json({ statusCode: 400, message: 'Invalid JSON in the request body.' }, 400);
    }
  }
  const header = c.req.header('x-local-account-id');
  // The browser always acts as a user, never as the app: an unknown header value is passed through
  // so the site answers 401, instead of falling back to the app's all-seeing identity.
  const acting = header ?? currentUser(c);
  const url = new URL(c.req.url);
  const answer = c.var.ctx.site.handleHttp(c.req.method, url.pathname + url.search, body, acting);
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
  const headers: Record<string, string> = { ...answer.headers };
  if (text) headers['content-type'] ??= 'application/json; charset=utf-8';
  return new Response(answer.status === 204 || answer.status === 304 ? null : text, { status: answer.status, headers });
}
