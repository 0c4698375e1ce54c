/**
 * The space tree and the comment look-up over Confluence REST v2, for RestConfluenceSite (the one
 * client: its call gate, its paging helper and its answer checks). The tree is read AS THE USER
 * (restricted pages stay hidden exactly as Confluence hides them); the comment look-up acts as the
 * app, which posted those comments itself.
 *
 * Tree: the space's root pages come from `GET /spaces/{id}/pages?depth=root`; a page's or a
 * folder's children from `GET /pages|folders/{id}/direct-children` (pages and folders; whiteboards,
 * databases and embeds are skipped). Cursors are Confluence's own, validated before reuse.
 */
import { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import { FIELD_LIMITS } from '../../core/domain/limits';
import type { TreeLevel, TreeNode, TreeParent } from '../../core/ports/lifecycle-confluence';
import type { ConfluenceRequest, ConfluenceResponse } from './transport';
import { CONFLUENCE_BATCH_SIZE, commentSchema, pathId, v2ListSchema } from './rest-schemas';
import { listAllV2, parseOk } from './paging';

type Send = (request: ConfluenceRequest) => Promise<ConfluenceResponse>;

const CURSOR = new RegExp(`^[0-9A-Za-z_\\-.~%=+]{1,${FIELD_LIMITS.cursor.max}}$`);
const LEVEL_SIZE = 100;

const childSchema = z.object({ id: z.string(), title: z.string().nullish(), type: z.string().optional(), status: z.string().optional() });
const commentWithBodySchema = commentSchema.extend({ body: z.object({ storage: z.object({ value: z.string() }).optional() }).optional() });

/** The `cursor` query value of a `_links.next`, or undefined. */
function cursorOf(next: string | undefined): string | undefined {
  if (!next) return undefined;
  const value = new URLSearchParams(next.slice(next.indexOf('?') + 1)).get('cursor');
  return value && CURSOR.test(value) ? value : undefined;
}

/** Direct children (pages and folders) of a space's root or of a page/folder, as `accountId` sees them. */
export async function listChildren(send: Send, accountId: string, parent: TreeParent, cursor?: string): Promise<TreeLevel> {
  if (cursor !== undefined && !CURSOR.test(cursor)) throw new DomainError('INVALID_CURSOR', 'The cursor is not valid.');
  const query = new URLSearchParams({ limit: String(LEVEL_SIZE) });
  if (cursor) query.set('cursor', cursor);
  let path: string;
  if (parent.kind === 'space') {
    query.set('depth', 'root');
    query.set('status', 'current');
    path = `/wiki/api/v2/spaces/${pathId(parent.spaceId, 'space')}/pages?${query.toString()}`;
  } else {
    path = `/wiki/api/v2/${parent.kind === 'page' ? 'pages' : 'folders'}/${pathId(parent.id, parent.kind)}/direct-children?${query.toString()}`;
  }
  const response = await send({ method: 'GET', path, actAs: { accountId } });
  if (response.status === 404 || response.status === 403) throw new DomainError('PAGE_NOT_FOUND', 'Page not found.');
  const body = parseOk(response, v2ListSchema(childSchema));
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

/** Id of a footer comment on the page (a reply to `parentCommentId` when given) whose body contains `text`; as the app. */
export async function findComment(send: Send, input: { pageId: string; parentCommentId?: string; text: string }): Promise<string | undefined> {
  const base = input.parentCommentId
    ? `/wiki/api/v2/footer-comments/${pathId(input.parentCommentId, 'comment')}/children`
    : `/wiki/api/v2/pages/${pathId(input.pageId, 'page')}/footer-comments`;
  const get = (path: string) => send({ method: 'GET', path, actAs: 'app' });
  const comments = await listAllV2(get, `${base}?body-format=storage&limit=${CONFLUENCE_BATCH_SIZE}`, commentWithBodySchema, [404]);
  return comments.find((c) => c.body?.storage?.value.includes(input.text))?.id;
}
