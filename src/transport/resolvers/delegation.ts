/** Resolvers of delegations (SPEC 2.3b): "My delegations" on every surface, admin views on the space and admin pages. No REST route. */
import { z } from 'zod';
import type { Delegation } from '../../core/domain/delegation';
import { accountId, confluenceId, opaqueId, safeText } from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import { sealedResultPage } from '../shared/edge';
import { defineResolver } from './define';
import { paging } from './payload-fields';

/** SPEC 2.3b: an ISO 8601 UTC time; the window rules are the engine's (DELEGATION_INVALID_WINDOW). */
const isoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/, 'must be an ISO 8601 UTC time such as 2026-12-24T00:00:00Z');
const delegationFields = {
  delegateAccountId: accountId,
  startsAt: isoUtc,
  endsAt: isoUtc,
  scope: z.strictObject({ spaceIds: z.array(confluenceId).max(L.listPage.max).optional(), workflowIds: z.array(opaqueId).max(L.listPage.max).optional() }).optional(),
  mode: z.enum(['add', 'replace']),
  reason: safeText(L.comment.max).optional(),
};

export const delegationResolvers = [
  defineResolver('delegation.create', { writes: true, input: z.strictObject(delegationFields) }, async (input, { engine, caller }): Promise<{ delegation: Delegation }> => ({
    delegation: await engine.delegations.create(caller, input),
  })),
  defineResolver('delegation.createFor', { writes: true, input: z.strictObject({ delegatorAccountId: accountId, ...delegationFields }) }, async ({ delegatorAccountId, ...input }, { engine, caller }): Promise<{ delegation: Delegation }> => ({
    delegation: await engine.delegations.createFor(caller, delegatorAccountId, input),
  })),
  defineResolver('delegation.list', {
    writes: false,
    input: z.strictObject({
      role: z.enum(['delegator', 'delegate', 'admin']),
      spaceId: confluenceId.optional(),
      ...paging,
    }),
  }, async (input, env): Promise<{ delegations: Delegation[]; nextCursor?: string }> => {
    const listCursor = env.listCursor('delegation.list', { role: input.role, spaceId: input.spaceId, cursor: input.cursor });
    const { items, ...more } = await sealedResultPage(listCursor, (cursor) =>
      env.engine.delegations.list(env.caller, { role: input.role, ...(input.spaceId ? { spaceId: input.spaceId } : {}), ...(cursor ? { cursor } : {}), ...(input.limit ? { limit: input.limit } : {}) }),
    );
    return { delegations: items, ...more };
  }),
  defineResolver('delegation.revoke', { writes: true, input: z.strictObject({ delegationId: opaqueId }) }, async (input, { engine, caller }): Promise<{ delegation: Delegation }> => ({
    delegation: await engine.delegations.revoke(caller, input.delegationId),
  })),
];
