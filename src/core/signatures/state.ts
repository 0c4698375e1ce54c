/**
 * A signer's enrolment and lockout state: one plain store item per account (no secret in it), and the
 * keys of their secrets. A secret's key carries a generation id the state points to, so a secret
 * written before its state commit failed is never the live one (secrets are outside transactions).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { StoredItem, TxOp } from '../ports/store';
import type { SecretStore } from '../ports/secrets';
import { DomainError } from '../domain/errors';
import { parseStored } from '../domain/schemas';
import type { EngineContext } from '../services/context';
import { LOCKOUT } from './lockout';

const millis = z.number().int().nonnegative();
const gen = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const signatureStateSchema = z
  .object({
    pin: z.object({ gen, setAt: millis }).strict().optional(),
    totp: z.object({ gen, enrolledAt: millis }).strict().optional(),
    totpPending: z.object({ gen, startedAt: millis }).strict().optional(),
    /** times of recent wrong credentials (kept for 24 h, at most 10) */
    failures: z.array(millis).max(LOCKOUT.dayMax),
    lockedUntil: millis.optional(),
    /** 10 failures in 24 h: only a site admin's reset unlocks */
    adminLocked: z.boolean().optional(),
    /** highest TOTP step accepted: a code of this step or an earlier one is never accepted again */
    lastTotpStep: z.number().int().nonnegative().optional(),
  })
  .strict();
export type SignatureState = z.infer<typeof signatureStateSchema>;

/** Account ids hashed into keys: every id gets its own key whatever characters it has. */
function accountKey(accountId: string): string {
  return createHash('sha256').update(accountId, 'utf8').digest('hex').slice(0, 40);
}

export const signatureKeys = {
  state: (accountId: string) => `sig-state:${accountKey(accountId)}`,
  pinSecret: (accountId: string, generation: string) => `sig-pin:${accountKey(accountId)}:${generation}`,
  totpSecret: (accountId: string, generation: string) => `sig-totp:${accountKey(accountId)}:${generation}`,
};

export interface LoadedState {
  item?: StoredItem;
  state: SignatureState;
}

export async function loadSignatureState(ctx: EngineContext, accountId: string): Promise<LoadedState> {
  const item = await ctx.store.get(signatureKeys.state(accountId));
  return { item, state: item ? parseStored(signatureStateSchema, item.key, item.value) : { failures: [] } };
}

/** The put of a new state, conditioned on the one it was derived from. */
export function putState(accountId: string, loaded: LoadedState, state: SignatureState): TxOp {
  return {
    op: 'put',
    key: signatureKeys.state(accountId),
    value: state,
    condition: loaded.item ? { kind: 'version', version: loaded.item.version } : { kind: 'absent' },
  };
}

export function secretsOf(ctx: EngineContext): SecretStore {
  if (!ctx.secrets) throw new DomainError('SECRETS_UNAVAILABLE', 'Signatures are not available in this installation.');
  return ctx.secrets;
}
