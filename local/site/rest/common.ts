/**
 * What every resource module of the local site's Confluence REST surface shares: the request
 * context, Confluence's two error shapes (v2 `{errors:[…]}`, v1 `{statusCode, data, message}`), and
 * the two paging styles (v2 cursor with `_links.next` + `Link`, v1 start/limit with `_links.next`).
 */
import type { LocalPage, LocalSpace } from '../model';
import type { SiteState } from '../state';

export interface LocalHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A refusal in Confluence's terms; rest/index.ts renders it in the shape of the route's API version. */
export class ConfluenceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string | null,
    /** v2's `title` when Confluence puts the reason there instead of the status text */
    readonly title?: string,
  ) {
    super(detail ?? code);
    this.name = 'ConfluenceError';
  }
}

export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export const badParam = (detail: string) => new ConfluenceError(400, 'INVALID_REQUEST_PARAMETER', detail);
export const notFound = () => new ConfluenceError(404, 'NOT_FOUND', null);
export const forbidden = (detail: string) => new ConfluenceError(403, 'PERMISSION_DENIED', detail);

export interface Ctx {
  site: SiteState;
  /** the request path without query, as sent */
  path: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
  /** account id of the caller: a user, or the app's bot user for asApp() calls */
  actor: string;
}

export type Handler = (ctx: Ctx) => LocalHttpResponse;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): LocalHttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

/** Repeated (`id=1&id=2`) and comma-separated (`id=1,2`) forms, as Confluence accepts both. */
export function multi(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function numericIds(values: string[], name: string): string[] {
  for (const v of values) if (!/^\d{1,19}$/.test(v)) throw badParam(`'${name}' must be a number, got '${v}'.`);
  return values;
}

export function numericId(value: string, name: string): string {
  return numericIds([value], name)[0];
}

function limitOf(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badParam(`'${name}' must be a positive integer.`);
  return Math.min(Number(raw), max);
}

export function bodyFormat(query: URLSearchParams): 'storage' | undefined {
  const format = query.get('body-format');
  if (format === null) return undefined;
  if (format !== 'storage') throw badParam(`'body-format' '${format}' is not supported here; use 'storage'.`);
  return format;
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string | null): number {
  if (cursor === null) return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const o = (parsed as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through to the 400 below
  }
  throw badParam("'cursor' is invalid.");
}

/** v2 cursor paging: `{results, _links:{next?, base}}` plus a `Link` header for the next page. */
export function pageV2<T>(ctx: Ctx, items: T[], fallbackLimit: number, maxLimit: number): LocalHttpResponse {
  const limit = limitOf(ctx.query, 'limit', fallbackLimit, maxLimit);
  const offset = decodeCursor(ctx.query.get('cursor'));
  const results = items.slice(offset, offset + limit);
  const links: Record<string, string> = { base: ctx.site.baseUrl };
  const headers: Record<string, string> = {};
  if (offset + limit < items.length) {
    const nextQuery = new URLSearchParams(ctx.query);
    nextQuery.set('cursor', encodeCursor(offset + limit));
    links.next = `${ctx.path}?${nextQuery.toString()}`;
    headers.link = `<${links.next}>; rel="next"`;
  }
  return json(200, { results, _links: links }, headers);
}

/** v1 start/limit paging: `{results, start, limit, size, _links:{base, context, self, next?}}`; links are relative to /wiki. */
export function pageV1<T>(ctx: Ctx, items: T[]): LocalHttpResponse {
  const limit = limitOf(ctx.query, 'limit', 200, 200);
  const startRaw = ctx.query.get('start') ?? '0';
  if (!/^\d+$/.test(startRaw)) throw badParam("'start' must be a non-negative integer.");
  const start = Number(startRaw);
  const results = items.slice(start, start + limit);
  const v1Path = ctx.path.replace(/^\/wiki/, '');
  const self = new URLSearchParams(ctx.query);
  const links: Record<string, string> = { base: ctx.site.baseUrl, context: '/wiki', self: `${ctx.site.baseUrl}${v1Path}?${self.toString()}` };
  if (start + limit < items.length) {
    const next = new URLSearchParams(ctx.query);
    next.set('start', String(start + limit));
    next.set('limit', String(limit));
    links.next = `${v1Path}?${next.toString()}`;
  }
  return json(200, { results, start, limit, size: results.length, _links: links });
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badParam('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

export function canSeePage(ctx: Ctx, page: LocalPage): boolean {
  return ctx.site.canViewAs(ctx.site.subjectOfUser(ctx.actor), page.id);
}

export function canSeeSpace(ctx: Ctx, space: LocalSpace): boolean {
  return ctx.site.canViewSpaceAs(ctx.site.subjectOfUser(ctx.actor), space.id);
}

/** A page the caller can view (a draft only to its author), else 404 as Confluence answers for both. */
export function visiblePage(ctx: Ctx, idParam: string): LocalPage {
  const page = ctx.site.getPage(numericId(idParam, 'id'));
  if (!page || !canSeePage(ctx, page)) throw notFound();
  return page;
}
