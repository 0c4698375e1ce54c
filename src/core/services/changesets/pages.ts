/** The pages a change set lists: they must exist, be visible to the caller and be in its space. */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { ErrorDetail } from '../../domain/errors';
import type { EngineContext } from '../context';
import type { PageCache } from '../page-cache';
import { denial } from '../denials';
import { INSTALLATION_SPACE } from '../../audit/purge';

/** Pages must exist, be readable by the caller (else PAGE_NOT_FOUND, 404) and be in the space (else WRONG_SPACE, 400). */
export async function validatePages(ctx: EngineContext, caller: Caller, cache: PageCache, spaceId: string, pageIds: string[], operation: string): Promise<void> {
  const pages = await cache.pages(pageIds);
  const readable = await cache.readable(pageIds.filter((id) => pages.has(id)));
  const visible = (id: string): boolean => {
    const page = pages.get(id);
    return page !== undefined && readable.has(id) && page.status !== 'trashed' && page.status !== 'deleted';
  };
  const missing = pageIds.filter((id) => !visible(id));
  const [first] = missing;
  if (first !== undefined) {
    const error = new DomainError(
      'PAGE_NOT_FOUND',
      `Page not found: ${missing.join(', ')}.`,
      missing.map((pageId): ErrorDetail => ({ field: 'pageRefs', code: 'PAGE_NOT_FOUND', reason: `page ${pageId} not found` })),
    );
    // a page the caller cannot see reads as missing and is audited alike (SPEC 5), filed like PageCache.visiblePage files it
    throw await denial(ctx, caller, error, pages.get(first)?.spaceId ?? INSTALLATION_SPACE, { operation, pageId: first, details: { pageIds: missing } });
  }
  const wrong = pageIds.filter((id) => pages.get(id)?.spaceId !== spaceId);
  if (wrong.length > 0) {
    throw new DomainError(
      'WRONG_SPACE',
      `Pages not in space ${spaceId}: ${wrong.join(', ')}.`,
      wrong.map((pageId): ErrorDetail => ({ field: 'pageRefs', code: 'WRONG_SPACE', reason: `page ${pageId} is not in space ${spaceId}` })),
    );
  }
}

const EDIT_CHECK_BATCH = 10;

/**
 * SPEC 2.5: only someone who can edit a page of the space creates a change set. Checked on the
 * listed pages (all in the space), a few at a time, stopping at the first editable one. The first
 * batch is asked before the pages are validated, so an editor's pages need no separate read check
 * (PageCache), and the refusals keep their order: missing pages, wrong space, then no edit right.
 */
export async function validatePagesForCreate(ctx: EngineContext, caller: Caller, cache: PageCache, spaceId: string, pageIds: string[]): Promise<void> {
  const pages = await cache.pages(pageIds);
  const found = pageIds.filter((id) => pages.has(id));
  let { canEdit } = await cache.permissions(found.slice(0, EDIT_CHECK_BATCH));
  await validatePages(ctx, caller, cache, spaceId, pageIds, 'changeset.create');
  for (let i = EDIT_CHECK_BATCH; canEdit.size === 0 && i < found.length; i += EDIT_CHECK_BATCH) {
    ({ canEdit } = await cache.permissions(found.slice(i, i + EDIT_CHECK_BATCH)));
  }
  if (canEdit.size > 0) return;
  throw await denial(ctx, caller, new DomainError('FORBIDDEN', 'Only someone who can edit pages of the space can create a change set.'), spaceId, {
    operation: 'changeset.create',
  });
}
