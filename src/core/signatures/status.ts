/** signature.status: what the signed-in person has enrolled and whether signing is locked (for the enrolment view and the signing dialog). */
import type { Caller } from '../domain/caller';
import type { EngineContext } from '../services/context';
import { defineOperation } from '../services/operation';
import { lockedError } from './lockout';
import { loadSignatureState } from './state';

export interface SignatureStatus {
  pin: boolean;
  totp: boolean;
  locked: boolean;
  /** seconds until a timed lock ends; absent while unlocked or locked until an admin reset */
  retryAfter?: number;
}

export const signatureStatus = defineOperation({
  rights: 'Any signed-in person, about themselves only.',
  execute: statusOf,
});

async function statusOf(ctx: EngineContext, caller: Caller): Promise<SignatureStatus> {
  const { state } = await loadSignatureState(ctx, caller.accountId);
  const locked = lockedError(state, ctx.clock.now());
  return {
    pin: state.pin !== undefined,
    totp: state.totp !== undefined,
    locked: locked !== undefined,
    ...(locked?.retryAfterSeconds !== undefined ? { retryAfter: locked.retryAfterSeconds } : {}),
  };
}
