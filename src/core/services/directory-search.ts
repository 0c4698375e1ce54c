/**
 * Name search for the pickers (SPEC §6), as the caller. Pages found are re-checked against the
 * caller's read right, so a restricted page never reaches a picker even if a search index lags.
 */
import { DomainError } from '../domain/errors';
import type { Directory } from '../ports/directory';
import type { DirectoryService } from './engine';
import type { EngineContext } from './context';
import { PageCache } from './page-cache';

export const MAX_SEARCH_RESULTS = 20;

export function createDirectoryService(ctx: EngineContext, directory: Directory | undefined): DirectoryService {
  return {
    async search(caller, kind, query, options = {}) {
      if (!directory) throw new DomainError('unavailable', 'UPSTREAM_UNAVAILABLE', 'Search is not available here.');
      const found = await directory.search(caller.accountId, kind, query, { limit: MAX_SEARCH_RESULTS, ...options });
      if (kind !== 'page') return found;
      const readable = await new PageCache(ctx, caller.accountId).readable(found.map((f) => f.id));
      return found.filter((f) => readable.has(f.id));
    },
  };
}
