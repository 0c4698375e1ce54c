/**
 * Creating a delegation (SPEC 2.3b): `create` delegates the caller's own slots; `createFor` lets a
 * space admin delegate someone's slots within spaces they administer (scope required), and a site
 * admin anyone's. Audited `delegation.created` in the same transaction.
 */
import type { Caller } from '../../domain/caller';
import type { Delegation, DelegationInput, DelegationScope } from '../../domain/delegation';
import { checkWindow, isLive, overlaps, sameScope } from '../../domain/delegation';
import { DomainError } from '../../domain/errors';
import { INSTALLATION_SPACE } from '../../audit/purge';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { denial } from '../denials';
import { withRetry } from '../retry';
import { defineOperation } from '../operation';
import { currentDelegations, delegationPut, liveDelegationsOf } from './store';

export const createDelegation = defineOperation({
  rights: 'Anyone, for their own approver slots.',
  async execute(ctx: EngineContext, caller: Caller, input: DelegationInput): Promise<Delegation> {
    return create(ctx, caller, caller.accountId, input);
  },
});

export const createDelegationFor = defineOperation({
  rights: 'A site admin for anyone; a space admin within spaces they administer, named in scope.spaceIds (else FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller, delegatorAccountId: string, input: DelegationInput): Promise<Delegation> {
    return createFor(ctx, caller, delegatorAccountId, input);
  },
});

async function createFor(ctx: EngineContext, caller: Caller, delegatorAccountId: string, input: DelegationInput): Promise<Delegation> {
  const access = new SpaceAccess(ctx, caller.accountId);
  const spaces = input.scope?.spaceIds ?? [];
  const siteAdmin = await ctx.confluence.isSiteAdmin(caller.accountId);
  if (!siteAdmin) {
    const administered = spaces.length > 0 && (await Promise.all(spaces.map((s) => access.isAdmin(s)))).every(Boolean);
    if (!administered) {
      const refusal = new DomainError('FORBIDDEN', 'Only a site admin, or a space admin for spaces they administer (name them in scope.spaceIds), can delegate for someone else.');
      throw await denial(ctx, caller, refusal, spaces[0] ?? INSTALLATION_SPACE, { operation: 'delegation.createFor' });
    }
  }
  return create(ctx, caller, delegatorAccountId, input);
}

async function create(ctx: EngineContext, caller: Caller, delegatorAccountId: string, input: DelegationInput): Promise<Delegation> {
  const now = ctx.clock.now();
  const { start, end } = checkWindow(input.startsAt, input.endsAt, now);
  await requireKnownPeople(ctx, delegatorAccountId, input.delegateAccountId);
  const scope: DelegationScope = {
    ...(input.scope?.spaceIds?.length ? { spaceIds: [...new Set(input.scope.spaceIds)] } : {}),
    ...(input.scope?.workflowIds?.length ? { workflowIds: [...new Set(input.scope.workflowIds)] } : {}),
  };
  const delegation: Delegation = {
    id: ctx.ids.next('dlg'),
    delegatorAccountId,
    delegateAccountId: input.delegateAccountId,
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(end).toISOString(),
    scope,
    mode: input.mode,
    ...(input.reason?.trim() ? { reason: input.reason.trim() } : {}),
    createdBy: caller.accountId,
    createdAt: now,
  };
  return withRetry(ctx, async () => {
    const { items } = await liveDelegationsOf(ctx, 'delegator', delegatorAccountId, now);
    // one revoked a moment ago may still be listed as it was (U22): a clash is confirmed by key
    const clashing = (d: Delegation) => isLive(d, now) && sameScope(d.scope, scope) && overlaps(d, start, end);
    if ((await currentDelegations(ctx, items.filter(clashing))).some(clashing)) {
      throw new DomainError('DELEGATION_OVERLAP', 'An active delegation of the same person and scope overlaps this window; revoke it or pick another window.');
    }
    await commitWithAudit(ctx, [delegationPut(delegation, true)], [
      auditEntry(caller, 'delegation.created', scope.spaceIds?.[0] ?? INSTALLATION_SPACE, {
        ...(scope.workflowIds?.[0] ? { workflowId: scope.workflowIds[0] } : {}),
        details: { delegationId: delegation.id, delegator: delegatorAccountId, delegate: delegation.delegateAccountId, mode: delegation.mode, startsAt: delegation.startsAt, endsAt: delegation.endsAt, startsNow: start <= now, scope },
      }),
    ]);
    return delegation;
  });
}

/** The delegate must exist and differ from the delegator (SPEC 2.3b: else 400 UNKNOWN_APPROVER); so must the delegator. */
async function requireKnownPeople(ctx: EngineContext, delegator: string, delegate: string): Promise<void> {
  if (delegate === delegator) {
    throw new DomainError('UNKNOWN_APPROVER', 'A delegation needs a delegate other than the delegator.', [{ field: 'delegateAccountId', code: 'UNKNOWN_APPROVER', reason: 'must differ from the delegator' }]);
  }
  const users = await ctx.confluence.getUsers([delegator, delegate]);
  const unknown = [{ field: 'delegatorAccountId', id: delegator }, { field: 'delegateAccountId', id: delegate }].filter((p) => !users.has(p.id));
  if (unknown.length > 0) {
    throw new DomainError('UNKNOWN_APPROVER', `Unknown users: ${unknown.map((u) => u.id).join(', ')}.`, unknown.map((u) => ({ field: u.field, code: 'UNKNOWN_APPROVER', reason: `${u.id} is not a known user` })));
  }
}
