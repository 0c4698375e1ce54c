/** Delegations (SPEC 2.3b): one use case per module. */
import type { DelegationService } from '../engine';
import type { EngineContext } from '../context';
import { createDelegation, createDelegationFor } from './create';
import { listDelegations } from './list';
import { revokeDelegation } from './revoke';

export function createDelegationService(ctx: EngineContext): DelegationService {
  return {
    create: (caller, input) => createDelegation(ctx, caller, input),
    createFor: (caller, delegatorAccountId, input) => createDelegationFor(ctx, caller, delegatorAccountId, input),
    list: (caller, options) => listDelegations(ctx, caller, options),
    revoke: (caller, delegationId) => revokeDelegation(ctx, caller, delegationId),
  };
}
