/**
 * Resolvers the Custom UI needs to show only what a person may do (SPEC §6): capabilities per
 * surface and change set, titles and names for lists, and name search for the pickers. Rights come
 * from the engine's own rules; nothing here decides who may do what.
 */
import { pageIdOf, spaceIdOf } from './context';
import { defineResolver, type ResolverDefinition } from './define';

export const uiResolvers: ResolverDefinition[] = [
  defineResolver('ui.capabilities', { writes: false }, async (input, { engine, caller, client }) => {
    if (input.surface === 'page') return { surface: 'page', page: await engine.capabilities.page(caller, pageIdOf(input, client)) };
    if (input.surface === 'space') return { surface: 'space', space: await engine.capabilities.space(caller, spaceIdOf(input, client)) };
    return { surface: 'admin', admin: await engine.capabilities.admin(caller) };
  }),
  defineResolver('ui.changeSetCapabilities', { writes: false }, async (input, { engine, caller }) => engine.capabilities.changeSet(caller, input.changeSetId)),
  defineResolver('ui.pageTitles', { writes: false }, async (input, { engine, caller }) => {
    const [pages, spaces, workflows] = await Promise.all([
      input.pageIds.length ? engine.capabilities.pageTitles(caller, input.pageIds) : {},
      input.spaceIds?.length ? engine.capabilities.spaceNames(caller, input.spaceIds) : {},
      input.workflowIds?.length ? engine.capabilities.workflowNames(caller, input.workflowIds) : {},
    ]);
    return { pages, spaces, workflows };
  }),
  defineResolver('ui.search', { writes: false }, async (input, { engine, caller, client }) => ({
    results: await engine.directory.search(caller, input.kind, input.query, input.kind === 'page' ? { spaceId: spaceIdOf(input, client) } : {}),
  })),
];
