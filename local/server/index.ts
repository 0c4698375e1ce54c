/**
 * The local runtime: one node:http server that plays the Forge platform (API gateway, 3LO, Custom UI
 * host, resolver invocation, triggers) and the Confluence site around the real app code.
 * Routes (SPEC §7): /healthz, /local/*, /authorize, /oauth/*, the two gateway base URLs, /wiki/*
 * (HTML pages and Confluence REST) and the site home.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
import { FORGE_TIMEOUT_MS, handleGateway, isGatewayPath } from './gateway';
import { deliverPageEvents } from './triggers';
import { escapeHtml, HttpError, readBody, redirect, sendError, sendHtml, sendJson } from './http';
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
  const server = createServer((req, res) => {
    void dispatch(ctx, req, res);
  });
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

/** Every request goes through here: nothing a client sends may crash the process. */
async function dispatch(ctx: RuntimeContext | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (!ctx) {
      if ((req.url ?? '').startsWith('/healthz')) return sendJson(res, 503, { status: 'starting' });
      return sendError(res, 503, 'STARTING', 'The local runtime is starting.');
    }
    await route(ctx, req, res);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof HttpError) {
      if ((req.headers.accept ?? '').includes('text/html')) {
        return sendHtml(res, err.status, `<!doctype html><title>Error</title><h1>${escapeHtml(err.message)}</h1><p><a href="/">Back to the site</a></p>`);
      }
      return sendError(res, err.status, err.code, err.message);
    }
    if (err instanceof LocalSiteError) return sendError(res, err.status, err.code, err.message);
    console.error(`local runtime: ${req.method} ${(req.url ?? '').split('?')[0]} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    sendError(res, 500, 'INTERNAL', 'The local runtime failed to handle the request.');
  }
}

const PAGE_PATH = /^\/wiki\/spaces\/([^/]+)\/pages\/(\d+)(?:\/[^/]*)?$/;
const SPACE_APP_PATH = /^\/wiki\/spaces\/([^/]+)\/apps\/approvals\/?$/;
const EDIT_PATH = /^\/local\/pages\/([^/]+)\/edit$/;
const BYLINE_PATH = /^\/local\/byline\/(\d+)$/;

async function route(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  let url: URL;
  try {
    // concatenated, not resolved: a request path like //x must stay a path, not become a host
    url = new URL(`http://local${req.url ?? '/'}`);
  } catch {
    throw new HttpError(400, 'INVALID_PATH', 'The request URL is not valid.');
  }
  const path = url.pathname;
  const is = (m: string, p: string) => method === m && path === p;

  if (isGatewayPath(path)) return handleGateway(ctx, req, res, url);
  if (path.startsWith('/wiki/') && !PAGE_PATH.test(path) && !SPACE_APP_PATH.test(path) && path !== '/wiki/admin/approvalflow') {
    return proxyWiki(ctx, req, res, method, path + url.search);
  }

  if (is('GET', '/healthz')) return sendJson(res, 200, { status: 'ok' });
  if (is('GET', '/local/info')) return sendJson(res, 200, ctx.info);
  if (is('GET', BRIDGE_SHIM_PATH)) return serveShim(res);
  if (method === 'GET' && (path === '/local/ui' || path.startsWith('/local/ui/'))) {
    if (path === '/local/ui') return redirect(res, 302, `/local/ui/${url.search}`);
    return serveUi(res, ctx.staticDir, path);
  }
  if (is('POST', '/local/invoke')) return handleInvoke(ctx, req, res);
  if (is('POST', '/local/oauth/dev-token')) return handleDevToken(ctx, req, res);
  if (is('PUT', '/local/site/app-rest-apis')) return handleAppRestApisSwitch(ctx, req, res);
  if (is('PUT', '/local/site/license')) return handleLicenseSwitch(ctx, req, res);
  if (is('POST', '/local/clock')) return handleClock(ctx, req, res);
  if (is('GET', '/local/clock')) return handleClockRead(ctx, res);
  if (is('POST', '/local/scheduled/run')) return handleScheduledRun(ctx, res);
  if (is('POST', '/local/switch-user')) return handleSwitchUser(ctx, req, res);
  const edit = EDIT_PATH.exec(path);
  if (edit && method === 'POST') return handlePageEdit(ctx, req, res, edit[1]);
  const bylinePage = BYLINE_PATH.exec(path);
  if (bylinePage && method === 'GET') return handleBylineRead(ctx, req, res, bylinePage[1]);

  if (is('GET', '/authorize')) return handleAuthorizePage(ctx, req, res, url);
  if (is('POST', '/authorize')) return handleAuthorizeDecision(ctx, req, res);
  if (is('POST', '/oauth/token')) return handleToken(ctx, req, res);
  if (is('GET', '/oauth/token/accessible-resources')) return handleAccessibleResources(ctx, req, res);

  if (is('GET', '/')) return renderHome(ctx, req, res);
  if (is('GET', '/local/site-avatar.svg')) {
    res.writeHead(200, { 'content-type': 'image/svg+xml', 'content-length': Buffer.byteLength(SITE_AVATAR_SVG) });
    return void res.end(SITE_AVATAR_SVG);
  }
  if (method === 'GET') {
    const page = PAGE_PATH.exec(path);
    if (page) {
      const user = currentUser(ctx, req);
      const view = ctx.site.canView(user, page[2]) ? await bylineFor(ctx, user, page[2]) : { title: '' };
      return renderPage(ctx, req, res, decodeSegment(page[1]), page[2], path, view);
    }
    const space = SPACE_APP_PATH.exec(path);
    if (space) return renderSpacePage(ctx, req, res, decodeSegment(space[1]), path);
    if (path === '/wiki/admin/approvalflow') return renderAdminPage(ctx, req, res, path);
  }
  sendError(res, 404, 'NOT_FOUND', `Nothing at ${method} ${path}.`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'INVALID_PATH', 'The request URL is not valid.');
  }
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
