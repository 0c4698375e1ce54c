/**
 * The local site's HTTP surface: the subset of Confluence Cloud REST (v2 and a few v1 endpoints)
 * the app and the Custom UI call, answering as Confluence answers the calling identity: a user, or
 * the app's bot user (no all-seeing identity exists). Errors use Confluence's shapes, v2
 * `{errors:[{status, code, title, detail}]}` and v1 `{statusCode, data:{…}, message}`, never an
 * app envelope. One module per resource; this file is only the route table (on Hono's router).
 */
import { TrieRouter } from 'hono/router/trie-router';
import { listPageDirectChildren, listSpacePages } from './tree';
import { addContentLabels, listPageAncestors, listPageLabels, removeContentLabel } from './labels';
import type { SiteState } from '../state';
import type { Ctx, Handler, LocalHttpResponse } from './common';
import { badParam, ConfluenceError, json, notFound, STATUS_TEXT } from './common';
import { createFooterComment, listCommentChildren, listPageFooterComments } from './comments';
import { getPage, listPages, listPageVersions, getPageVersion, pageOperations, updatePage } from './pages';
import { checkContentPermission, currentUser, groupById, groupMembers, memberOf, usersBulk } from './people';
import { getSpace, listSpacePermissions, listSpaces } from './spaces';
import { groupPicker, searchContent, searchUsers } from './directory';

export type { LocalHttpResponse } from './common';

interface Route {
  method: string;
  /** Confluence's documented path, as the call counter names it */
  template: string;
  handler: Handler;
}

function route(method: string, template: string, handler: Handler): Route {
  return { method, template, handler };
}

const routes: Route[] = [
  route('GET', '/wiki/api/v2/pages', listPages),
  route('GET', '/wiki/api/v2/pages/{id}', getPage),
  route('PUT', '/wiki/api/v2/pages/{id}', updatePage),
  route('GET', '/wiki/api/v2/pages/{id}/versions', listPageVersions),
  route('GET', '/wiki/api/v2/pages/{id}/versions/{version-number}', getPageVersion),
  route('GET', '/wiki/api/v2/pages/{id}/operations', pageOperations),
  route('GET', '/wiki/api/v2/pages/{id}/footer-comments', listPageFooterComments),
  route('POST', '/wiki/api/v2/footer-comments', createFooterComment),
  route('GET', '/wiki/api/v2/footer-comments/{comment-id}/children', listCommentChildren),
  route('GET', '/wiki/api/v2/spaces', listSpaces),
  route('GET', '/wiki/api/v2/spaces/{id}', getSpace),
  route('GET', '/wiki/api/v2/spaces/{id}/pages', listSpacePages),
  route('GET', '/wiki/api/v2/pages/{id}/direct-children', listPageDirectChildren),
  route('GET', '/wiki/api/v2/pages/{id}/labels', listPageLabels),
  route('GET', '/wiki/api/v2/pages/{id}/ancestors', listPageAncestors),
  route('GET', '/wiki/api/v2/spaces/{id}/permissions', listSpacePermissions),
  route('POST', '/wiki/api/v2/users-bulk', usersBulk),
  route('POST', '/wiki/rest/api/content/{id}/permission/check', checkContentPermission),
  route('POST', '/wiki/rest/api/content/{id}/label', addContentLabels),
  route('DELETE', '/wiki/rest/api/content/{id}/label', removeContentLabel),
  route('GET', '/wiki/rest/api/user/memberof', memberOf),
  route('GET', '/wiki/rest/api/group/{groupId}/membersByGroupId', groupMembers),
  route('GET', '/wiki/rest/api/group/by-id', groupById),
  // the pickers' search (ui.search), as the calling user
  route('GET', '/wiki/rest/api/search/user', searchUsers),
  route('GET', '/wiki/rest/api/group/picker', groupPicker),
  route('GET', '/wiki/rest/api/search', searchContent),
  route('GET', '/wiki/rest/api/user/current', currentUser),
];

/** Hono's trie router over the table ({id} → :id); it hands back the raw, still-encoded segments. */
const router = new TrieRouter<Route>();
for (const r of routes) router.add(r.method, r.template.replace(/\{([^}]+)\}/g, (_, name: string) => `:${name.replace(/-/g, '_')}`), r);
const METHODS = [...new Set(routes.map((r) => r.method))];

function matchRoute(method: string, path: string): { matched?: Route; params: string[]; pathExists: boolean } {
  // Confluence accepts one trailing slash
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const [hit] = router.match(method, trimmed)[0];
  if (hit) return { matched: hit[0], params: Object.values(hit[1] as Record<string, string>), pathExists: true };
  return { params: [], pathExists: METHODS.some((m) => router.match(m, trimmed)[0].length > 0) };
}

/** v1 (`/wiki/rest/api/…`) and v2 error bodies differ in Confluence; each route answers in its own. */
export function confluenceErrorResponse(path: string, error: ConfluenceError): LocalHttpResponse {
  const title = STATUS_TEXT[error.status] ?? 'Error';
  if (path.startsWith('/wiki/rest/api/')) {
    return json(error.status, {
      statusCode: error.status,
      data: { authorized: error.status !== 401 && error.status !== 403, valid: error.status !== 400, errors: [], successful: false },
      message: error.detail ?? error.title ?? title,
    });
  }
  return json(error.status, { errors: [{ status: error.status, code: error.code, title: error.title ?? title, detail: error.detail }] });
}

function decodeParams(raw: string[]): string[] {
  return raw.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw badParam('The path is not validly encoded.');
    }
  });
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body === '') return body;
  try {
    return JSON.parse(body);
  } catch {
    throw badParam('The request body is not valid JSON.');
  }
}

/** Never throws; every call is counted. `actor` is the caller's account id (the app's bot user for asApp). */
export function handleSiteHttp(site: SiteState, method: string, pathWithQuery: string, body: unknown, actor: string): LocalHttpResponse {
  const upperMethod = method.toUpperCase();
  const queryAt = pathWithQuery.indexOf('?');
  const path = queryAt === -1 ? pathWithQuery : pathWithQuery.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : pathWithQuery.slice(queryAt + 1);

  const { matched, params, pathExists } = matchRoute(upperMethod, path);
  site.countCall(matched ? `${matched.method} ${matched.template}` : `${upperMethod} (unmatched)`);
  try {
    if (!matched) {
      if (pathExists) throw new ConfluenceError(405, 'METHOD_NOT_ALLOWED', `${upperMethod} is not supported on this resource.`);
      throw notFound();
    }
    if (!site.getUser(actor)) throw new ConfluenceError(401, 'UNAUTHORIZED', 'Unknown user.');
    const ctx: Ctx = { site, path, params: decodeParams(params), query: new URLSearchParams(rawQuery), body: parseBody(body), actor };
    return matched.handler(ctx);
  } catch (error) {
    if (error instanceof ConfluenceError) return confluenceErrorResponse(path, error);
    // a bug in the local site must look like a Confluence 500, never crash the caller
    console.error(`local site: ${upperMethod} ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
    return confluenceErrorResponse(path, new ConfluenceError(500, 'INTERNAL_SERVER_ERROR', null));
  }
}
