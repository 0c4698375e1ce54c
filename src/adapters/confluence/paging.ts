/**
 * Confluence list paging and response checks shared by RestConfluenceSite: v2 and v1 lists are
 * followed by their validated `_links.next` until there is none (never by guessing from a short
 * page); every answer is 2xx + schema or a CONFLUENCE_ERROR that carries no part of the body.
 */
import type { z } from 'zod';
import type { ConfluenceResponse } from './transport';
import { MAX_FOLLOWED_PAGES, NEXT_LINK, V1_NEXT_LINK, V1_PAGE_SIZE, confluenceError, v1ListSchema, v2ListSchema } from './rest-schemas';

type Get = (path: string) => Promise<ConfluenceResponse>;

export function parseOk<T extends z.ZodTypeAny>(response: ConfluenceResponse, schema: T): z.infer<T> {
  if (response.status < 200 || response.status >= 300) throw confluenceError(`Confluence answered with status ${response.status}.`);
  const parsed = schema.safeParse(response.body);
  if (!parsed.success) throw confluenceError('Confluence returned an unexpected response.');
  return parsed.data;
}

/** A v2 list; `absentOn` statuses on the first page mean "nothing visible". */
export async function listAllV2<T extends z.ZodTypeAny>(get: Get, firstPath: string, item: T, absentOn: number[]): Promise<Array<z.infer<T>>> {
  const schema = v2ListSchema(item);
  const out: Array<z.infer<T>> = [];
  let path: string | undefined = firstPath;
  for (let followed = 0; path !== undefined; followed += 1) {
    if (followed >= MAX_FOLLOWED_PAGES) throw confluenceError('Confluence kept returning more pages than expected.');
    const response = await get(path);
    if (followed === 0 && absentOn.includes(response.status)) return [];
    const body = parseOk(response, schema);
    out.push(...body.results);
    const next = body._links?.next;
    if (next !== undefined && (!NEXT_LINK.test(next) || next.includes('..'))) throw confluenceError('Confluence returned an unexpected pagination link.');
    path = next;
  }
  return out;
}

/** A v1 start/limit list; links are relative to /wiki. A 404 (unknown user or group) is an empty list. */
export async function listAllV1<T extends z.ZodTypeAny>(get: Get, path: string, query: URLSearchParams, item: T): Promise<Array<z.infer<T>>> {
  return (await listV1(get, path, query, item, Number.POSITIVE_INFINITY)).items;
}

/**
 * The first `cap` items of a v1 list from `start` on, following `_links.next` (⌈cap/200⌉ calls at
 * most); `more`: the list goes on after them.
 */
export async function listV1<T extends z.ZodTypeAny>(get: Get, path: string, query: URLSearchParams, item: T, cap: number): Promise<{ items: Array<z.infer<T>>; more: boolean }> {
  const schema = v1ListSchema(item);
  const out: Array<z.infer<T>> = [];
  const first = new URLSearchParams(query);
  // a capped listing asks for no more than it keeps: `_links.next` still says whether more follow
  first.set('limit', String(Math.min(V1_PAGE_SIZE, cap)));
  let next: string | undefined = `${path}?${first.toString()}`;
  for (let followed = 0; next !== undefined && out.length < cap; followed += 1) {
    if (followed >= MAX_FOLLOWED_PAGES) throw confluenceError('Confluence kept returning more pages than expected.');
    const response = await get(next);
    if (followed === 0 && response.status === 404) return { items: [], more: false };
    const body = parseOk(response, schema);
    out.push(...body.results);
    const link = body._links?.next;
    if (link !== undefined && (!V1_NEXT_LINK.test(link) || link.includes('..'))) throw confluenceError('Confluence returned an unexpected pagination link.');
    next = link === undefined ? undefined : `/wiki${link}`;
  }
  return { items: out.slice(0, cap), more: out.length > cap || next !== undefined };
}
