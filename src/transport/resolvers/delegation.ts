/** Resolvers of delegations (SPEC 2.3b): "My delegations" on every surface, admin views on the space and admin pages. No REST route. */
import { sealedResultPage } from '../shared/edge';
import { defineResolver, type ResolverDefinition } from './define';

export const delegationResolvers: ResolverDefinition[] = [
  defineResolver('delegation.create', { writes: true }, async (input, { engine, caller }) => ({
    delegation: await engine.delegations.create(caller, input),
  })),
  defineResolver('delegation.createFor', { writes: true }, async ({ delegatorAccountId, ...input }, { engine, caller }) => ({
    delegation: await engine.delegations.createFor(caller, delegatorAccountId, input),
  })),
  defineResolver('delegation.list', { writes: false }, async (input, env) => {
    const listCursor = env.listCursor('delegation.list', { role: input.role, spaceId: input.spaceId, cursor: input.cursor });
    const { items, ...more } = await sealedResultPage(listCursor, (cursor) =>
      env.engine.delegations.list(env.caller, { role: input.role, ...(input.spaceId ? { spaceId: input.spaceId } : {}), ...(cursor ? { cursor } : {}), ...(input.limit ? { limit: input.limit } : {}) }),
    );
    return { delegations: items, ...more };
  }),
  defineResolver('delegation.revoke', { writes: true }, async (input, { engine, caller }) => ({
    delegation: await engine.delegations.revoke(caller, input.delegationId),
  })),
];
