/**
 * The local site's search endpoints, as Confluence answers them for the app's pickers: v1 user
 * search (CQL `user.fullname~`), the v1 group picker, and v1 CQL content search for pages of a
 * space and for spaces. Only the CQL forms the app sends are understood; anything else is a 400,
 * as Confluence answers CQL it cannot parse. A user sees only pages and spaces they may view;
 * The app's own identity is a user like any other here (it sees what the app user may see).
 */
import { currentVersion } from '../model';
import type { Ctx, LocalHttpResponse } from './common';
import { json } from './common';
const cqlError = (detail: string): LocalHttpResponse =>
  json(400, { statusCode: 400, message: `Could not parse cql : ${detail}`, data: { authorized: false, valid: false, errors: [] } });

/** A CQL string literal as the app writes it: "…" with \" and \\ escapes. */
const STRING = String.raw`"((?:[^"\\]|\\.)*)"`;
const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

function limitOf(query: URLSearchParams): number {
  const n = Number(query.get('limit') ?? '25');
  return Number.isInteger(n) && n > 0 ? Math.min(n, 50) : 25;
}

const matches = (text: string, needle: string) => text.toLowerCase().includes(needle.toLowerCase());

export function searchUsers({ site, query }: Ctx): LocalHttpResponse {
  const cql = query.get('cql') ?? '';
  const m = new RegExp(`^user\\.fullname~${STRING}$`).exec(cql);
  if (!m) return cqlError(cql);
  const needle = unescape(m[1]);
  const users = site.users.filter((u) => u.accountId !== site.appUser.accountId && matches(u.displayName, needle)).slice(0, limitOf(query));
  return json(200, {
    results: users.map((u) => ({ user: { type: 'known', accountId: u.accountId, accountType: 'atlassian', displayName: u.displayName, publicName: u.displayName }, title: u.displayName, entityType: 'user' })),
    start: 0,
    limit: limitOf(query),
    size: users.length,
  });
}

export function groupPicker({ site, query }: Ctx): LocalHttpResponse {
  const needle = query.get('query') ?? '';
  const groups = site.groups.filter((g) => matches(g.name, needle)).slice(0, limitOf(query));
  return json(200, { results: groups.map((g) => ({ type: 'group', id: g.id, name: g.name })), start: 0, limit: limitOf(query), size: groups.length });
}

export function searchContent({ site, query, actor }: Ctx): LocalHttpResponse {
  const cql = query.get('cql') ?? '';
  const limit = limitOf(query);
  const page = new RegExp(`^type=page AND space\\.id=([0-9]+) AND title~${STRING}$`).exec(cql);
  if (page) {
    const [, spaceId, raw] = page;
    const found = site
      .listSpacePages(spaceId)
      .filter((p) => p.status === 'current' && matches(currentVersion(p).title, unescape(raw)) && site.canView(actor, p.id))
      .slice(0, limit);
    return json(200, { results: found.map((p) => ({ content: { id: p.id, type: 'page', status: p.status, title: currentVersion(p).title }, title: currentVersion(p).title, entityType: 'content' })), start: 0, limit, size: found.length });
  }
  const space = new RegExp(`^type=space AND \\(title~${STRING} OR space=${STRING}\\)$`).exec(cql);
  if (space) {
    const [, name, key] = space;
    const found = site.spaces
      .filter((s) => matches(s.name, unescape(name)) || s.key === unescape(key))
      .filter((s) => site.canViewSpaceAs(site.subjectOfUser(actor), s.id))
      .slice(0, limit);
    return json(200, { results: found.map((s) => ({ space: { id: Number(s.id), key: s.key, name: s.name, type: 'global' }, title: s.name, entityType: 'space' })), start: 0, limit, size: found.length });
  }
  return cqlError(cql);
}
