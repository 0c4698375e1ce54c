/**
 * LifecycleConfluence over Confluence Cloud REST v2 (v1 only for group members). The tree is read
 * AS THE USER (restricted pages stay hidden exactly as Confluence hides them); space admins and the
 * comment look-up act as the app, which posted those comments itself.
 *
 * Tree: the space's root pages come from `GET /spaces/{id}/pages?depth=root`; a page's or a
 * folder's children from `GET /pages|folders/{id}/direct-children` (pages and folders; whiteboards,
 * databases and embeds are skipped). Cursors are Confluence's own, validated before reuse.
 */
import { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import { FIELD_LIMITS } from '../../core/domain/limits';
import type { LifecycleConfluence, TreeLevel, TreeNode, TreeParent } from '../../core/ports/lifecycle-confluence';
import type { ConfluenceRequest, ConfluenceTransport } from './transport';

const PATH_ID = /^[0-9A-Za-z_-]{1,64}$/;
const CURSOR = new RegExp(`^[0-9A-Za-z_\\-.~%=+]{1,${FIELD_LIMITS.cursor.max}}$`);
const LEVEL_SIZE = 100;
const MAX_FOLLOWED = 20;

const links = z.object({ next: z.string().optional() }).partial().optional();
const list = <T extends z.ZodTypeAny>(item: T) => z.object({ results: z.array(item), _links: links });
const childSchema = z.object({ id: z.string(), title: z.string().nullish(), type: z.string().optional(), status: z.string().optional() });
const permissionSchema = z.object({ principal: z.object({ type: z.string(), id: z.string() }), operation: z.object({ key: z.string(), targetType: z.string() }) });
const commentSchema = z.object({ id: z.string(), body: z.object({ storage: z.object({ value: z.string() }).optional() }).optional() });
const membersSchema = z.object({ results: z.array(z.object({ accountId: z.string() })), _links: links });

function fail(message: string): DomainError {
  return new DomainError('CONFLUENCE_ERROR', message);
}

function id(value: string, what: string): string {
  if (!PATH_ID.test(value)) throw new DomainError('INVALID_ID', `${what} id is not valid.`, [{ field: what, reason: 'invalid id' }]);
  return encodeURIComponent(value);
}

/** The `cursor` query value of a `_links.next`, or undefined. */
function cursorOf(next: string | undefined): string | undefined {
  if (!next) return undefined;
  const value = new URLSearchParams(next.slice(next.indexOf('?') + 1)).get('cursor');
  return value && CURSOR.test(value) ? value : undefined;
}

export class RestLifecycleConfluence implements LifecycleConfluence {
  constructor(private readonly transport: ConfluenceTransport) {}

  async listChildren(accountId: string, parent: TreeParent, cursor?: string): Promise<TreeLevel> {
    if (cursor !== undefined && !CURSOR.test(cursor)) throw new DomainError('INVALID_CURSOR', 'The cursor is not valid.');
    const query = new URLSearchParams({ limit: String(LEVEL_SIZE) });
    if (cursor) query.set('cursor', cursor);
    let path: string;
    if (parent.kind === 'space') {
      query.set('depth', 'root');
      query.set('status', 'current');
      path = `/wiki/api/v2/spaces/${id(parent.spaceId, 'space')}/pages?${query.toString()}`;
    } else {
      path = `/wiki/api/v2/${parent.kind === 'page' ? 'pages' : 'folders'}/${id(parent.id, parent.kind)}/direct-children?${query.toString()}`;
    }
    const response = await this.send({ method: 'GET', path, actAs: { accountId } });
    if (response.status === 404 || response.status === 403) throw new DomainError('PAGE_NOT_FOUND', 'Page not found.');
    const body = this.parse(response, list(childSchema));
    const items: TreeNode[] = [];
    for (const child of body.results) {
      const type = parent.kind === 'space' ? 'page' : child.type;
      if ((type === 'page' || type === 'folder') && (child.status ?? 'current') === 'current') {
        items.push({ id: child.id, type, title: child.title ?? '' });
      }
    }
    const nextCursor = cursorOf(body._links?.next);
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  async spaceAdmins(spaceId: string): Promise<string[]> {
    const admins = new Set<string>();
    const groups: string[] = [];
    let path: string | undefined = `/wiki/api/v2/spaces/${id(spaceId, 'space')}/permissions?limit=250`;
    for (let n = 0; path; n++) {
      if (n >= MAX_FOLLOWED) throw fail('Confluence kept returning more pages than expected.');
      const response = await this.send({ method: 'GET', path });
      if (response.status === 404) return [];
      const body = this.parse(response, list(permissionSchema));
      for (const p of body.results) {
        if (p.operation.key !== 'administer' || p.operation.targetType !== 'space') continue;
        if (p.principal.type === 'user') admins.add(p.principal.id);
        if (p.principal.type === 'group') groups.push(p.principal.id);
      }
      path = this.nextPath(body._links?.next);
    }
    const members = await Promise.all(groups.map((g) => this.groupMembers(g)));
    for (const list of members) for (const m of list) admins.add(m);
    return [...admins].sort();
  }

  async findComment(input: { pageId: string; parentCommentId?: string; text: string }): Promise<string | undefined> {
    const base = input.parentCommentId
      ? `/wiki/api/v2/footer-comments/${id(input.parentCommentId, 'comment')}/children`
      : `/wiki/api/v2/pages/${id(input.pageId, 'page')}/footer-comments`;
    let path: string | undefined = `${base}?body-format=storage&limit=250`;
    for (let n = 0; path; n++) {
      if (n >= MAX_FOLLOWED) throw fail('Confluence kept returning more pages than expected.');
      const response = await this.send({ method: 'GET', path });
      if (response.status === 404) return undefined;
      const body = this.parse(response, list(commentSchema));
      const hit = body.results.find((c) => c.body?.storage?.value.includes(input.text));
      if (hit) return hit.id;
      path = this.nextPath(body._links?.next);
    }
    return undefined;
  }

  private async groupMembers(groupId: string): Promise<string[]> {
    const out: string[] = [];
    for (let start = 0, n = 0; ; start += 200, n++) {
      if (n >= MAX_FOLLOWED) throw fail('Confluence kept returning more pages than expected.');
      const response = await this.send({ method: 'GET', path: `/wiki/rest/api/group/${id(groupId, 'group')}/membersByGroupId?start=${start}&limit=200` });
      if (response.status === 404) return out;
      const body = this.parse(response, membersSchema);
      out.push(...body.results.map((m) => m.accountId));
      if (!body._links?.next) return out;
    }
  }

  /** Same-site v2 links only, rebuilt from the validated cursor (never a caller-supplied host or path). */
  private nextPath(next: string | undefined): string | undefined {
    if (!next) return undefined;
    const cursor = cursorOf(next);
    const path = next.slice(0, next.indexOf('?') === -1 ? next.length : next.indexOf('?'));
    if (!cursor || !/^\/wiki\/api\/v2\/[0-9A-Za-z_\-/]+$/.test(path) || path.includes('..')) throw fail('Confluence returned an unexpected pagination link.');
    const query = new URLSearchParams(next.slice(next.indexOf('?') + 1));
    query.set('cursor', cursor);
    return `${path}?${query.toString()}`;
  }

  private async send(request: ConfluenceRequest) {
    try {
      const response = await this.transport.request(request);
      if (response.status === 429) throw new DomainError('CONFLUENCE_RATE_LIMITED', 'Confluence is rate limiting the app; try again shortly.');
      return response;
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw fail('Confluence could not be reached.');
    }
  }

  private parse<T extends z.ZodTypeAny>(response: { status: number; body: unknown }, schema: T): z.infer<T> {
    if (response.status < 200 || response.status >= 300) throw fail(`Confluence answered with status ${response.status}.`);
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw fail('Confluence returned an unexpected response.');
    return parsed.data;
  }
}
