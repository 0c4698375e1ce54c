/**
 * A page's labels and ancestors (v2), as routing reads them (SPEC 2.2a):
 *   GET /wiki/api/v2/pages/{id}/labels      `prefix` filter (global|my|team|system), limit ≤ 250
 *   GET /wiki/api/v2/pages/{id}/ancestors   top to bottom, `{id, type}` only, limit ≤ 250
 * Both answer 404 for a page the calling identity cannot view, like the page itself.
 */
import { z } from 'zod';
import { labelName } from '../../../src/core/domain/fields';
import type { LocalPage } from '../model';
import type { Ctx, LocalHttpResponse } from './common';
import { badParam, forbidden, json, notFound, pageV2, visiblePage } from './common';

const PREFIXES = new Set(['global', 'my', 'team', 'system']);

/** Stable label ids: Confluence's are numeric; the local site derives one from the name. */
function labelId(name: string): string {
  let hash = 7;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) % 1_000_000_007;
  return String(hash);
}

export function listPageLabels(ctx: Ctx): LocalHttpResponse {
  const page = visiblePage(ctx, ctx.params[0]);
  const prefix = ctx.query.get('prefix');
  if (prefix !== null && !PREFIXES.has(prefix)) throw badParam("'prefix' must be one of global, my, team, system.");
  // the local site only has global labels
  const labels = prefix === null || prefix === 'global' ? (page.labels ?? []) : [];
  return pageV2(ctx, labels.map((name) => ({ id: labelId(name), name, prefix: 'global' })), 25, 250);
}

export function listPageAncestors(ctx: Ctx): LocalHttpResponse {
  const page = visiblePage(ctx, ctx.params[0]);
  const chain: LocalPage[] = [];
  for (let parent = page.parentId ? ctx.site.getPage(page.parentId) : undefined; parent && chain.length < 1000; parent = parent.parentId ? ctx.site.getPage(parent.parentId) : undefined) {
    chain.unshift(parent);
  }
  return pageV2(ctx, chain.map((p) => ({ id: p.id, type: 'page' })), 25, 250);
}

/**
 * v1 content labels, as Confluence answers them (the Automation label bridge writes them as the app):
 *   POST   /wiki/rest/api/content/{id}/label             `[{prefix, name}]` or one `{prefix, name}`: adds, keeps the others
 *   DELETE /wiki/rest/api/content/{id}/label?name=<l>    removes one label (204; 404 when the page has no such label)
 * Both need the right to edit the page (403), and a page the identity cannot view is 404.
 */
const labelCreateSchema = z.strictObject({ prefix: z.literal('global'), name: labelName });

export function addContentLabels(ctx: Ctx): LocalHttpResponse {
  const page = editablePage(ctx);
  const parsed = z.union([z.array(labelCreateSchema).min(1).max(100), labelCreateSchema]).safeParse(ctx.body);
  if (!parsed.success) throw badParam('The body must be a label {prefix: "global", name} or a list of them (lowercase, no spaces; the local site has global labels only).');
  const wanted = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  const { labels } = ctx.site.applyLabels(page, { add: wanted.map((l) => l.name), remove: [] });
  const results = labels.map((name) => ({ prefix: 'global', name, id: labelId(name), label: name }));
  return json(200, { results, start: 0, limit: results.length, size: results.length });
}

export function removeContentLabel(ctx: Ctx): LocalHttpResponse {
  const page = editablePage(ctx);
  const name = ctx.query.get('name');
  if (name === null || name === '') throw badParam("'name' is required.");
  if (!(page.labels ?? []).includes(name)) throw notFound();
  ctx.site.applyLabels(page, { add: [], remove: [name] });
  return { status: 204, headers: {}, body: undefined };
}

function editablePage(ctx: Ctx): LocalPage {
  const page = visiblePage(ctx, ctx.params[0]);
  if (!ctx.site.canEditAs(ctx.site.subjectOfUser(ctx.actor), page.id)) throw forbidden('You are not allowed to change the labels of this content.');
  return page;
}
