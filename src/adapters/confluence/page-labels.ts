/**
 * The Automation label bridge's Confluence calls (SPEC 3a), always as the app (the engine decided
 * the state change; the app writes only labels it maps):
 *   GET    /wiki/api/v2/pages/{id}/labels?prefix=global       the page's global labels
 *   POST   /wiki/rest/api/content/{id}/label                 `[{prefix:"global", name}]` (adds, keeps the others)
 *   DELETE /wiki/rest/api/content/{id}/label?name=<label>    one label
 * Removal uses the query form: a label may be "." or "..", which the path form would turn into a
 * different path. Confluence needs the app to be allowed to edit the page for both writes.
 */
import { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import type { ConfluenceRequest, ConfluenceResponse } from './transport';
import { CONFLUENCE_BATCH_SIZE, confluenceError, labelSchema, pathId } from './rest-schemas';

type ListAll = <T extends z.ZodTypeAny>(path: string, item: T) => Promise<Array<z.infer<T>>>;
type Send = (request: ConfluenceRequest) => Promise<ConfluenceResponse>;

/** Statuses that mean "the app may not label this page" (or cannot see it): the bridge gives up on the page. */
const REFUSED = [401, 403, 404];

export async function readPageLabelsAsApp(listAll: ListAll, pageId: string): Promise<Set<string> | undefined> {
  try {
    const labels = await listAll(`/wiki/api/v2/pages/${pathId(pageId, 'page')}/labels?prefix=global&limit=${CONFLUENCE_BATCH_SIZE}`, labelSchema);
    return new Set(labels.map((l) => l.name));
  } catch (error) {
    // refused or unexpected: the bridge leaves the page alone (throttling and outages stay retryable)
    if (error instanceof DomainError && error.code === 'CONFLUENCE_ERROR') return undefined;
    throw error;
  }
}

/** Adds then removes; false as soon as Confluence refuses the app. A label already gone counts as removed. */
export async function changePageLabelsAsApp(send: Send, pageId: string, change: { add: string[]; remove: string[] }): Promise<boolean> {
  const content = `/wiki/rest/api/content/${pathId(pageId, 'page')}/label`;
  if (change.add.length > 0) {
    const response = await send({ method: 'POST', path: content, body: change.add.map((name) => ({ prefix: 'global', name })), actAs: 'app' });
    if (REFUSED.includes(response.status)) return false;
    if (response.status < 200 || response.status >= 300) throw confluenceError(`Confluence answered with status ${response.status}.`);
  }
  for (const name of change.remove) {
    const response = await send({ method: 'DELETE', path: `${content}?${new URLSearchParams({ name }).toString()}`, actAs: 'app' });
    if (response.status === 404) continue;
    if (REFUSED.includes(response.status)) return false;
    if (response.status < 200 || response.status >= 300) throw confluenceError(`Confluence answered with status ${response.status}.`);
  }
  return true;
}
