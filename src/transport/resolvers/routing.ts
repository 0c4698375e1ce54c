/** Resolvers of the space page's routing rules editor and its "explain this page" (SPEC 2.2a), and its Automation labels (SPEC 3a). */
import { pageIdOf, spaceIdOf } from './context';
import { defineResolver, type ResolverDefinition } from './define';

export const routingResolvers: ResolverDefinition[] = [
  defineResolver('routing.rules.list', { writes: false }, async (input, { engine, caller, client }) => engine.routing.list(caller, spaceIdOf(input, client))),
  defineResolver('routing.rules.save', { writes: true }, async (input, { engine, caller, client }) =>
    engine.routing.save(caller, spaceIdOf(input, client), input.rules, input.expectedVersion),
  ),
  // the Automation label bridge (SPEC 3a) sits beside the rules in the space page
  defineResolver('automation.labels.get', { writes: false }, async (input, { engine, caller, client }) => engine.automation.getLabels(caller, spaceIdOf(input, client))),
  defineResolver('automation.labels.save', { writes: true }, async (input, { engine, caller, client }) =>
    engine.automation.saveLabels(caller, spaceIdOf(input, client), input.labelOnState, input.expectedVersion),
  ),
  defineResolver('routing.explain', { writes: false }, async (input, { engine, caller, client }) => engine.routing.explain(caller, pageIdOf(input, client))),
];
