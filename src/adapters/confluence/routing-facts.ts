/** A page's global labels and ancestor ids for routing (SPEC 2.2a), every page of each v2 list. */
import type { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import { CONFLUENCE_BATCH_SIZE, ancestorSchema, labelSchema, pathId } from './rest-schemas';

type ListAll = <T extends z.ZodTypeAny>(path: string, item: T) => Promise<Array<z.infer<T>>>;

export async function readRoutingFacts(listAll: ListAll, pageId: string): Promise<{ labels: Set<string>; ancestorIds: Set<string> } | undefined> {
  const page = pathId(pageId, 'page');
  try {
    const [labels, ancestors] = await Promise.all([
      listAll(`/wiki/api/v2/pages/${page}/labels?prefix=global&limit=${CONFLUENCE_BATCH_SIZE}`, labelSchema),
      listAll(`/wiki/api/v2/pages/${page}/ancestors?limit=${CONFLUENCE_BATCH_SIZE}`, ancestorSchema),
    ]);
    return { labels: new Set(labels.map((l) => l.name)), ancestorIds: new Set(ancestors.map((a) => a.id)) };
  } catch (error) {
    // refused or unexpected: routing is incomplete (throttling and outages stay retryable errors)
    if (error instanceof DomainError && error.code === 'CONFLUENCE_ERROR') return undefined;
    throw error;
  }
}
