/**
 * Serves the Custom UI build (static/dist) under /local/ui/ unchanged (serveStatic), except that
 * HTML gets the bridge shim as its first script, as Forge injects its own bridge into the resource
 * iframe.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { LocalContext, LocalEnv } from './context';
import { sendError } from './http';

export const BRIDGE_SHIM_PATH = '/local/bridge-shim.js';
export const BRIDGE_SHIM_FILE = resolve(__dirname, 'bridge-shim.js');
const SHIM_TAG = `<script src="${BRIDGE_SHIM_PATH}"></script>`;
const UI_PREFIX = '/local/ui/';

/** Puts the shim first in <head> (before any other script), or first in the document without a head. */
export function injectBridgeShim(html: string): string {
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) return SHIM_TAG + html;
  const at = head.index + head[0].length;
  return html.slice(0, at) + SHIM_TAG + html.slice(at);
}

/** The build's HTML (the directory index included), read whole to put the shim in; a path outside the build is not found. */
async function serveHtml(c: LocalContext, staticDir: string, relative: string): Promise<Response> {
  const root = resolve(staticDir);
  const file = resolve(join(root, relative));
  if (relative.includes('\0') || (file !== root && !file.startsWith(root + sep))) return sendError(c, 404, 'NOT_FOUND', 'No such file.');
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch {
    const hint = relative === 'index.html' ? ' Build the UI first: npm run build:ui.' : '';
    return sendError(c, 404, 'NOT_FOUND', `No such file in the Custom UI build.${hint}`);
  }
  return c.body(injectBridgeShim(content), 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
}

/** GET /local/bridge-shim.js, /local/ui (→ /local/ui/) and everything below /local/ui/. */
export function mountUi(app: Hono<LocalEnv>, staticDir: string): void {
  app.get(BRIDGE_SHIM_PATH, async (c) => c.body(await readFile(BRIDGE_SHIM_FILE), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/local/ui', (c) => c.redirect(`${UI_PREFIX}${new URL(c.req.url).search}`, 302));
  app.get(`${UI_PREFIX}*`, async (c, next) => {
    let relative: string;
    try {
      relative = decodeURIComponent(new URL(c.req.url).pathname.slice(UI_PREFIX.length));
    } catch {
      return sendError(c, 400, 'INVALID_PATH', 'The path is not valid.');
    }
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    if (extname(relative).toLowerCase() === '.html') return serveHtml(c, staticDir, relative);
    await next();
  });
  // serveStatic warns at start when its root is missing; without a build only the hint above helps
  if (existsSync(staticDir)) {
    app.get(
      `${UI_PREFIX}*`,
      serveStatic<LocalEnv>({
        root: staticDir,
        rewriteRequestPath: (path) => path.slice(UI_PREFIX.length - 1),
        onFound: (_path, c) => {
          c.header('cache-control', 'no-cache');
          c.header('x-content-type-options', 'nosniff');
        },
      }),
    );
  }
  app.get(`${UI_PREFIX}*`, (c) => sendError(c, 404, 'NOT_FOUND', 'No such file in the Custom UI build.'));
}
