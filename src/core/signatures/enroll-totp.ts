/**
 * TOTP enrolment (SPEC 2.3c): start writes a new seed to secret storage as *pending* and answers its
 * otpauth URI once (the UI renders it; it is never readable again); confirm proves the authenticator
 * has it (one current code) and makes it the live seed. The used step is consumed at once.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { INSTALLATION_SPACE } from '../audit/purge';
import { auditEntry, commitWithAudit } from '../services/commit';
import type { EngineContext } from '../services/context';
import { defineOperation } from '../services/operation';
import { loadSignatureState, putState, secretsOf, signatureKeys } from './state';
import { matchingStep, newTotpSecret, otpauthUri } from './totp';

/** A started enrolment must be confirmed within this time. */
const PENDING_FOR_MS = 10 * 60_000;

export const startTotpEnrolment = defineOperation({
  rights: 'Any signed-in person, for their own authenticator only.',
  execute: startTotp,
});

export const confirmTotpEnrolment = defineOperation({
  rights: 'Any signed-in person, for the enrolment they started (SIGNATURE_NOT_ENROLLED when none is waiting).',
  execute: confirmTotp,
});

async function startTotp(ctx: EngineContext, caller: Caller): Promise<{ otpauthUri: string }> {
  const secrets = secretsOf(ctx);
  const secret = newTotpSecret();
  const generation = ctx.ids.next('totp');
  await secrets.setSecret(signatureKeys.totpSecret(caller.accountId, generation), { secret });
  const loaded = await loadSignatureState(ctx, caller.accountId);
  const abandoned = loaded.state.totpPending;
  await commitWithAudit(
    ctx,
    [putState(caller.accountId, loaded, { ...loaded.state, totpPending: { gen: generation, startedAt: ctx.clock.now() } })],
    [auditEntry(caller, 'signature.enrollment_started', INSTALLATION_SPACE, { details: { method: 'totp' } })],
  );
  if (abandoned) await secrets.deleteSecret(signatureKeys.totpSecret(caller.accountId, abandoned.gen));
  const users = await ctx.confluence.getUsers([caller.accountId]).catch(() => new Map<string, { displayName: string }>());
  return { otpauthUri: otpauthUri(secret, users.get(caller.accountId)?.displayName ?? caller.accountId) };
}

async function confirmTotp(ctx: EngineContext, caller: Caller, code: string): Promise<{ enrolled: true }> {
  const secrets = secretsOf(ctx);
  const loaded = await loadSignatureState(ctx, caller.accountId);
  const pending = loaded.state.totpPending;
  if (!pending || pending.startedAt + PENDING_FOR_MS < ctx.clock.now()) {
    throw new DomainError('SIGNATURE_NOT_ENROLLED', 'No authenticator enrolment is waiting; start again.');
  }
  const stored = await secrets.getSecret<{ secret?: unknown }>(signatureKeys.totpSecret(caller.accountId, pending.gen));
  const step = typeof stored?.secret === 'string' ? matchingStep(stored.secret, code, ctx.clock.now()) : undefined;
  if (step === undefined) throw new DomainError('SIGNATURE_INVALID', 'That code does not match; enter the current code from your authenticator app.');
  const previous = loaded.state.totp;
  const { totpPending: _done, ...rest } = loaded.state;
  await commitWithAudit(
    ctx,
    [putState(caller.accountId, loaded, { ...rest, totp: { gen: pending.gen, enrolledAt: ctx.clock.now() }, lastTotpStep: step })],
    [auditEntry(caller, 'signature.enrolled', INSTALLATION_SPACE, { details: { method: 'totp', change: previous !== undefined } })],
  );
  if (previous) await secrets.deleteSecret(signatureKeys.totpSecret(caller.accountId, previous.gen));
  return { enrolled: true };
}
