/** Confluence REST response schemas, limits and id checks used by RestConfluenceSite. */
import { z } from 'zod';
import type { PageInfo, PageStatus } from '../../core/ports/confluence';
import { DomainError } from '../../core/domain/errors';
import { ACCOUNT_ID_PATTERN, PATH_ID_PATTERN } from '../../core/domain/fields';

/** Confluence's documented maximum for `id` values and `limit` on /pages, and for users-bulk. */
export const CONFLUENCE_BATCH_SIZE = 250;
/** v1 start/limit endpoints cap `limit` at 200. */
export const V1_PAGE_SIZE = 200;
/** A runaway `next` chain (a Confluence bug or a loop) must not hold an invocation for 25 s. */
export const MAX_FOLLOWED_PAGES = 50;

/** A `_links.next` we are willing to follow: same site, v2 API, no traversal, nothing but URL-safe characters. */
export const NEXT_LINK = /^\/wiki\/api\/v2\/[0-9A-Za-z_\-/]+(\?[0-9A-Za-z_\-.~%&=+]*)?$/;
/** v1 `_links.next` is relative to the /wiki context. */
export const V1_NEXT_LINK = /^\/rest\/api\/[0-9A-Za-z_\-/]+(\?[0-9A-Za-z_\-.~%&=+:]*)?$/;
/** The only `status` values the v2 page list accepts that we want (drafts are not listable). */
export const LISTED_STATUSES = ['current', 'archived'] as const;

export const PAGE_STATUSES = ['current', 'draft', 'archived', 'trashed', 'deleted'] as const;

/** v2 `include-operations=true`: the caller's permitted operations (at most 50, `meta.hasMore` past them). */
const operationsSchema = z.object({
  results: z.array(z.object({ operation: z.string(), targetType: z.string() })),
  meta: z.object({ hasMore: z.boolean().nullish() }).partial().nullish(),
});

export const pageSchema = z.object({
  id: z.string(),
  status: z.string(),
  title: z.string(),
  spaceId: z.string(),
  version: z.object({
    number: z.number().int(),
    authorId: z.string().optional(),
    message: z.string().nullish(),
  }),
  operations: operationsSchema.nullish(),
});

/** A page read with body-format=storage (one version). */
export const pageWithBodySchema = pageSchema.extend({
  body: z.object({ storage: z.object({ value: z.string() }).optional() }),
});

export const linksSchema = z.object({ next: z.string().optional() }).partial().optional();

export const v2ListSchema = <T extends z.ZodTypeAny>(item: T) => z.object({ results: z.array(item), _links: linksSchema });

export const labelSchema = z.object({ name: z.string(), prefix: z.string().optional() });
export const ancestorSchema = z.object({ id: z.string() });

export const spaceSchema = z.object({ id: z.string(), key: z.string(), name: z.string() });

export const spacePermissionSchema = z.object({
  principal: z.object({ type: z.string(), id: z.string() }),
  operation: z.object({ key: z.string(), targetType: z.string() }),
});

export const permissionCheckSchema = z.object({ hasPermission: z.boolean() });

export const v1ListSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ results: z.array(item), size: z.number().int().optional(), _links: linksSchema });

/** user/current?expand=operations: a Confluence admin holds `administer` on the application. */
export const currentUserSchema = z.object({
  accountId: z.string(),
  operations: z.array(z.object({ operation: z.string(), targetType: z.string() })).nullish(),
});

export const groupSchema = z.object({ id: z.string(), name: z.string() });

export const memberSchema = z.object({ accountId: z.string() });

export const userSchema = z.object({ accountId: z.string(), displayName: z.string().nullish(), publicName: z.string().nullish(), accountStatus: z.string().nullish() });

export const commentSchema = z.object({ id: z.string() });

export function confluenceError(message: string): DomainError {
  return new DomainError('CONFLUENCE_ERROR', message);
}

/** Whether Confluence could take the id in a URL path (domain/fields.ts PATH_ID_PATTERN). */
export const isPathId = (value: string): boolean => PATH_ID_PATTERN.test(value);

export function pathId(value: string, what: string): string {
  if (!isPathId(value)) throw new DomainError('INVALID_ID', `${what} id is not valid.`, [{ field: what, reason: 'invalid id' }]);
  return encodeURIComponent(value);
}

export function accountId(value: string): string {
  // account ids only travel in query strings and bodies, where every character of the shape is safe
  if (!ACCOUNT_ID_PATTERN.test(value)) throw new DomainError('INVALID_ID', 'Account id is not valid.', [{ field: 'accountId', reason: 'invalid id' }]);
  return value;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function toPageStatus(status: string): PageStatus {
  return (PAGE_STATUSES as readonly string[]).includes(status) ? (status as PageStatus) : 'current';
}


/** v2 version details (GET /wiki/api/v2/pages/{id}/versions/{n}); `collaborators` are account ids. */
export const versionDetailsSchema = z.object({
  number: z.number().int(),
  authorId: z.string().optional(),
  collaborators: z.array(z.string()).optional(),
});

/** A v2 page as the core's PageInfo. */
export function toPageInfo(page: z.infer<typeof pageSchema>): PageInfo {
  return {
    id: page.id,
    spaceId: page.spaceId,
    title: page.title,
    status: toPageStatus(page.status),
    version: page.version.number,
    ...(page.version.authorId ? { versionAuthorId: page.version.authorId } : {}),
    ...(page.version.message ? { versionMessage: page.version.message } : {}),
  };
}

/**
 * The reader's edit right as the page's stated operations say it (U24): `update` on the page is yes;
 * a complete list without any `update` is no; no list, a truncated one, or an `update` on another
 * target type leaves it unstated (the caller then asks permission/check).
 */
export function editableOf(page: z.infer<typeof pageSchema>): { editable?: boolean } {
  const ops = page.operations;
  if (!ops) return {};
  if (ops.results.some((o) => o.operation === 'update' && o.targetType === 'page')) return { editable: true };
  if (ops.meta?.hasMore || ops.results.some((o) => o.operation === 'update')) return {};
  return { editable: false };
}

/** Confluence's documented account states; anything else (or none) is left unsaid rather than guessed. */
export function accountStatusOf(status: string | null | undefined): { accountStatus?: 'active' | 'inactive' | 'closed' | 'unknown' } {
  return status === 'active' || status === 'inactive' || status === 'closed' || status === 'unknown' ? { accountStatus: status } : {};
}
