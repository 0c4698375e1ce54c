/**
 * The resolver's view of the Custom UI context. Only the fields we use, parsed leniently: the browser
 * can forge them, so page and space ids from the context are hints that pass the same id rules as a
 * payload, and the engine re-checks every right.
 */
import { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import { confluenceId } from '../../core/domain/fields';

const idLike = z.union([z.string(), z.number()]).transform(String);

export const clientContextSchema = z.object({
  moduleKey: z.string().optional(),
  /** set by the platform (@forge/resolver overwrites the client's): the site ARI */
  installContext: z.string().optional(),
  cloudId: z.string().optional(),
  siteUrl: z.string().optional(),
  environmentId: z.string().optional(),
  localId: z.string().optional(),
  extension: z
    .object({
      content: z.object({ id: idLike.optional() }).optional(),
      space: z.object({ id: idLike.optional() }).optional(),
    })
    .optional(),
});
export type ClientContext = z.infer<typeof clientContextSchema>;

export function parseClientContext(context: unknown): ClientContext {
  const parsed = clientContextSchema.safeParse(context);
  return parsed.success ? parsed.data : {};
}

function checkedId(field: 'pageId' | 'spaceId', value: string): string {
  const parsed = confluenceId.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new DomainError('INVALID_REQUEST', 'The request is invalid; see details for each field.', [
    { field, code: 'INVALID_VALUE', reason: parsed.error.issues[0]?.message ?? 'must be a Confluence id' },
  ]);
}

export function pageIdOf(input: { pageId?: string }, client: ClientContext): string {
  const pageId = input.pageId ?? client.extension?.content?.id;
  if (!pageId) throw new DomainError('PAGE_ID_REQUIRED', 'No page was given and this view is not on a page.');
  return checkedId('pageId', pageId);
}

export function spaceIdOf(input: { spaceId?: string }, client: ClientContext): string {
  const spaceId = input.spaceId ?? client.extension?.space?.id;
  if (!spaceId) throw new DomainError('SPACE_ID_REQUIRED', 'No space was given and this view is not in a space.');
  return checkedId('spaceId', spaceId);
}

/**
 * Drops keys whose value is undefined, so the engine sees "absent" rather than "set to undefined"
 * (a spread of defaults then keeps its default). Only optional keys can hold undefined, so the type
 * is unchanged.
 */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
