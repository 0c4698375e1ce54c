/**
 * ConfluenceSite over Confluence Cloud REST (v2 where it exists, v1 for permission checks and
 * groups), acting as the app through a ConfluenceTransport.
 *
 * Every path is built here from validated, encodeURIComponent-ed parts, which is what lets the Forge
 * transport hand paths to requestConfluence as trusted routes. Every response is validated with zod.
 * Nothing is cached across calls (Forge forbids keeping tenant data between invocations); a lookup
 * shared by one call (a user's groups in isSpaceAdmin) lives only for that call.
 */
import { z } from 'zod';
import type {
  ConfluenceSite,
  PageInfo,
  PageOperation,
  PageStatus,
  SpaceInfo,
  UserInfo,
} from '../../core/ports/confluence';
import { DomainError } from '../../core/domain/errors';
import type { ConfluenceRequest, ConfluenceResponse, ConfluenceTransport } from './transport';

/** Confluence's documented maximum for `id` values and `limit` on /pages, and for users-bulk. */
export const CONFLUENCE_BATCH_SIZE = 250;
/** v1 start/limit endpoints cap `limit` at 200. */
const V1_PAGE_SIZE = 200;
/** A runaway `next` chain (a Confluence bug or a loop) must not hold an invocation for 25 s. */
const MAX_FOLLOWED_PAGES = 50;

const PATH_ID = /^[0-9A-Za-z_-]{1,64}$/;
/** Atlassian account ids also contain ':' (e.g. "557058:0f1e…"); they only travel in query strings and bodies. */
const ACCOUNT_ID = /^[0-9A-Za-z:_-]{1,128}$/;
/** A `_links.next` we are willing to follow: same site, v2 API, no traversal, nothing but URL-safe characters. */
const NEXT_LINK = /^\/wiki\/api\/v2\/[0-9A-Za-z_\-/]+(\?[0-9A-Za-z_\-.~%&=+]*)?$/;

const PAGE_STATUSES = ['current', 'draft', 'archived', 'trashed', 'deleted'] as const;

const pageSchema = z.object({
  id: z.string(),
  status: z.string(),
  title: z.string(),
  spaceId: z.string(),
  version: z.object({
    number: z.number().int(),
    authorId: z.string().optional(),
    message: z.string().nullish(),
  }),
});

const linksSchema = z.object({ next: z.string().optional() }).partial().optional();

const v2ListSchema = <T extends z.ZodTypeAny>(item: T) => z.object({ results: z.array(item), _links: linksSchema });

const spaceSchema = z.object({ id: z.string(), key: z.string(), name: z.string() });

const spacePermissionSchema = z.object({
  principal: z.object({ type: z.string(), id: z.string() }),
  operation: z.object({ key: z.string(), targetType: z.string() }),
});

const permissionCheckSchema = z.object({ hasPermission: z.boolean() });

const v1ListSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ results: z.array(item), size: z.number().int().optional() });

const groupSchema = z.object({ id: z.string(), name: z.string() });

const memberSchema = z.object({ accountId: z.string() });

const userSchema = z.object({ accountId: z.string(), displayName: z.string().nullish(), publicName: z.string().nullish() });

const commentSchema = z.object({ id: z.string() });

function confluenceError(message: string): DomainError {
  return new DomainError('internal', 'CONFLUENCE_ERROR', message);
}

function pathId(value: string, what: string): string {
  if (!PATH_ID.test(value)) throw new DomainError('invalid', 'INVALID_ID', `${what} id is not valid.`, [{ field: what, reason: 'invalid id' }]);
  return encodeURIComponent(value);
}

function accountId(value: string): string {
  if (!ACCOUNT_ID.test(value)) throw new DomainError('invalid', 'INVALID_ID', 'Account id is not valid.', [{ field: 'accountId', reason: 'invalid id' }]);
  return value;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toPageStatus(status: string): PageStatus {
  return (PAGE_STATUSES as readonly string[]).includes(status) ? (status as PageStatus) : 'current';
}

export class RestConfluenceSite implements ConfluenceSite {
  constructor(private readonly transport: ConfluenceTransport) {}

  async getPages(pageIds: string[]): Promise<Map<string, PageInfo>> {
    const ids = [...new Set(pageIds)];
    for (const id of ids) pathId(id, 'page');
    const found = new Map<string, PageInfo>();
    // batches are independent: run them side by side, ⌈N/250⌉ calls in all
    const batches = await Promise.all(
      chunks(ids, CONFLUENCE_BATCH_SIZE).map((batch) => {
        const query = new URLSearchParams();
        for (const id of batch) query.append('id', id);
        query.set('limit', String(CONFLUENCE_BATCH_SIZE));
        query.append('status', 'current');
        query.append('status', 'draft');
        return this.listAllV2(`/wiki/api/v2/pages?${query}`, pageSchema);
      }),
    );
    for (const page of batches.flat()) {
      found.set(page.id, {
        id: page.id,
        spaceId: page.spaceId,
        title: page.title,
        status: toPageStatus(page.status),
        version: page.version.number,
        ...(page.version.authorId ? { versionAuthorId: page.version.authorId } : {}),
        ...(page.version.message ? { versionMessage: page.version.message } : {}),
      });
    }
    return found;
  }

  async checkPagePermission(user: string, pageId: string, operation: PageOperation): Promise<boolean> {
    const response = await this.send({
      method: 'POST',
      path: `/wiki/rest/api/content/${pathId(pageId, 'page')}/permission/check`,
      body: { subject: { type: 'user', identifier: accountId(user) }, operation },
    });
    if (response.status === 404) return false;
    return this.parse(response, permissionCheckSchema).hasPermission;
  }

  async getSpace(spaceId: string): Promise<SpaceInfo | undefined> {
    const response = await this.send({ method: 'GET', path: `/wiki/api/v2/spaces/${pathId(spaceId, 'space')}` });
    if (response.status === 404) return undefined;
    const space = this.parse(response, spaceSchema);
    return { id: space.id, key: space.key, name: space.name };
  }

  async isSpaceAdmin(user: string, spaceId: string): Promise<boolean> {
    return this.hasSpacePermission(user, spaceId, 'administer');
  }

  // ---- added for workflow governance (engine branch `core`, issue 10) ----

  async canViewSpace(user: string, spaceId: string): Promise<boolean> {
    return this.hasSpacePermission(user, spaceId, 'read');
  }

  async existingGroups(groupIds: string[]): Promise<Set<string>> {
    const ids = [...new Set(groupIds)];
    const found = await Promise.all(
      ids.map(async (id) => {
        const response = await this.send({ method: 'GET', path: `/wiki/rest/api/group/by-id?id=${pathId(id, 'group')}` });
        if (response.status === 404) return undefined;
        return this.parse(response, groupSchema).id;
      }),
    );
    return new Set(found.filter((id): id is string => id !== undefined));
  }

  /** A space permission (operation key on the space) held by the user directly or through a group. */
  private async hasSpacePermission(user: string, spaceId: string, key: 'read' | 'administer'): Promise<boolean> {
    accountId(user);
    const permissions = await this.listAllV2(
      `/wiki/api/v2/spaces/${pathId(spaceId, 'space')}/permissions?limit=${CONFLUENCE_BATCH_SIZE}`,
      spacePermissionSchema,
      { absentOn404: true },
    );
    const grants = permissions.filter((p) => p.operation.key === key && p.operation.targetType === 'space');
    if (grants.some((p) => p.principal.type === 'user' && p.principal.id === user)) return true;
    const grantedGroups = new Set(grants.filter((p) => p.principal.type === 'group').map((p) => p.principal.id));
    if (grantedGroups.size === 0) return false;
    const groups = await this.groupsOf(user);
    return groups.some((g) => grantedGroups.has(g.id));
  }

  async isSiteAdmin(user: string): Promise<boolean> {
    const groups = await this.groupsOf(accountId(user));
    return groups.some((g) => g.name === 'site-admins' || g.name === 'confluence-administrators');
  }

  async getGroupMembers(groupId: string): Promise<string[]> {
    const members = await this.listAllV1(
      `/wiki/rest/api/group/${pathId(groupId, 'group')}/membersByGroupId`,
      new URLSearchParams(),
      memberSchema,
      { absentOn404: true },
    );
    return members.map((m) => m.accountId);
  }

  async getUsers(accountIds: string[]): Promise<Map<string, UserInfo>> {
    const ids = [...new Set(accountIds)].map(accountId);
    const responses = await Promise.all(
      chunks(ids, CONFLUENCE_BATCH_SIZE).map((batch) =>
        this.send({ method: 'POST', path: '/wiki/api/v2/users-bulk', body: { accountIds: batch } }),
      ),
    );
    const users = new Map<string, UserInfo>();
    for (const response of responses) {
      for (const u of this.parse(response, v2ListSchema(userSchema)).results) {
        users.set(u.accountId, { accountId: u.accountId, displayName: u.displayName ?? u.publicName ?? u.accountId });
      }
    }
    return users;
  }

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
    });
    if (response.status === 404) throw new DomainError('not_found', 'PAGE_NOT_FOUND', 'The page (or the comment replied to) no longer exists.');
    return this.parse(response, commentSchema).id;
  }

  // ---------- plumbing ----------

  /** The user's groups (v1 memberof, all pages). A user Confluence does not know is in no group. */
  private async groupsOf(user: string): Promise<Array<z.infer<typeof groupSchema>>> {
    return this.listAllV1('/wiki/rest/api/user/memberof', new URLSearchParams({ accountId: user }), groupSchema, {
      absentOn404: true,
    });
  }

  /** Follows v2 `_links.next` (validated before use) until the last page. */
  private async listAllV2<T extends z.ZodTypeAny>(
    firstPath: string,
    item: T,
    options: { absentOn404?: boolean } = {},
  ): Promise<Array<z.infer<T>>> {
    const schema = v2ListSchema(item);
    const out: Array<z.infer<T>> = [];
    let path: string | undefined = firstPath;
    for (let followed = 0; path !== undefined; followed += 1) {
      if (followed >= MAX_FOLLOWED_PAGES) throw confluenceError('Confluence kept returning more pages than expected.');
      const response = await this.send({ method: 'GET', path });
      if (response.status === 404 && options.absentOn404) return [];
      const body = this.parse(response, schema);
      out.push(...body.results);
      const next = body._links?.next;
      if (next !== undefined && (!NEXT_LINK.test(next) || next.includes('..'))) {
        throw confluenceError('Confluence returned an unexpected pagination link.');
      }
      path = next;
    }
    return out;
  }

  /** Pages through a v1 start/limit list until a short page. */
  private async listAllV1<T extends z.ZodTypeAny>(
    path: string,
    query: URLSearchParams,
    item: T,
    options: { absentOn404?: boolean } = {},
  ): Promise<Array<z.infer<T>>> {
    const schema = v1ListSchema(item);
    const out: Array<z.infer<T>> = [];
    for (let start = 0, followed = 0; ; start += V1_PAGE_SIZE, followed += 1) {
      if (followed >= MAX_FOLLOWED_PAGES) throw confluenceError('Confluence kept returning more pages than expected.');
      const q = new URLSearchParams(query);
      q.set('start', String(start));
      q.set('limit', String(V1_PAGE_SIZE));
      const response = await this.send({ method: 'GET', path: `${path}?${q}` });
      if (response.status === 404 && options.absentOn404) return [];
      const results = this.parse(response, schema).results;
      out.push(...results);
      if (results.length < V1_PAGE_SIZE) return out;
    }
  }

  private async send(request: ConfluenceRequest): Promise<ConfluenceResponse> {
    let response: ConfluenceResponse;
    try {
      response = await this.transport.request(request);
    } catch {
      throw confluenceError('Confluence could not be reached.');
    }
    if (response.status === 429) {
      throw new DomainError('rate_limited', 'CONFLUENCE_RATE_LIMITED', 'Confluence is rate limiting the app; try again shortly.');
    }
    return response;
  }

  /** 2xx + schema, or a CONFLUENCE_ERROR that carries no part of Confluence's body (expected 404s are handled by callers first). */
  private parse<T extends z.ZodTypeAny>(response: ConfluenceResponse, schema: T): z.infer<T> {
    if (response.status < 200 || response.status >= 300) {
      throw confluenceError(`Confluence answered with status ${response.status}.`);
    }
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw confluenceError('Confluence returned an unexpected response.');
    return parsed.data;
  }
}
