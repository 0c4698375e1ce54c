/**
 * signature.pin.set (SPEC 2.3c): a signer sets or changes their own signing PIN. Changing it needs the
 * current PIN (a wrong one counts toward the lockout). The hash goes to secret storage under a new
 * generation; the state pointing to it and the `signature.enrolled` record commit together; the old
 * hash is deleted afterwards. No PIN, hash or salt reaches the store, the audit trail or a log.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { FIELD_LIMITS as L } from '../domain/limits';
import { INSTALLATION_SPACE } from '../audit/purge';
import { auditEntry, commitWithAudit } from '../services/commit';
import type { EngineContext } from '../services/context';
import { defineOperation } from '../services/operation';
import { lockedError } from './lockout';
import { hashPin } from './pin-hash';
import { loadSignatureState, putState, secretsOf, signatureKeys } from './state';
import { verifyCredential } from './verify-credential';

export function assertPinStrength(pin: string): void {
  if (pin.length < L.signingPin.min || pin.length > L.signingPin.max) {
    throw new DomainError('INVALID_REQUEST', `A signing PIN has ${L.signingPin.min} to ${L.signingPin.max} characters.`, [
      { field: 'newPin', code: 'LENGTH', reason: `${L.signingPin.min}..${L.signingPin.max} characters` },
    ]);
  }
  if (new Set(pin).size === 1) {
    throw new DomainError('PIN_TOO_WEAK', 'A signing PIN cannot be one repeated character.', [{ field: 'newPin', code: 'WEAK', reason: 'not one repeated character' }]);
  }
}

export const setSigningPin = defineOperation({
  rights: 'Any signed-in person, for their own PIN only (identity from the platform); changing one needs the current PIN (SIGNATURE_INVALID, counts toward the lock).',
  execute: setPin,
});

async function setPin(ctx: EngineContext, caller: Caller, newPin: string, currentPin?: string): Promise<{ enrolled: true }> {
  assertPinStrength(newPin);
  const secrets = secretsOf(ctx);
  const before = await loadSignatureState(ctx, caller.accountId);
  const locked = lockedError(before.state, ctx.clock.now());
  if (locked) throw locked;
  if (before.state.pin) {
    if (!currentPin) {
      throw new DomainError('SIGNATURE_REQUIRED', 'Enter your current signing PIN to change it.', [{ field: 'currentPin', code: 'REQUIRED', reason: 'your current PIN' }]);
    }
    await verifyCredential(ctx, caller, { type: 'pin', value: currentPin }, { spaceId: INSTALLATION_SPACE });
  }
  const generation = ctx.ids.next('pin');
  await secrets.setSecret(signatureKeys.pinSecret(caller.accountId, generation), await hashPin(newPin));
  const loaded = await loadSignatureState(ctx, caller.accountId);
  const previous = loaded.state.pin;
  await commitWithAudit(
    ctx,
    [putState(caller.accountId, loaded, { ...loaded.state, pin: { gen: generation, setAt: ctx.clock.now() } })],
    [auditEntry(caller, 'signature.enrolled', INSTALLATION_SPACE, { details: { method: 'pin', change: previous !== undefined } })],
  );
  if (previous) await secrets.deleteSecret(signatureKeys.pinSecret(caller.accountId, previous.gen));
  return { enrolled: true };
}
