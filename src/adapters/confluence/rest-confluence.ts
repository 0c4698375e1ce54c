/**
 * ConfluenceSite over Confluence Cloud REST (v2 where it exists, v1 for permission checks and
 * groups) for ONE invocation. Whose identity each call uses (SPEC §4, docs/forge-platform.md):
 *  - as the acting user: page reads, drafts, space reads, the user's own read/update rights
 *    (permission/check on self) and site-admin status (user/current operations);
 *  - about another user: that user impersonated when the profile allows it; else permission/check
 *    as the app when the app user is a Confluence admin; else "cannot verify", answered as "no";
 *  - as the app: comments (after the engine checked the caller's right) and directory lookups
 *    (users, groups, group members, who administers a space);
 *  - as the user named in the call: the lifecycle's space tree (lifecycle-confluence.ts) and the
 *    pickers' search (rest-directory.ts), which this class serves through the same plumbing.
 * The ONE Confluence client: every call passes one CallGate (≤10 in flight, 429/5xx retried within
 * the invocation's budget, then 503 UPSTREAM_UNAVAILABLE) and lists follow paging.ts.
 *
 * Every path is built here from validated, encodeURIComponent-ed parts, which is what lets the Forge
 * transport hand paths to requestConfluence as trusted routes. Every response is validated with zod.
 * Nothing is cached across calls (Forge forbids keeping tenant data between invocations); a lookup
 * shared by one call (a user's groups in isSpaceAdmin) lives only for that call.
 */
import { z } from 'zod';
import type { ConfluenceSite, PageContent, PageInfo, PageOperation, PageRead, PageVersionInput, SpaceInfo, UserInfo } from '../../core/ports/confluence';
import { SPACE_ADMINS_CAP, type TreeLevel, type TreeParent } from '../../core/ports/lifecycle-confluence';
import type { DirectoryEntry, DirectoryKind } from '../../core/ports/directory';
import { DomainError } from '../../core/domain/errors';
import type { ConfluenceRequest, ConfluenceResponse, ConfluenceTransport } from './transport';
import { CallGate } from './call-gate';
import type { ConfluenceAccess } from './access';
import { DEFAULT_PLATFORM_PROFILE } from '../platform-profile';
import { CONFLUENCE_BATCH_SIZE, LISTED_STATUSES, pageSchema, v2ListSchema, spaceSchema, spacePermissionSchema, permissionCheckSchema, currentUserSchema, groupSchema, memberSchema, userSchema, commentSchema, toPageInfo, editableOf, accountStatusOf, pathId, isPathId, accountId, chunks } from './rest-schemas';
import { listAllV1, listAllV2, listV1, parseOk } from './paging';
import { readVersionEditors } from './version-editors';
import { NOT_VISIBLE, readPageContent, writePageVersion } from './page-content';
import { findComment, listChildren } from './lifecycle-confluence';
import { searchDirectory } from './rest-directory';
import { readRoutingFacts } from './routing-facts';
import { changePageLabelsAsApp, readPageLabelsAsApp } from './page-labels';

export { CONFLUENCE_BATCH_SIZE } from './rest-schemas';

type Identity = 'app' | { accountId: string };
type SpaceOperation = { key: 'read' | 'administer' | 'create'; targetType: 'space' | 'page' };

export class RestConfluenceSite implements ConfluenceSite {
  private readonly gate: CallGate;
  private readonly access: ConfluenceAccess;

  /** Without `access`: no acting user, and the default profile's answers (impersonation yes, admin app user no). */
  constructor(
    private readonly transport: ConfluenceTransport,
    access: ConfluenceAccess = { impersonation: DEFAULT_PLATFORM_PROFILE.apiRouteImpersonation, appUserIsConfluenceAdmin: DEFAULT_PLATFORM_PROFILE.appUserIsConfluenceAdmin },
  ) {
    // each assumption is reported once per invocation, not once per call
    const reported = new Set<string>();
    const observe = access.observe;
    this.access = observe ? { ...access, observe: (key, holds) => (reported.has(key) ? undefined : (reported.add(key), observe(key, holds))) } : access;
    this.gate = access.gate ?? new CallGate();
  }

  /** Reads that decide what the acting user may see run as that user. */
  private get reader(): Identity {
    return this.access.actingAccountId && this.actingReachable ? { accountId: this.access.actingAccountId } : 'app';
  }

  get readerAccountId(): string | undefined {
    const reader = this.reader;
    return reader === 'app' ? undefined : reader.accountId;
  }

  /** Whether calls can be made as the acting user at all (see ConfluenceAccess.actingUserReachable). */
  private get actingReachable(): boolean {
    return this.access.actingUserReachable !== false || this.access.impersonation;
  }

  callsLeft(): number | undefined {
    return this.gate.callsLeft();
  }

  get pageReadsStateEdit(): boolean {
    return this.access.pageListOperations === true;
  }

  async getPages(pageIds: string[]): Promise<Map<string, PageRead>> {
    const ids = [...new Set(pageIds)];
    const found = new Map<string, PageRead>();
    for (const page of await this.listPagesAs(ids, this.reader, this.pageReadsStateEdit)) found.set(page.id, { ...toPageInfo(page), ...editableOf(page) });
    // Drafts are never listed: only ids the batch did not return get a direct read.
    const missing = ids.filter((id) => !found.has(id));
    const drafts = await Promise.all(missing.map((id) => this.getPage(id, { draft: true })));
    for (const page of drafts) if (page) found.set(page.id, page);
    return found;
  }

  /** Listed (not draft) pages among `ids` that `identity` sees: ⌈N/250⌉ batched calls, side by side. */
  private async listPagesAs(ids: string[], identity: Identity, withOperations = false): Promise<Array<z.infer<typeof pageSchema>>> {
    for (const id of ids) pathId(id, 'page');
    const batches = await Promise.all(
      chunks(ids, CONFLUENCE_BATCH_SIZE).map((batch) => {
        const query = new URLSearchParams();
        for (const id of batch) query.append('id', id);
        query.set('limit', String(CONFLUENCE_BATCH_SIZE));
        for (const status of LISTED_STATUSES) query.append('status', status);
        if (withOperations) query.set('include-operations', 'true');
        // a user Confluence does not know (401) or who may not list (403) sees no page
        return this.listAllV2(`/wiki/api/v2/pages?${query.toString()}`, pageSchema, identity, { absentOn: [401, 403] });
      }),
    );
    const pages = batches.flat();
    // U24 refuted when the list ignores the parameter (diagnostics; nothing is written while it holds: no write per request)
    if (withOperations && pages.length > 0 && !pages.some((p) => p.operations)) this.access.observe?.('pageListOperations', false);
    return pages;
  }

  /** As that user (themselves, or impersonated when the profile allows it); drafts are never listed, so never readable here. */
  async pagesReadableBy(user: string, pageIds: string[]): Promise<Set<string> | undefined> {
    accountId(user);
    const identity = this.identityOf(user);
    if (!identity) return undefined;
    const pages = await this.listPagesAs([...new Set(pageIds)], identity);
    return new Set(pages.map((p) => p.id));
  }

  /** One page as the reader sees it (a single call; the byline's only Confluence read). 403/404: not visible. */
  async getPage(pageId: string, options: { draft?: boolean } = {}): Promise<PageInfo | undefined> {
    const query = options.draft ? '?get-draft=true' : '';
    const response = await this.send({ method: 'GET', path: `/wiki/api/v2/pages/${pathId(pageId, 'page')}${query}`, actAs: this.reader });
    if (NOT_VISIBLE.includes(response.status)) return undefined;
    const page = this.parse(response, pageSchema);
    return page.id === pageId ? toPageInfo(page) : undefined;
  }

  /** Labels and ancestors of a page as the reader (routing-facts.ts). */
  routingFacts = (pageId: string) => readRoutingFacts((path, item) => this.listAllV2(path, item, this.reader), pageId);

  /** The Automation label bridge, as the app (page-labels.ts). */
  appPageLabels = (pageId: string) => readPageLabelsAsApp((path, item) => this.listAllV2(path, item, 'app'), pageId);
  changePageLabels = (pageId: string, change: { add: string[]; remove: string[] }) => changePageLabelsAsApp((r) => this.send(r), pageId, change);

  async checkPagePermission(user: string, pageId: string, operation: PageOperation): Promise<boolean> {
    accountId(user);
    const path = `/wiki/rest/api/content/${pathId(pageId, 'page')}/permission/check`;
    const body = { subject: { type: 'user', identifier: user }, operation };
    const asSelf = this.identityOf(user);
    if (asSelf) {
      // Asking about yourself needs no admin right (documented); 403/404: the user cannot see the page.
      const response = await this.send({ method: 'POST', path, body, actAs: asSelf });
      if (asSelf !== 'app' && asSelf.accountId !== this.access.actingAccountId) this.access.observe?.('apiRouteImpersonation', response.status !== 401);
      if (NOT_VISIBLE.includes(response.status)) return false;
      return this.parse(response, permissionCheckSchema).hasPermission;
    }
    if (this.access.appUserIsConfluenceAdmin) {
      const response = await this.send({ method: 'POST', path, body, actAs: 'app' });
      if (response.status === 403 || response.status === 401) {
        this.access.observe?.('appUserIsConfluenceAdmin', false);
        return false;
      }
      if (response.status === 404) return false;
      this.access.observe?.('appUserIsConfluenceAdmin', true);
      return this.parse(response, permissionCheckSchema).hasPermission;
    }
    // Neither impersonation nor an admin app user: no non-admin endpoint answers for another user.
    return false;
  }

  /** The identity that can ask about `user` as `user`: the acting user, or an impersonated one. */
  private identityOf(user: string): Identity | undefined {
    if ((user === this.access.actingAccountId && this.actingReachable) || this.access.impersonation) return { accountId: user };
    return undefined;
  }

  async getSpace(spaceId: string): Promise<SpaceInfo | undefined> {
    const response = await this.send({ method: 'GET', path: `/wiki/api/v2/spaces/${pathId(spaceId, 'space')}`, actAs: this.reader });
    if (NOT_VISIBLE.includes(response.status)) return undefined;
    const space = this.parse(response, spaceSchema);
    return { id: space.id, key: space.key, name: space.name };
  }

  isSpaceAdmin = (user: string, spaceId: string): Promise<boolean> => this.hasSpacePermission(user, spaceId, { key: 'administer', targetType: 'space' });
  canCreatePagesIn = (user: string, spaceId: string): Promise<boolean> => this.hasSpacePermission(user, spaceId, { key: 'create', targetType: 'page' });
  /** The space's "view" permission for any user, from the permission list (no impersonation, no admin-only endpoint). */
  canViewSpace = (user: string, spaceId: string): Promise<boolean> => this.hasSpacePermission(user, spaceId, { key: 'read', targetType: 'space' });

  /** Which of these group ids exist (a directory lookup, as the app); one call per id, bounded by the gate. */
  async existingGroups(groupIds: string[]): Promise<Set<string>> {
    return new Set((await this.groupNames(groupIds)).keys());
  }

  /** Names of these group ids; an id that cannot name a Confluence group names none (absent), as an unknown one does. */
  async groupNames(groupIds: string[]): Promise<Map<string, string>> {
    const ids = [...new Set(groupIds)].filter(isPathId);
    const responses = await Promise.all(ids.map((id) => this.send({ method: 'GET', path: `/wiki/rest/api/group/by-id?id=${pathId(id, 'group')}`, actAs: 'app' })));
    return new Map(ids.flatMap((id, i) => (responses[i].status === 404 ? [] : [[id, this.parse(responses[i], groupSchema).name] as const])));
  }

  /** A space permission held directly or through a group. Who holds what is a directory question: asked as the app. */
  private async hasSpacePermission(user: string, spaceId: string, operation: SpaceOperation): Promise<boolean> {
    accountId(user);
    const grants = await this.grantsOf(spaceId, operation);
    if (grants.some((p) => p.principal.type === 'user' && p.principal.id === user)) return true;
    const groups = new Set(grants.filter((p) => p.principal.type === 'group').map((p) => p.principal.id));
    return groups.size > 0 && [...(await this.groupIdsOf(user))].some((g) => groups.has(g));
  }

  /** Who holds the space's 'administer' permission: users granted directly, then members of granted groups, at most SPACE_ADMINS_CAP (sorted). */
  async spaceAdmins(spaceId: string): Promise<string[]> {
    const grants = await this.grantsOf(spaceId, { key: 'administer', targetType: 'space' });
    const users = grants.filter((p) => p.principal.type === 'user').map((p) => p.principal.id);
    const members = await Promise.all(grants.filter((p) => p.principal.type === 'group').map((p) => this.groupMembersCapped(p.principal.id, SPACE_ADMINS_CAP)));
    return [...new Set([...users, ...members.flatMap((m) => m.members)])].slice(0, SPACE_ADMINS_CAP).sort();
  }

  /** The space's grants of one operation (its whole permission list, as the app); none for an unknown space or an id Confluence refuses (400). */
  private async grantsOf(spaceId: string, operation: SpaceOperation): Promise<Array<z.infer<typeof spacePermissionSchema>>> {
    const path = `/wiki/api/v2/spaces/${pathId(spaceId, 'space')}/permissions?limit=${CONFLUENCE_BATCH_SIZE}`;
    return (await this.listAllV2(path, spacePermissionSchema, 'app', { absentOn: [400, 404] })).filter((p) => p.operation.key === operation.key && p.operation.targetType === operation.targetType);
  }

  /** From the user's own Confluence permissions (administer on the application), never group names. */
  async isSiteAdmin(user: string): Promise<boolean> {
    accountId(user);
    const identity = this.identityOf(user);
    if (!identity) return false; // cannot ask as that user: not verifiable, so not an admin
    const response = await this.send({ method: 'GET', path: '/wiki/rest/api/user/current?expand=operations', actAs: identity });
    if (response.status === 401 || response.status === 403) return false;
    const me = this.parse(response, currentUserSchema);
    if (me.accountId !== user) return false;
    return (me.operations ?? []).some((o) => o.operation === 'administer' && o.targetType === 'application');
  }

  /** The user's group ids (v1 memberof, every page, as the app). A user Confluence does not know is in no group. */
  groupIdsOf = async (user: string): Promise<Set<string>> =>
    new Set((await this.listAllV1('/wiki/rest/api/user/memberof', new URLSearchParams({ accountId: accountId(user) }), groupSchema)).map((g) => g.id));

  /** A group's members as the app (a directory lookup), every page or at most `cap` from `start` (paging.ts). */
  getGroupMembers = async (groupId: string): Promise<string[]> => (await this.groupMembersCapped(groupId, Number.POSITIVE_INFINITY)).members;
  groupMembersCapped = async (groupId: string, cap: number, start = 0): Promise<{ members: string[]; more: boolean }> => {
    const query = new URLSearchParams(start > 0 ? { start: String(start) } : {});
    const { items, more } = await listV1((next) => this.send({ method: 'GET', path: next, actAs: 'app' }), `/wiki/rest/api/group/${pathId(groupId, 'group')}/membersByGroupId`, query, memberSchema, cap);
    return { members: items.map((m) => m.accountId), more };
  };

  async getUsers(accountIds: string[]): Promise<Map<string, UserInfo>> {
    const ids = [...new Set(accountIds)].map(accountId);
    const responses = await Promise.all(
      chunks(ids, CONFLUENCE_BATCH_SIZE).map((batch) => this.send({ method: 'POST', path: '/wiki/api/v2/users-bulk', body: { accountIds: batch }, actAs: 'app' })),
    );
    const users = new Map<string, UserInfo>();
    for (const response of responses) {
      for (const u of this.parse(response, v2ListSchema(userSchema)).results) {
        users.set(u.accountId, { accountId: u.accountId, displayName: u.displayName ?? u.publicName ?? u.accountId, ...accountStatusOf(u.accountStatus) });
      }
    }
    return users;
  }

  async pageVersionEditors(pageId: string, afterVersion: number, upToVersion: number): Promise<{ editors: string[]; verified: boolean }> {
    return readVersionEditors((path) => this.send({ method: 'GET', path, actAs: this.reader }), pathId(pageId, 'page'), afterVersion, upToVersion);
  }

  /** Page bodies, as the reader (page-content.ts). */
  getPageContent = (pageId: string, version?: number): Promise<PageContent | undefined> => readPageContent((r) => this.send(r), this.reader, pageId, version);
  writePageVersion = (input: PageVersionInput): Promise<number> => writePageVersion((r) => this.send(r), this.reader, input);
  /** The space tree as `user` sees it, and a posted comment by its reference (lifecycle-confluence.ts). */
  listChildren = (user: string, parent: TreeParent, cursor?: string): Promise<TreeLevel> => listChildren((r) => this.send(r), user, parent, cursor);
  findComment = (input: { pageId: string; parentCommentId?: string; text: string }): Promise<string | undefined> => findComment((r) => this.send(r), input);
  /** Picker search as the searching user (rest-directory.ts). */
  search = (user: string, kind: DirectoryKind, query: string, options: { limit: number; spaceId?: string }): Promise<DirectoryEntry[]> =>
    searchDirectory((r) => this.send(r), user, kind, query, options);

  async createPageComment(input: { pageId: string; bodyStorage: string; parentCommentId?: string }): Promise<string> {
    pathId(input.pageId, 'page');
    if (input.parentCommentId !== undefined) pathId(input.parentCommentId, 'comment');
    const response = await this.send({
      method: 'POST',
      path: '/wiki/api/v2/footer-comments',
      body: {
        pageId: input.pageId,
        ...(input.parentCommentId !== undefined ? { parentCommentId: input.parentCommentId } : {}),
        body: { representation: 'storage', value: input.bodyStorage },
      },
      actAs: 'app',
    });
    if (response.status === 404) throw new DomainError('PAGE_NOT_FOUND', 'The page (or the comment replied to) no longer exists.');
    return this.parse(response, commentSchema).id;
  }
  // ---------- plumbing ----------

  private listAllV2<T extends z.ZodTypeAny>(firstPath: string, item: T, actAs: Identity, options: { absentOn?: number[] } = {}): Promise<Array<z.infer<T>>> {
    return listAllV2((path) => this.send({ method: 'GET', path, actAs }), firstPath, item, options.absentOn ?? []);
  }

  private listAllV1<T extends z.ZodTypeAny>(path: string, query: URLSearchParams, item: T): Promise<Array<z.infer<T>>> {
    return listAllV1((next) => this.send({ method: 'GET', path: next, actAs: 'app' }), path, query, item);
  }

  private send = (request: ConfluenceRequest): Promise<ConfluenceResponse> => this.gate.run(() => this.transport.request(request));

  private parse = <T extends z.ZodTypeAny>(response: ConfluenceResponse, schema: T): z.infer<T> => parseOk(response, schema);
}

