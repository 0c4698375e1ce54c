/**
 * The local site's HTTP surface: the subset of Confluence Cloud REST (v2 and a few v1 endpoints)
 * the app and the Custom UI call, answering with Confluence's shapes: v2 entities, cursor paging
 * with `_links.next` and a `Link` header, v1 start/limit paging, and `{errors:[{status, code, title,
 * detail}]}` error bodies. `actor` null is the app (asApp): it sees everything; a user sees only what
 * the site's permission rules let them see (absent from lists, 404 on a single get).
 */
import type { LocalComment, LocalPage, LocalPageVersion, LocalSpace, LocalUser } from './model';
import { byNumericId, currentVersion } from './model';
import type { LocalSite, Subject } from './site';
import { DIRECTORY_ROUTES } from './directory-rest';

export interface LocalHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string | null,
  ) {
    super(detail ?? code);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
};

const badParam = (detail: string) => new HttpError(400, 'INVALID_REQUEST_PARAMETER', detail);
const notFound = () => new HttpError(404, 'NOT_FOUND', null);

interface Ctx {
  site: LocalSite;
  /** the request path without query, as sent */
  path: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
  /** null = the app */
  actor: string | null;
}

type Handler = (ctx: Ctx) => LocalHttpResponse;

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

// ---------- small helpers ----------

const json = (status: number, body: unknown, headers: Record<string, string> = {}): LocalHttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

function errorResponse(error: HttpError): LocalHttpResponse {
  return json(error.status, {
    errors: [{ status: error.status, code: error.code, title: TITLES[error.status] ?? 'Error', detail: error.detail }],
  });
}

/** Repeated (`id=1&id=2`) and comma-separated (`id=1,2`) forms, as Confluence accepts both. */
function multi(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function numericIds(values: string[], name: string): string[] {
  for (const v of values) if (!/^\d{1,19}$/.test(v)) throw badParam(`'${name}' must be a number, got '${v}'.`);
  return values;
}

function numericId(value: string, name: string): string {
  return numericIds([value], name)[0];
}

function limitOf(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badParam(`'${name}' must be a positive integer.`);
  return Math.min(Number(raw), max);
}

function bodyFormat(query: URLSearchParams): 'storage' | undefined {
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
function pageV2<T>(ctx: Ctx, items: T[], fallbackLimit: number, maxLimit: number): LocalHttpResponse {
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
function pageV1<T>(ctx: Ctx, items: T[]): LocalHttpResponse {
  const limit = limitOf(ctx.query, 'limit', 200, 200);
  const startRaw = ctx.query.get('start') ?? '0';
  if (!/^\d+$/.test(startRaw)) throw badParam("'start' must be a non-negative integer.");
  const start = Number(startRaw);
  const results = items.slice(start, start + limit);
  const v1Path = ctx.path.replace(/^\/wiki/, '');
  const self = new URLSearchParams(ctx.query);
  const links: Record<string, string> = { base: ctx.site.baseUrl, context: '/wiki', self: `${ctx.site.baseUrl}${v1Path}?${self}` };
  if (start + limit < items.length) {
    const next = new URLSearchParams(ctx.query);
    next.set('start', String(start + limit));
    next.set('limit', String(limit));
    links.next = `${v1Path}?${next}`;
  }
  return json(200, { results, start, limit, size: results.length, _links: links });
}

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badParam('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

function actorSubject(ctx: Ctx): Subject | null {
  return ctx.actor === null ? null : ctx.site.subjectOfUser(ctx.actor);
}

function canSeePage(ctx: Ctx, page: LocalPage): boolean {
  const subject = actorSubject(ctx);
  return subject === null || ctx.site.canViewAs(subject, page.id);
}

function canSeeSpace(ctx: Ctx, space: LocalSpace): boolean {
  const subject = actorSubject(ctx);
  return subject === null || ctx.site.canViewSpaceAs(subject, space.id);
}

// ---------- entity shapes ----------

function pageJson(site: LocalSite, page: LocalPage, version: LocalPageVersion, format: 'storage' | undefined): unknown {
  const space = site.getSpace(page.spaceId);
  const slug = encodeURIComponent(version.title).replace(/%20/g, '+');
  return {
    id: page.id,
    status: page.status,
    title: version.title,
    spaceId: page.spaceId,
    parentId: page.parentId,
    parentType: page.parentId ? 'page' : null,
    position: null,
    authorId: page.authorId,
    ownerId: page.authorId,
    lastOwnerId: null,
    createdAt: page.createdAt,
    version: {
      number: version.number,
      createdAt: version.createdAt,
      message: version.message,
      minorEdit: version.minorEdit,
      authorId: version.authorId,
    },
    body: format === 'storage' ? { storage: { representation: 'storage', value: version.body } } : {},
    _links: {
      webui:
        page.status === 'draft'
          ? `/pages/resumedraft.action?draftId=${page.id}`
          : `/spaces/${space?.key ?? page.spaceId}/pages/${page.id}/${slug}`,
      editui: `/pages/resumedraft.action?draftId=${page.id}`,
      tinyui: `/x/${Buffer.from(page.id).toString('base64url')}`,
    },
  };
}

function spaceJson(space: LocalSpace): unknown {
  return {
    id: space.id,
    key: space.key,
    name: space.name,
    type: 'global',
    status: 'current',
    authorId: space.authorId,
    createdAt: space.createdAt,
    homepageId: null,
    description: null,
    icon: null,
    _links: { webui: `/spaces/${space.key}` },
  };
}

function commentJson(site: LocalSite, comment: LocalComment, format: 'storage' | undefined): unknown {
  const page = site.getPage(comment.pageId);
  return {
    id: comment.id,
    status: 'current',
    title: `Re: ${page ? currentVersion(page).title : ''}`,
    pageId: comment.pageId,
    ...(comment.parentCommentId ? { parentCommentId: comment.parentCommentId } : {}),
    version: { number: 1, createdAt: comment.createdAt, message: '', minorEdit: false, authorId: comment.authorId },
    body: format === 'storage' ? { storage: { representation: 'storage', value: comment.body } } : {},
    _links: { webui: `/pages/viewpage.action?pageId=${comment.pageId}&focusedCommentId=${comment.id}` },
  };
}

function accountType(site: LocalSite, user: LocalUser): 'app' | 'atlassian' {
  return user.accountId === site.appUser.accountId ? 'app' : 'atlassian';
}

function profilePicture(user: LocalUser) {
  return { path: `/wiki/aa-avatar/${user.accountId}`, width: 48, height: 48, isDefault: true };
}

function userV2(site: LocalSite, user: LocalUser): unknown {
  return {
    accountId: user.accountId,
    accountType: accountType(site, user),
    accountStatus: 'active',
    email: user.email,
    publicName: user.displayName,
    displayName: user.displayName,
    timeZone: 'UTC',
    isExternalCollaborator: false,
    profilePicture: profilePicture(user),
  };
}

function userV1(site: LocalSite, user: LocalUser): unknown {
  return {
    type: 'known',
    accountId: user.accountId,
    accountType: accountType(site, user),
    email: user.email,
    publicName: user.displayName,
    displayName: user.displayName,
    profilePicture: profilePicture(user),
    isExternalCollaborator: false,
    _links: { self: `${site.baseUrl}/rest/api/user?accountId=${encodeURIComponent(user.accountId)}` },
  };
}

// ---------- endpoints ----------

const PAGE_STATUSES = new Set(['current', 'archived', 'draft', 'trashed', 'deleted']);

function listPages(ctx: Ctx): LocalHttpResponse {
  const ids = numericIds(multi(ctx.query, 'id'), 'id');
  if (ids.length > 250) throw badParam(`'id' accepts at most 250 values, got ${ids.length}.`);
  const spaceIds = numericIds(multi(ctx.query, 'space-id'), 'space-id');
  if (spaceIds.length > 100) throw badParam(`'space-id' accepts at most 100 values, got ${spaceIds.length}.`);
  const requested = multi(ctx.query, 'status');
  for (const s of requested) if (!PAGE_STATUSES.has(s)) throw badParam(`'status' '${s}' is not a page status.`);
  const statuses = new Set(requested.length > 0 ? requested : ['current', 'archived']);
  const format = bodyFormat(ctx.query);
  const title = ctx.query.get('title');
  const idSet = ids.length > 0 ? new Set(ids) : undefined;
  const spaceSet = spaceIds.length > 0 ? new Set(spaceIds) : undefined;

  const pages = [...ctx.site.pages.values()]
    .filter((p) => (!idSet || idSet.has(p.id)) && (!spaceSet || spaceSet.has(p.spaceId)) && statuses.has(p.status))
    .filter((p) => title === null || currentVersion(p).title === title)
    .filter((p) => canSeePage(ctx, p))
    .sort(byNumericId)
    .map((p) => pageJson(ctx.site, p, currentVersion(p), format));
  return pageV2(ctx, pages, 25, 250);
}

function getPage(ctx: Ctx): LocalHttpResponse {
  const page = ctx.site.getPage(numericId(ctx.params[0], 'id'));
  if (!page || !canSeePage(ctx, page)) throw notFound();
  // a draft is only returned to callers who ask for drafts
  if (page.status === 'draft' && ctx.query.get('get-draft') !== 'true' && !multi(ctx.query, 'status').includes('draft')) {
    throw notFound();
  }
  let version = currentVersion(page);
  const wanted = ctx.query.get('version');
  if (wanted !== null) {
    const found = page.versions.find((v) => String(v.number) === wanted);
    if (!found) throw notFound();
    version = found;
  }
  return json(200, pageJson(ctx.site, page, version, bodyFormat(ctx.query)));
}

function listPageVersions(ctx: Ctx): LocalHttpResponse {
  const page = ctx.site.getPage(numericId(ctx.params[0], 'id'));
  if (!page || !canSeePage(ctx, page)) throw notFound();
  const versions = [...page.versions].reverse().map((v) => ({
    number: v.number,
    createdAt: v.createdAt,
    message: v.message,
    minorEdit: v.minorEdit,
    authorId: v.authorId,
  }));
  return pageV2(ctx, versions, 25, 250);
}

function listPageFooterComments(ctx: Ctx): LocalHttpResponse {
  const page = ctx.site.getPage(numericId(ctx.params[0], 'id'));
  if (!page || !canSeePage(ctx, page)) throw notFound();
  const format = bodyFormat(ctx.query);
  // Confluence lists top-level comments here; replies come from /footer-comments/{id}/children
  const comments = ctx.site
    .listComments(page.id)
    .filter((c) => c.parentCommentId === null)
    .sort(byNumericId)
    .map((c) => commentJson(ctx.site, c, format));
  return pageV2(ctx, comments, 25, 250);
}

function listCommentChildren(ctx: Ctx): LocalHttpResponse {
  const parent = ctx.site.comments.find((c) => c.id === numericId(ctx.params[0], 'comment-id'));
  const page = parent && ctx.site.getPage(parent.pageId);
  if (!parent || !page || !canSeePage(ctx, page)) throw notFound();
  const format = bodyFormat(ctx.query);
  const children = ctx.site.comments
    .filter((c) => c.parentCommentId === parent.id)
    .sort(byNumericId)
    .map((c) => commentJson(ctx.site, c, format));
  return pageV2(ctx, children, 25, 250);
}

function createFooterComment(ctx: Ctx): LocalHttpResponse {
  const body = requireObject(ctx.body);
  const { pageId, parentCommentId } = body;
  const content = body.body as { representation?: unknown; value?: unknown } | undefined;
  if (pageId !== undefined && typeof pageId !== 'string') throw badParam("'pageId' must be a string.");
  if (parentCommentId !== undefined && typeof parentCommentId !== 'string') throw badParam("'parentCommentId' must be a string.");
  if (!content || typeof content !== 'object' || content.representation !== 'storage' || typeof content.value !== 'string' || content.value === '') {
    throw badParam("'body' must be {representation:'storage', value:<non-empty string>}.");
  }
  let targetPageId = pageId;
  if (parentCommentId !== undefined) {
    const parent = ctx.site.comments.find((c) => c.id === parentCommentId);
    if (!parent) throw notFound();
    if (targetPageId !== undefined && targetPageId !== parent.pageId) throw badParam("'parentCommentId' belongs to another page.");
    targetPageId = parent.pageId;
  }
  if (targetPageId === undefined) throw badParam("One of 'pageId' or 'parentCommentId' is required.");
  const page = ctx.site.getPage(targetPageId);
  if (!page || page.status === 'draft' || !canSeePage(ctx, page)) throw notFound();
  if (ctx.actor !== null && !ctx.site.canComment(ctx.actor, page.id)) {
    throw new HttpError(403, 'PERMISSION_DENIED', 'You are not allowed to comment on this page.');
  }
  const comment = ctx.site.addComment({
    pageId: page.id,
    parentCommentId: parentCommentId ?? null,
    authorId: ctx.actor ?? ctx.site.appUser.accountId,
    body: content.value,
  });
  return json(201, commentJson(ctx.site, comment, 'storage'));
}

function listSpaces(ctx: Ctx): LocalHttpResponse {
  const ids = numericIds(multi(ctx.query, 'ids'), 'ids');
  const keys = multi(ctx.query, 'keys');
  const spaces = ctx.site.spaces
    .filter((s) => (ids.length === 0 || ids.includes(s.id)) && (keys.length === 0 || keys.includes(s.key)))
    .filter((s) => canSeeSpace(ctx, s))
    .sort(byNumericId)
    .map(spaceJson);
  return pageV2(ctx, spaces, 25, 250);
}

function visibleSpace(ctx: Ctx): LocalSpace {
  const space = ctx.site.getSpace(numericId(ctx.params[0], 'id'));
  if (!space || !canSeeSpace(ctx, space)) throw notFound();
  return space;
}

function getSpace(ctx: Ctx): LocalHttpResponse {
  return json(200, spaceJson(visibleSpace(ctx)));
}

function listSpacePermissions(ctx: Ctx): LocalHttpResponse {
  const space = visibleSpace(ctx);
  const permissions = space.permissions.map((p) => ({
    id: p.id,
    principal: { type: p.principal.type, id: p.principal.id },
    operation: { key: p.operation.key, targetType: p.operation.targetType },
  }));
  return pageV2(ctx, permissions, 25, 250);
}

function checkContentPermission(ctx: Ctx): LocalHttpResponse {
  const page = ctx.site.getPage(numericId(ctx.params[0], 'id'));
  if (!page || !canSeePage(ctx, page)) throw notFound();
  const body = requireObject(ctx.body);
  const subject = body.subject as { type?: unknown; identifier?: unknown } | undefined;
  if (!subject || typeof subject !== 'object' || (subject.type !== 'user' && subject.type !== 'group') || typeof subject.identifier !== 'string') {
    throw badParam("'subject' must be {type:'user'|'group', identifier:<string>}.");
  }
  const operation = body.operation;
  if (operation !== 'read' && operation !== 'update' && operation !== 'delete') {
    throw badParam("'operation' must be one of read, update, delete.");
  }
  // Checking anyone but yourself needs the Confluence Administrator permission.
  if (ctx.actor !== null && !(subject.type === 'user' && subject.identifier === ctx.actor) && !ctx.site.isSiteAdmin(ctx.actor)) {
    throw new HttpError(403, 'PERMISSION_DENIED', 'Checking the permissions of another subject needs Confluence Administrator.');
  }
  let who: Subject;
  if (subject.type === 'user') {
    if (!ctx.site.getUser(subject.identifier)) return json(200, subjectNotFound('user', subject.identifier));
    who = ctx.site.subjectOfUser(subject.identifier);
  } else {
    if (!ctx.site.getGroup(subject.identifier)) return json(200, subjectNotFound('group', subject.identifier));
    who = { groupIds: [subject.identifier] };
  }
  const hasPermission = operation === 'read' ? ctx.site.canViewAs(who, page.id) : ctx.site.canEditAs(who, page.id);
  return json(200, { hasPermission });
}

function subjectNotFound(type: string, identifier: string): unknown {
  return {
    hasPermission: false,
    errors: [{ message: { key: `permission.check.${type}.not.found`, args: [identifier], translation: `No ${type} found with that identifier.` } }],
  };
}

function memberOf(ctx: Ctx): LocalHttpResponse {
  const accountId = ctx.query.get('accountId');
  if (!accountId) throw badParam("'accountId' is required.");
  if (!ctx.site.getUser(accountId)) throw notFound();
  const groups = ctx.site.groupsOf(accountId).map((g) => ({
    type: 'group',
    name: g.name,
    id: g.id,
    _links: { self: `${ctx.site.baseUrl}/rest/api/group/by-id?id=${g.id}` },
  }));
  return pageV1(ctx, groups);
}

function groupMembers(ctx: Ctx): LocalHttpResponse {
  const group = ctx.site.getGroup(ctx.params[0]);
  if (!group) throw notFound();
  const members = group.members
    .map((id) => ctx.site.getUser(id))
    .filter((u): u is LocalUser => u !== undefined)
    .map((u) => userV1(ctx.site, u));
  return pageV1(ctx, members);
}

function usersBulk(ctx: Ctx): LocalHttpResponse {
  const body = requireObject(ctx.body);
  const ids = body.accountIds;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 250 || !ids.every((id) => typeof id === 'string')) {
    throw badParam("'accountIds' must hold 1 to 250 account ids.");
  }
  const users = [...new Set(ids as string[])]
    .map((id) => ctx.site.getUser(id))
    .filter((u): u is LocalUser => u !== undefined)
    .map((u) => userV2(ctx.site, u));
  return json(200, { results: users, _links: { base: ctx.site.baseUrl } });
}

function currentUser(ctx: Ctx): LocalHttpResponse {
  if (ctx.actor === null) throw new HttpError(401, 'UNAUTHORIZED', 'No user is logged in.');
  const user = ctx.site.getUser(ctx.actor);
  if (!user) throw new HttpError(401, 'UNAUTHORIZED', 'No user is logged in.');
  return json(200, userV1(ctx.site, user));
}

const routes: Route[] = [
  route('GET', '/wiki/api/v2/pages', listPages),
  route('GET', '/wiki/api/v2/pages/{id}', getPage),
  route('GET', '/wiki/api/v2/pages/{id}/versions', listPageVersions),
  route('GET', '/wiki/api/v2/pages/{id}/footer-comments', listPageFooterComments),
  route('POST', '/wiki/api/v2/footer-comments', createFooterComment),
  route('GET', '/wiki/api/v2/footer-comments/{comment-id}/children', listCommentChildren),
  route('GET', '/wiki/api/v2/spaces', listSpaces),
  route('GET', '/wiki/api/v2/spaces/{id}', getSpace),
  route('GET', '/wiki/api/v2/spaces/{id}/permissions', listSpacePermissions),
  route('POST', '/wiki/api/v2/users-bulk', usersBulk),
  route('POST', '/wiki/rest/api/content/{id}/permission/check', checkContentPermission),
  route('GET', '/wiki/rest/api/user/memberof', memberOf),
  route('GET', '/wiki/rest/api/group/{groupId}/membersByGroupId', groupMembers),
  route('GET', '/wiki/rest/api/user/current', currentUser),
  ...DIRECTORY_ROUTES.map(([method, template, handler]) => route(method, template, handler)), // pickers' search (ui)
];

export function handleSiteHttp(
  site: LocalSite,
  method: string,
  pathWithQuery: string,
  body: unknown,
  actor: string | null,
): LocalHttpResponse {
  const upperMethod = method.toUpperCase();
  const queryAt = pathWithQuery.indexOf('?');
  const path = queryAt === -1 ? pathWithQuery : pathWithQuery.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : pathWithQuery.slice(queryAt + 1);

  const candidates = routes.filter((r) => r.pattern.test(path));
  const matched = candidates.find((r) => r.method === upperMethod);
  site.countCall(matched ? `${matched.method} ${matched.template}` : `${upperMethod} (unmatched)`);
  try {
    if (!matched) {
      if (candidates.length > 0) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${upperMethod} is not supported on this resource.`);
      throw notFound();
    }
    if (actor !== null && !site.getUser(actor)) throw new HttpError(401, 'UNAUTHORIZED', 'Unknown user.');
    const params = (matched.pattern.exec(path) ?? []).slice(1).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        throw badParam('The path is not validly encoded.');
      }
    });
    let parsedBody = body;
    if (typeof body === 'string' && body !== '') {
      try {
        parsedBody = JSON.parse(body);
      } catch {
        throw badParam('The request body is not valid JSON.');
      }
    }
    return matched.handler({ site, path, params, query: new URLSearchParams(rawQuery), body: parsedBody, actor });
  } catch (error) {
    if (error instanceof HttpError) return errorResponse(error);
    // a bug in the local site must look like a Confluence 500, never crash the caller
    return errorResponse(new HttpError(500, 'INTERNAL_SERVER_ERROR', null));
  }
}
