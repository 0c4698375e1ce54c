/**
 * The local site's HTTP surface: the subset of Confluence Cloud REST (v2 and a few v1 endpoints)
 * the app and the Custom UI call, answering as Confluence answers the calling identity: a user, or
 * the app's bot user (no all-seeing identity exists). Errors use Confluence's shapes, v2
 * `{errors:[{status, code, title, detail}]}` and v1 `{statusCode, data:{…}, message}`, never an
 * app envelope. One module per resource; this file is only the route table.
 */
import { listPageDirectChildren, listSpacePages } from './tree';
import type { SiteState } from '../state';
import type { Ctx, Handler, LocalHttpResponse } from './common';
import { badParam, ConfluenceError, json, notFound, STATUS_TEXT } from './common';
import { createFooterComment, listCommentChildren, listPageFooterComments } from './comments';
import { getPage, listPages, listPageVersions, pageOperations } from './pages';
import { checkContentPermission, currentUser, groupById, groupMembers, memberOf, usersBulk } from './people';
import { getSpace, listSpacePermissions, listSpaces } from './spaces';
import { groupPicker, searchContent, searchUsers } from './directory';

export type { LocalHttpResponse } from './common';

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  handler: Handler;
}

function route(method: string, template: string, handler: Handler): Route {
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`);
  return { method, template, pattern, handler };
}

const routes: Route[] = [
  route('GET', '/wiki/api/v2/pages', listPages),
  route('GET', '/wiki/api/v2/pages/{id}', getPage),
  route('GET', '/wiki/api/v2/pages/{id}/versions', listPageVersions),
  route('GET', '/wiki/api/v2/pages/{id}/operations', pageOperations),
  route('GET', '/wiki/api/v2/pages/{id}/footer-comments', listPageFooterComments),
  route('POST', '/wiki/api/v2/footer-comments', createFooterComment),
  route('GET', '/wiki/api/v2/footer-comments/{comment-id}/children', listCommentChildren),
  route('GET', '/wiki/api/v2/spaces', listSpaces),
  route('GET', '/wiki/api/v2/spaces/{id}', getSpace),
  route('GET', '/wiki/api/v2/spaces/{id}/pages', listSpacePages),
  route('GET', '/wiki/api/v2/pages/{id}/direct-children', listPageDirectChildren),
  route('GET', '/wiki/api/v2/spaces/{id}/permissions', listSpacePermissions),
  route('POST', '/wiki/api/v2/users-bulk', usersBulk),
  route('POST', '/wiki/rest/api/content/{id}/permission/check', checkContentPermission),
  route('GET', '/wiki/rest/api/user/memberof', memberOf),
  route('GET', '/wiki/rest/api/group/{groupId}/membersByGroupId', groupMembers),
  route('GET', '/wiki/rest/api/group/by-id', groupById),
  // the pickers' search (ui.search), as the calling user
  route('GET', '/wiki/rest/api/search/user', searchUsers),
  route('GET', '/wiki/rest/api/group/picker', groupPicker),
  route('GET', '/wiki/rest/api/search', searchContent),
  route('GET', '/wiki/rest/api/user/current', currentUser),
];

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

function decodeParams(pattern: RegExp, path: string): string[] {
  return (pattern.exec(path) ?? []).slice(1).map((p) => {
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

  const candidates = routes.filter((r) => r.pattern.test(path));
  const matched = candidates.find((r) => r.method === upperMethod);
  site.countCall(matched ? `${matched.method} ${matched.template}` : `${upperMethod} (unmatched)`);
  try {
    if (!matched) {
      if (candidates.length > 0) throw new ConfluenceError(405, 'METHOD_NOT_ALLOWED', `${upperMethod} is not supported on this resource.`);
      throw notFound();
    }
    if (!site.getUser(actor)) throw new ConfluenceError(401, 'UNAUTHORIZED', 'Unknown user.');
    const ctx: Ctx = { site, path, params: decodeParams(matched.pattern, path), query: new URLSearchParams(rawQuery), body: parseBody(body), actor };
    return matched.handler(ctx);
  } catch (error) {
    if (error instanceof ConfluenceError) return confluenceErrorResponse(path, error);
    // a bug in the local site must look like a Confluence 500, never crash the caller
    console.error(`local site: ${upperMethod} ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
    return confluenceErrorResponse(path, new ConfluenceError(500, 'INTERNAL_SERVER_ERROR', null));
  }
}
