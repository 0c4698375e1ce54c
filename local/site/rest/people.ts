/**
 * Users, groups and the content permission check: v2 users-bulk; v1 user/current (with
 * `expand=operations`: the caller's global permissions), memberof, group members and
 * content/{id}/permission/check (about anyone but yourself only for a Confluence administrator).
 */
import type { LocalUser } from '../model';
import type { SiteState, Subject } from '../state';
import type { Ctx, LocalHttpResponse } from './common';
import { badParam, ConfluenceError, forbidden, json, notFound, pageV1, requireObject, visiblePage } from './common';

function accountType(site: SiteState, user: LocalUser): 'app' | 'atlassian' {
  return user.accountId === site.appUser.accountId ? 'app' : 'atlassian';
}

function profilePicture(user: LocalUser) {
  return { path: `/wiki/aa-avatar/${user.accountId}`, width: 48, height: 48, isDefault: true };
}

function userV2(site: SiteState, user: LocalUser): unknown {
  return {
    accountId: user.accountId,
    accountType: accountType(site, user),
    accountStatus: user.accountStatus ?? 'active',
    email: user.email,
    publicName: user.displayName,
    displayName: user.displayName,
    timeZone: 'UTC',
    isExternalCollaborator: false,
    profilePicture: profilePicture(user),
  };
}

function userV1(site: SiteState, user: LocalUser): Record<string, unknown> {
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

export function checkContentPermission(ctx: Ctx): LocalHttpResponse {
  const page = visiblePage(ctx, ctx.params[0]);
  const body = requireObject(ctx.body);
  const subject = body.subject as { type?: unknown; identifier?: unknown } | undefined;
  if (!subject || typeof subject !== 'object' || (subject.type !== 'user' && subject.type !== 'group') || typeof subject.identifier !== 'string') {
    throw badParam("'subject' must be {type:'user'|'group', identifier:<string>}.");
  }
  const operation = body.operation;
  if (operation !== 'read' && operation !== 'update' && operation !== 'delete') {
    throw badParam("'operation' must be one of read, update, delete.");
  }
  // Checking anyone but yourself needs the Confluence Administrator permission (the app user included).
  const aboutSelf = subject.type === 'user' && subject.identifier === ctx.actor;
  if (!aboutSelf && !ctx.site.isSiteAdmin(ctx.actor)) {
    throw forbidden('Checking the permissions of another subject requires the Confluence Administrator permission.');
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

export function memberOf(ctx: Ctx): LocalHttpResponse {
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

export function groupMembers(ctx: Ctx): LocalHttpResponse {
  const group = ctx.site.getGroup(ctx.params[0]);
  if (!group) throw notFound();
  const members = group.members
    .map((id) => ctx.site.getUser(id))
    .filter((u): u is LocalUser => u !== undefined)
    .map((u) => userV1(ctx.site, u));
  return pageV1(ctx, members);
}

/** v1 "get group by id": existence of a group (workflow approvers must exist, SPEC 2.1). */
export function groupById(ctx: Ctx): LocalHttpResponse {
  const id = ctx.query.get('id');
  if (!id) throw badParam("'id' is required.");
  const group = ctx.site.getGroup(id);
  if (!group) throw notFound();
  return json(200, { type: 'group', name: group.name, id: group.id, _links: { self: `${ctx.site.baseUrl}/rest/api/group/by-id?id=${group.id}` } });
}

export function usersBulk(ctx: Ctx): LocalHttpResponse {
  const body = requireObject(ctx.body);
  const ids = body.accountIds;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 250 || !ids.every((id) => typeof id === 'string')) {
    throw badParam("'accountIds' must hold 1 to 250 account ids.");
  }
  const users = [...new Set(ids)]
    .map((id) => ctx.site.getUser(id))
    .filter((u): u is LocalUser => u !== undefined)
    .map((u) => userV2(ctx.site, u));
  return json(200, { results: users, _links: { base: ctx.site.baseUrl } });
}

/**
 * GET /wiki/rest/api/user/current; `expand=operations` adds the caller's global permissions
 * (`administer`/`application` for a Confluence administrator), which is how an as-user client
 * learns whether its user is an admin without guessing group names.
 */
export function currentUser(ctx: Ctx): LocalHttpResponse {
  const user = ctx.site.getUser(ctx.actor);
  if (!user) throw new ConfluenceError(401, 'UNAUTHORIZED', 'No user is logged in.');
  const out = userV1(ctx.site, user);
  const expand = (ctx.query.get('expand') ?? '').split(',').map((e) => e.trim());
  if (expand.includes('operations')) {
    const operations = [{ operation: 'use', targetType: 'application' }];
    if (ctx.site.isSiteAdmin(user.accountId)) operations.push({ operation: 'administer', targetType: 'application' });
    out.operations = operations;
  }
  return json(200, out);
}
