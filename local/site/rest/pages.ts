/** Pages (v2): list, get (drafts on request), versions, and the caller's own permitted operations. */
import type { LocalPage, LocalPageVersion } from '../model';
import { byNumericId, currentVersion } from '../model';
import type { SiteState } from '../state';
import type { Ctx, LocalHttpResponse } from './common';
import { badParam, bodyFormat, canSeePage, ConfluenceError, forbidden, json, multi, notFound, numericIds, pageV2, requireObject, visiblePage } from './common';

export function pageJson(site: SiteState, page: LocalPage, version: LocalPageVersion, format: 'storage' | undefined): unknown {
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

/**
 * The `status` values GET /wiki/api/v2/pages accepts (its documented enum). `draft` is NOT one of
 * them: Confluence refuses it, so drafts are never listed; a draft is read with get-draft=true.
 */
const LIST_STATUSES = new Set(['current', 'archived', 'deleted', 'trashed']);
/** GET /wiki/api/v2/pages/{id} also takes `historical` and `draft`. */
const GET_STATUSES = new Set([...LIST_STATUSES, 'historical', 'draft']);

/** Confluence's answer to an enum value it does not know: the reason is in `title`, `detail` is null. */
function badEnum(name: string, value: string, type: string): ConfluenceError {
  return new ConfluenceError(400, 'INVALID_REQUEST_PARAMETER', null, `Provided value {${value}} for '${name}' is not the correct type. Expected type is ${type}`);
}

export function listPages(ctx: Ctx): LocalHttpResponse {
  const ids = numericIds(multi(ctx.query, 'id'), 'id');
  if (ids.length > 250) throw new ConfluenceError(400, 'INVALID_REQUEST_PARAMETER', `'id' accepts at most 250 values, got ${ids.length}.`);
  const spaceIds = numericIds(multi(ctx.query, 'space-id'), 'space-id');
  if (spaceIds.length > 100) throw new ConfluenceError(400, 'INVALID_REQUEST_PARAMETER', `'space-id' accepts at most 100 values, got ${spaceIds.length}.`);
  const requested = multi(ctx.query, 'status');
  for (const s of requested) if (!LIST_STATUSES.has(s)) throw badEnum('status', s, 'PageStatus');
  const statuses = new Set(requested.length > 0 ? requested : ['current', 'archived']);
  const format = bodyFormat(ctx.query);
  const title = ctx.query.get('title');
  const idSet = ids.length > 0 ? new Set(ids) : undefined;
  const spaceSet = spaceIds.length > 0 ? new Set(spaceIds) : undefined;

  // include-operations on the list is an unconfirmed fact (U24): answered only when the profile says so
  const withOperations = ctx.query.get('include-operations') === 'true' && ctx.site.profile.pageListOperations === 'included';
  const pages = [...ctx.site.pages.values()]
    .filter((p) => (!idSet || idSet.has(p.id)) && (!spaceSet || spaceSet.has(p.spaceId)) && statuses.has(p.status))
    .filter((p) => title === null || currentVersion(p).title === title)
    .filter((p) => canSeePage(ctx, p))
    .sort(byNumericId)
    .map((p) => {
      const json = pageJson(ctx.site, p, currentVersion(p), format);
      return withOperations ? { ...(json as object), operations: { results: permittedOperations(ctx, p), meta: { hasMore: false }, _links: {} } } : json;
    });
  return pageV2(ctx, pages, 25, 250);
}

export function getPage(ctx: Ctx): LocalHttpResponse {
  const statuses = multi(ctx.query, 'status');
  for (const s of statuses) if (!GET_STATUSES.has(s)) throw badEnum('status', s, 'PageStatus');
  const page = visiblePage(ctx, ctx.params[0]);
  // a draft is only returned to callers who ask for drafts (and may see it: its author)
  if (page.status === 'draft' && ctx.query.get('get-draft') !== 'true' && !statuses.includes('draft')) throw notFound();
  let version = currentVersion(page);
  const wanted = ctx.query.get('version');
  if (wanted !== null) {
    const found = page.versions.find((v) => String(v.number) === wanted);
    if (!found) throw notFound();
    version = found;
  }
  return json(200, pageJson(ctx.site, page, version, bodyFormat(ctx.query)));
}

export function listPageVersions(ctx: Ctx): LocalHttpResponse {
  const page = visiblePage(ctx, ctx.params[0]);
  const versions = [...page.versions].reverse().map((v) => ({
    number: v.number,
    createdAt: v.createdAt,
    message: v.message,
    minorEdit: v.minorEdit,
    authorId: v.authorId,
  }));
  return pageV2(ctx, versions, 25, 250);
}

/** GET /wiki/api/v2/pages/{id}/versions/{version-number}: a DetailedVersion, with `collaborators` (account ids) as Confluence gives them. */
export function getPageVersion(ctx: Ctx): LocalHttpResponse {
  const page = visiblePage(ctx, ctx.params[0]);
  const found = page.versions.find((v) => String(v.number) === ctx.params[1]);
  if (!found) throw notFound();
  const index = page.versions.indexOf(found);
  const brief = (v: LocalPageVersion | undefined) => v && { number: v.number, authorId: v.authorId, createdAt: v.createdAt, message: v.message, minorEdit: v.minorEdit };
  return json(200, {
    number: found.number,
    authorId: found.authorId,
    message: found.message,
    createdAt: found.createdAt,
    minorEdit: found.minorEdit,
    contentTypeModified: false,
    collaborators: found.collaborators ?? [found.authorId],
    ...(index > 0 ? { prevVersion: brief(page.versions[index - 1]) } : {}),
    ...(index < page.versions.length - 1 ? { nextVersion: brief(page.versions[index + 1]) } : {}),
  });
}

/** What the CALLING identity may do on a page it can see: the one rule behind /operations and the list's include-operations (canEditAs, as permission/check). */
function permittedOperations(ctx: Ctx, page: LocalPage): Array<{ operation: string; targetType: string }> {
  const operations = [{ operation: 'read', targetType: 'page' }];
  if (ctx.site.canEditAs(ctx.site.subjectOfUser(ctx.actor), page.id)) operations.push({ operation: 'update', targetType: 'page' }, { operation: 'delete', targetType: 'page' });
  return operations;
}

/** GET /wiki/api/v2/pages/{id}/operations: what the CALLING identity may do on the page. */
export function pageOperations(ctx: Ctx): LocalHttpResponse {
  const page = visiblePage(ctx, ctx.params[0]);
  return json(200, { operations: permittedOperations(ctx, page), _links: { base: ctx.site.baseUrl } });
}

/**
 * PUT /wiki/api/v2/pages/{id}: a new version as the caller. Confluence's rules: `version.number` must
 * be the current number + 1 (else 409), a title is required, the body is storage; a page the caller
 * cannot see is 404, one they may only read is 403.
 */
export function updatePage(ctx: Ctx): LocalHttpResponse {
  const page = visiblePage(ctx, ctx.params[0]);
  const body = requireObject(ctx.body);
  const content = body.body as { representation?: unknown; value?: unknown } | undefined;
  const version = body.version as { number?: unknown; message?: unknown } | undefined;
  if (body.id !== undefined && body.id !== page.id) throw badParam("'id' does not match the page in the path.");
  if (body.status !== 'current') throw badParam("'status' must be 'current' for a published page.");
  if (typeof body.title !== 'string' || body.title.trim() === '') throw badParam("'title' is required.");
  if (!content || typeof content !== 'object' || content.representation !== 'storage' || typeof content.value !== 'string') {
    throw badParam("'body' must be {representation:'storage', value:<string>}.");
  }
  if (!version || typeof version !== 'object' || typeof version.number !== 'number' || !Number.isInteger(version.number)) throw badParam("'version.number' is required.");
  if (version.message !== undefined && typeof version.message !== 'string') throw badParam("'version.message' must be a string.");
  if (page.status !== 'current') throw notFound();
  if (!ctx.site.canEditAs(ctx.site.subjectOfUser(ctx.actor), page.id)) throw forbidden('You are not allowed to edit this page.');
  const current = currentVersion(page);
  if (version.number !== current.number + 1) {
    throw new ConfluenceError(409, 'CONFLICT', `Version must be incremented on update. Current version is: ${current.number}`);
  }
  const { delivered } = ctx.site.writeVersion(page.id, {
    accountId: ctx.actor,
    title: body.title,
    body: content.value,
    ...(typeof version.message === 'string' ? { message: version.message } : {}),
  });
  void delivered;
  return json(200, pageJson(ctx.site, page, currentVersion(page), 'storage'));
}
