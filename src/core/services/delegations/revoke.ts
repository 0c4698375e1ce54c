/**
 * Revoking a delegation (SPEC 2.3b): the delegator, its creator, or an admin of its scope (a site
 * admin; a space admin when the scope names only spaces they administer). Anyone else learns
 * nothing (DELEGATION_NOT_FOUND, as for a missing one). Revoking twice changes nothing.
 */
import type { Caller } from '../../domain/caller';
import type { Delegation } from '../../domain/delegation';
import { INSTALLATION_SPACE } from '../../audit/purge';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { denial } from '../denials';
import { withRetry } from '../retry';
import { defineOperation } from '../operation';
import { delegationNotFound, delegationPut, loadDelegation } from './store';

async function mayRevoke(ctx: EngineContext, caller: Caller, d: Delegation): Promise<boolean> {
  if (caller.accountId === d.delegatorAccountId || caller.accountId === d.createdBy) return true;
  if (await ctx.confluence.isSiteAdmin(caller.accountId)) return true;
  const spaces = d.scope.spaceIds ?? [];
  const access = new SpaceAccess(ctx, caller.accountId);
  return spaces.length > 0 && (await Promise.all(spaces.map((s) => access.isAdmin(s)))).every(Boolean);
}

export const revokeDelegation = defineOperation({
  rights: 'The delegator, its creator, a site admin, or a space admin of every space in its scope; anyone else: DELEGATION_NOT_FOUND (audited).',
  execute: (ctx: EngineContext, caller: Caller, delegationId: string) => revoke(ctx, caller, delegationId),
});

async function revoke(ctx: EngineContext, caller: Caller, delegationId: string): Promise<Delegation> {
  return withRetry(ctx, async () => {
    const current = await loadDelegation(ctx, delegationId);
    if (!current || !(await mayRevoke(ctx, caller, current))) {
      throw await denial(ctx, caller, delegationNotFound(), current?.scope.spaceIds?.[0] ?? INSTALLATION_SPACE, { operation: 'delegation.revoke' });
    }
    if (current.revokedAt !== undefined) return current;
    const now = ctx.clock.now();
    const next: Delegation = { ...current, revokedAt: now, revokedBy: caller.accountId };
    await commitWithAudit(ctx, [delegationPut(next, false)], [
      auditEntry(caller, 'delegation.revoked', current.scope.spaceIds?.[0] ?? INSTALLATION_SPACE, {
        details: { delegationId, delegator: current.delegatorAccountId, delegate: current.delegateAccountId },
      }),
    ]);
    return next;
  });
}
