/**
 * signature.reset (SPEC 2.3c): a site admin clears a signer's enrolment and lock. It deletes the
 * secrets and never reads or returns one; the signer enrols again with their own session, so misuse
 * needs both an admin and the signer (§11.200(a)(3)).
 */
import type { Caller } from '../domain/caller';
import { requireSiteAdmin } from '../services/denials';
import { INSTALLATION_SPACE } from '../audit/purge';
import { auditEntry, commitWithAudit } from '../services/commit';
import type { EngineContext } from '../services/context';
import { defineOperation } from '../services/operation';
import { loadSignatureState, putState, secretsOf, signatureKeys } from './state';

export const resetSignature = defineOperation({
  rights: 'Site admins only (FORBIDDEN 403); answers alike for an account with or without an enrolment.',
  execute: reset,
});

async function reset(ctx: EngineContext, caller: Caller, accountId: string): Promise<{ accountId: string }> {
  await requireSiteAdmin(ctx, caller, 'signature.reset');
  const secrets = secretsOf(ctx);
  const loaded = await loadSignatureState(ctx, accountId);
  const { pin, totp, totpPending } = loaded.state;
  await commitWithAudit(
    ctx,
    [putState(accountId, loaded, { failures: [] })],
    [auditEntry(caller, 'signature.reset', INSTALLATION_SPACE, { details: { accountId, pin: pin !== undefined, totp: totp !== undefined, wasLocked: loaded.state.adminLocked === true } })],
  );
  if (pin) await secrets.deleteSecret(signatureKeys.pinSecret(accountId, pin.gen));
  for (const seed of [totp, totpPending]) if (seed) await secrets.deleteSecret(signatureKeys.totpSecret(accountId, seed.gen));
  return { accountId };
}
