/**
 * The space tree (v2), as the manage-space tab reads it one level at a time:
 *   GET /wiki/api/v2/spaces/{id}/pages?depth=root|all   a space's pages (root: those without a parent)
 *   GET /wiki/api/v2/pages/{id}/direct-children         what sits directly under a page
 * Both answer as the calling identity sees them: pages it cannot view are left out, and an invisible
 * space or parent is 404. The local site has no folders; children are pages (`type: "page"`).
 */
import { byNumericId, currentVersion } from '../model';
import type { Ctx, LocalHttpResponse } from './common';
import { badParam, canSeePage, canSeeSpace, multi, notFound, numericId, pageV2, visiblePage } from './common';
import { pageJson } from './pages';

const DEPTHS = new Set(['all', 'root']);
const STATUSES = new Set(['current', 'archived', 'deleted', 'trashed']);

export function listSpacePages(ctx: Ctx): LocalHttpResponse {
  const space = ctx.site.spaces.find((s) => s.id === numericId(ctx.params[0], 'id'));
  if (!space || !canSeeSpace(ctx, space)) throw notFound();
  const depth = ctx.query.get('depth') ?? 'all';
  if (!DEPTHS.has(depth)) throw badParam("'depth' must be one of all, root.");
  const requested = multi(ctx.query, 'status');
  for (const s of requested) if (!STATUSES.has(s)) throw badParam(`'status' ${s} is not a page status this list accepts.`);
  const statuses = new Set(requested.length > 0 ? requested : ['current']);
  const pages = [...ctx.site.pages.values()]
    .filter((p) => p.spaceId === space.id && statuses.has(p.status) && (depth === 'all' || p.parentId === null) && canSeePage(ctx, p))
    .sort(byNumericId)
    .map((p) => pageJson(ctx.site, p, currentVersion(p), undefined));
  return pageV2(ctx, pages, 25, 250);
}

export function listPageDirectChildren(ctx: Ctx): LocalHttpResponse {
  const parent = visiblePage(ctx, ctx.params[0]);
  const children = [...ctx.site.pages.values()]
    .filter((p) => p.parentId === parent.id && p.status === 'current' && canSeePage(ctx, p))
    .sort(byNumericId)
    .map((p, position) => ({ id: p.id, status: p.status, title: currentVersion(p).title, type: 'page', spaceId: p.spaceId, childPosition: position }));
  return pageV2(ctx, children, 25, 250);
}
