/**
 * Page bodies over Confluence REST v2 (SPEC 2.4a): one version read with body-format=storage, and
 * a new version written with PUT. Both act as the given identity (the acting user); the body only
 * passes through, it is never kept.
 */
import type { PageContent, PageVersionInput } from '../../core/ports/confluence';
import { DomainError } from '../../core/domain/errors';
import type { ConfluenceRequest, ConfluenceResponse } from './transport';
import { pageSchema, pageWithBodySchema, pathId } from './rest-schemas';
import { parseOk } from './paging';

type Send = (request: ConfluenceRequest) => Promise<ConfluenceResponse>;
type Identity = NonNullable<ConfluenceRequest['actAs']>;

/** Answers that mean "this identity cannot see it" on a read made as a user. */
export const NOT_VISIBLE = [401, 403, 404];

export async function readPageContent(send: Send, actAs: Identity, pageId: string, version?: number): Promise<PageContent | undefined> {
  const query = new URLSearchParams({ 'body-format': 'storage' });
  if (version !== undefined) query.set('version', String(version));
  const response = await send({ method: 'GET', path: `/wiki/api/v2/pages/${pathId(pageId, 'page')}?${query.toString()}`, actAs });
  if (NOT_VISIBLE.includes(response.status)) return undefined;
  const page = parseOk(response, pageWithBodySchema);
  if (page.id !== pageId || (version !== undefined && page.version.number !== version)) return undefined;
  return { pageId, version: page.version.number, title: page.title, bodyStorage: page.body.storage?.value ?? '' };
}

export async function writePageVersion(send: Send, actAs: Identity, input: PageVersionInput): Promise<number> {
  const response = await send({
    method: 'PUT',
    path: `/wiki/api/v2/pages/${pathId(input.pageId, 'page')}`,
    body: {
      id: input.pageId,
      status: 'current',
      title: input.title,
      body: { representation: 'storage', value: input.bodyStorage },
      version: { number: input.version, message: input.message },
    },
    actAs,
  });
  if (response.status === 403) throw new DomainError('NOT_A_PAGE_EDITOR', 'You cannot edit this page.');
  if (NOT_VISIBLE.includes(response.status)) throw new DomainError('PAGE_NOT_FOUND', 'Page not found.');
  if (response.status === 409) throw new DomainError('PAGE_CHANGED', 'The page changed meanwhile; reload and try again.');
  return parseOk(response, pageSchema).version.number;
}
