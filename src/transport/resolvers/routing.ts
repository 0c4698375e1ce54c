/** Resolvers of the space page's routing rules editor and its "explain this page" (SPEC 2.2a). */
import { pageIdOf, spaceIdOf } from './context';
import { defineResolver, type ResolverDefinition } from './define';

export const routingResolvers: ResolverDefinition[] = [
  defineResolver('routing.rules.list', { writes: false }, async (input, { engine, caller, ctx }) => engine.routing.list(caller, spaceIdOf(input, ctx))),
  defineResolver('routing.rules.save', { writes: true }, async (input, { engine, caller, ctx }) =>
    engine.routing.save(caller, spaceIdOf(input, ctx), input.rules, input.expectedVersion),
  ),
  defineResolver('routing.explain', { writes: false }, async (input, { engine, caller, ctx }) => engine.routing.explain(caller, pageIdOf(input, ctx))),
];
