/**
 * A page's labels and ancestors (v2), as routing reads them (SPEC 2.2a):
 *   GET /wiki/api/v2/pages/{id}/labels      `prefix` filter (global|my|team|system), limit ≤ 250
 *   GET /wiki/api/v2/pages/{id}/ancestors   top to bottom, `{id, type}` only, limit ≤ 250
 * Both answer 404 for a page the calling identity cannot view, like the page itself.
 */
import type { LocalPage } from '../model';
import type { Ctx, LocalHttpResponse } from './common';
import { badParam, pageV2, visiblePage } from './common';

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
