/**
 * Name search for the pickers (SPEC §6), as the caller. Pages found are re-checked against the
 * caller's read right, so a restricted page never reaches a picker even if a search index lags.
 */
import type { DirectoryEntry, DirectoryKind } from '../ports/directory';
import type { Caller } from '../domain/caller';
import { defineOperation } from './operation';
import type { EngineContext } from './context';
import { PageCache } from './page-cache';

export const MAX_SEARCH_RESULTS = 20;

/** People, groups, pages of a space or spaces whose name matches, as the caller sees them. */
export const searchDirectory = defineOperation({
  rights: 'Any signed-in caller; Confluence answers as them, and pages are re-checked against their read right.',
  async execute(ctx: EngineContext, caller: Caller, kind: DirectoryKind, query: string, options: { spaceId?: string } = {}): Promise<DirectoryEntry[]> {
    const found = await ctx.confluence.search(caller.accountId, kind, query, { limit: MAX_SEARCH_RESULTS, ...options });
    if (kind !== 'page') return found;
    const readable = await new PageCache(ctx, caller.accountId).readable(found.map((f) => f.id));
    return found.filter((f) => readable.has(f.id));
  },
});
