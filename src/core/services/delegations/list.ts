/**
 * Listing delegations (SPEC 2.3b) that have not ended, soonest end first: the caller's own (given or
 * received), or as an admin: a space admin those that cover their space, a site admin all of them.
 */
import type { Caller } from '../../domain/caller';
import type { Delegation, DelegationListRole } from '../../domain/delegation';
import { DomainError } from '../../domain/errors';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { denial, requireSiteAdmin } from '../denials';
import { defineOperation } from '../operation';
import { liveDelegations, liveDelegationsOf } from './store';

export const listDelegations = defineOperation({
  rights: 'Anyone, their own; role admin: a site admin (all), a space admin (their space; a space they cannot view answers SPACE_NOT_FOUND).',
  execute: (ctx: EngineContext, caller: Caller, options: { role: DelegationListRole; spaceId?: string; cursor?: string; limit?: number }) => list(ctx, caller, options),
});

async function list(
  ctx: EngineContext,
  caller: Caller,
  options: { role: DelegationListRole; spaceId?: string; cursor?: string; limit?: number },
): Promise<{ items: Delegation[]; nextCursor?: string }> {
  const now = ctx.clock.now();
  const page = { ...(options.cursor ? { cursor: options.cursor } : {}), ...(options.limit ? { limit: options.limit } : {}) };
  if (options.role !== 'admin') return liveDelegationsOf(ctx, options.role, caller.accountId, now, page);
  const access = new SpaceAccess(ctx, caller.accountId);
  const spaceId = options.spaceId;
  if (spaceId === undefined) {
    await requireSiteAdmin(ctx, caller, 'delegation.list');
    return liveDelegations(ctx, now, page);
  }
  if (!(await access.isAdmin(spaceId))) {
    // a space the caller cannot view answers like one that does not exist
    const refusal = (await access.canView(spaceId))
      ? new DomainError('FORBIDDEN', 'Only a space admin can list the delegations of a space.')
      : new DomainError('SPACE_NOT_FOUND', 'Space not found.');
    throw await denial(ctx, caller, refusal, spaceId, { operation: 'delegation.list' });
  }
  const all = await liveDelegations(ctx, now, page);
  return { ...all, items: all.items.filter((d) => !d.scope.spaceIds?.length || d.scope.spaceIds.includes(spaceId)) };
}
