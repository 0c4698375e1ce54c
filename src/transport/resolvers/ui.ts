/**
 * Resolvers the Custom UI needs to show only what a person may do (SPEC §6): capabilities per
 * surface and change set, titles and names for lists, and name search for the pickers. Rights come
 * from the engine's own rules; nothing here decides who may do what.
 */
import { z } from 'zod';
import { INSTALLATION_SPACE } from '../../core/audit/purge';
import { confluenceId, nonBlankText, opaqueId } from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import type { DirectoryEntry } from '../../core/ports/directory';
import type { PageCapabilities, SpaceCapabilities } from '../../core/services/engine';
import { pageIdOf, spaceIdOf } from './context';
import type { AdminCapabilities } from './contract';
import { defineResolver } from './define';
import { optionalPageId, optionalSpaceId } from './payload-fields';

/** What each surface may do, for the UI to show only that. */
export type SurfaceCapabilities =
  | { surface: 'page'; page: PageCapabilities }
  | { surface: 'space'; space: SpaceCapabilities }
  | { surface: 'admin'; admin: AdminCapabilities };

export const uiResolvers = [
  defineResolver('ui.capabilities', { writes: false, input: z.strictObject({ surface: z.enum(['page', 'space', 'admin']), ...optionalPageId, ...optionalSpaceId }) }, async (input, { engine, caller, client }): Promise<SurfaceCapabilities> => {
    if (input.surface === 'page') return { surface: 'page', page: await engine.capabilities.page(caller, pageIdOf(input, client)) };
    if (input.surface === 'space') return { surface: 'space', space: await engine.capabilities.space(caller, spaceIdOf(input, client)) };
    return { surface: 'admin', admin: await engine.capabilities.admin(caller) };
  }),
  defineResolver('ui.changeSetCapabilities', {
    writes: false,
    input: z.strictObject({ changeSetId: opaqueId }),
  }, async (input, { engine, caller }): Promise<{ changeSetId: string; update: boolean; submit: boolean; archive: boolean }> => engine.capabilities.changeSet(caller, input.changeSetId)),
  // Audit rows of site-level records carry the installation's marker instead of a space id: accepted (and named by nobody), so one such row never costs the whole batch its names.
  defineResolver('ui.pageTitles', {
    writes: false,
    input: z.strictObject({
      pageIds: z.array(confluenceId).max(L.listPage.max),
      spaceIds: z.array(z.union([confluenceId, z.literal(INSTALLATION_SPACE)])).max(L.listPage.max).optional(),
      workflowIds: z.array(opaqueId).max(L.listPage.max).optional(),
    }),
  }, async (input, { engine, caller }): Promise<{ pages: Record<string, { title: string; spaceId: string }>; spaces: Record<string, { key: string; name: string }>; workflows: Record<string, string> }> => {
    const [pages, spaces, workflows] = await Promise.all([
      input.pageIds.length ? engine.capabilities.pageTitles(caller, input.pageIds) : {},
      input.spaceIds?.length ? engine.capabilities.spaceNames(caller, input.spaceIds) : {},
      input.workflowIds?.length ? engine.capabilities.workflowNames(caller, input.workflowIds) : {},
    ]);
    return { pages, spaces, workflows };
  }),
  defineResolver('ui.search', {
    writes: false,
    input: z.strictObject({
      kind: z.enum(['user', 'group', 'page', 'space']),
      query: nonBlankText(L.searchQuery.max),
      ...optionalSpaceId,
    }),
  }, async (input, { engine, caller, client }): Promise<{ results: DirectoryEntry[] }> => ({
    results: await engine.directory.search(caller, input.kind, input.query, input.kind === 'page' ? { spaceId: spaceIdOf(input, client) } : {}),
  })),
];
