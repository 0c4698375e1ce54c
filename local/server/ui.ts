/**
 * Serves the Custom UI build (static/dist) under /local/ui/ unchanged, except that index.html gets
 * the bridge shim as its first script, as Forge injects its own bridge into the resource iframe.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendError } from './http';

export const BRIDGE_SHIM_PATH = '/local/bridge-shim.js';
export const BRIDGE_SHIM_FILE = resolve(__dirname, 'bridge-shim.js');
const SHIM_TAG = `<script src="${BRIDGE_SHIM_PATH}"></script>`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Puts the shim first in <head> (before any other script), or first in the document without a head. */
export function injectBridgeShim(html: string): string {
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) return SHIM_TAG + html;
  const at = head.index + head[0].length;
  return html.slice(0, at) + SHIM_TAG + html.slice(at);
}

export async function serveUi(res: ServerResponse, staticDir: string, pathname: string): Promise<void> {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice('/local/ui/'.length));
  } catch {
    return sendError(res, 400, 'INVALID_PATH', 'The path is not valid.');
  }
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  const root = resolve(staticDir);
  const file = resolve(join(root, relative));
  if (relative.includes('\0') || (file !== root && !file.startsWith(root + sep))) {
    return sendError(res, 404, 'NOT_FOUND', 'No such file.');
  }
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    const hint = relative === 'index.html' ? ' Build the UI first: npm run build:ui.' : '';
    return sendError(res, 404, 'NOT_FOUND', `No such file in the Custom UI build.${hint}`);
  }
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const body = extname(file).toLowerCase() === '.html' ? Buffer.from(injectBridgeShim(content.toString('utf8'))) : content;
  res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

export async function serveShim(res: ServerResponse): Promise<void> {
  const body = await readFile(BRIDGE_SHIM_FILE);
  res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-cache' });
  res.end(body);
}
