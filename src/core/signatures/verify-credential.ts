/**
 * Checks a signer's second identification component (SPEC 2.3c, §11.200): lock first, then the
 * enrolment the credential type needs, then the PIN hash or TOTP code. The outcome is committed before
 * the caller acts on it: a failure with its `signature.failed` record (and any lock) in one
 * transaction; a TOTP success consumes its time step, so the same code never signs twice.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import type { CredentialType } from '../domain/model';
import { StoreError } from '../ports/store';
import { auditEntry, commitWithAudit } from '../services/commit';
import type { EngineContext } from '../services/context';
import { afterFailure, afterSuccess, lockedError } from './lockout';
import { pinHashSchema, pinMatches } from './pin-hash';
import { loadSignatureState, putState, secretsOf, signatureKeys, type LoadedState } from './state';
import { matchingStep } from './totp';

export interface Credential {
  type: CredentialType;
  value: string;
}

/** Where a failure is recorded: the space (and page/approval) of the signing, or the installation. */
export interface SigningPlace {
  spaceId: string;
  pageId?: string;
  approvalId?: string;
  /** an atomic set decision (SPEC 2.5a): the change set, and its set approval in the record's details */
  changeSetId?: string;
  setApprovalId?: string;
}

const notEnrolled = (type: CredentialType): DomainError =>
  new DomainError('SIGNATURE_NOT_ENROLLED', type === 'pin' ? 'Set a signing PIN first.' : 'Enrol an authenticator app (TOTP) first.');

/** Is the credential right? For TOTP, the matched step (undefined: wrong, or already used). */
async function check(ctx: EngineContext, accountId: string, loaded: LoadedState, credential: Credential): Promise<{ ok: boolean; step?: number }> {
  const secrets = secretsOf(ctx);
  if (credential.type === 'pin') {
    const pin = loaded.state.pin;
    if (!pin) throw notEnrolled('pin');
    const stored = pinHashSchema.safeParse(await secrets.getSecret(signatureKeys.pinSecret(accountId, pin.gen)));
    if (!stored.success) throw notEnrolled('pin');
    return { ok: await pinMatches(credential.value, stored.data) };
  }
  const totp = loaded.state.totp;
  if (!totp) throw notEnrolled('totp');
  const secret = await secrets.getSecret<{ secret?: unknown }>(signatureKeys.totpSecret(accountId, totp.gen));
  if (typeof secret?.secret !== 'string') throw notEnrolled('totp');
  const step = matchingStep(secret.secret, credential.value, ctx.clock.now());
  const fresh = step !== undefined && step > (loaded.state.lastTotpStep ?? -1);
  return fresh ? { ok: true, step } : { ok: false };
}

/** Re-reads and re-applies `change` when another attempt moved the state first (no failure is lost). */
async function commitState(ctx: EngineContext, accountId: string, change: (loaded: LoadedState) => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await change(await loadSignatureState(ctx, accountId));
      return;
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 'CONDITION_FAILED') || attempt >= 10) throw err;
    }
  }
}

/** Throws SIGNATURE_LOCKED / SIGNATURE_NOT_ENROLLED / SIGNATURE_INVALID; resolves when the credential is right. */
export async function verifyCredential(ctx: EngineContext, caller: Caller, credential: Credential, place: SigningPlace): Promise<void> {
  const loaded = await loadSignatureState(ctx, caller.accountId);
  const locked = lockedError(loaded.state, ctx.clock.now());
  if (locked) throw locked;
  const result = await check(ctx, caller.accountId, loaded, credential);
  let failure: DomainError | undefined;
  await commitState(ctx, caller.accountId, async (current) => {
    const now = ctx.clock.now();
    // A concurrent attempt may have used this step or locked the signer meanwhile.
    const replayed = result.step !== undefined && result.step <= (current.state.lastTotpStep ?? -1);
    if (result.ok && !replayed && !lockedError(current.state, now)) {
      const next = afterSuccess(current.state);
      await ctx.store.transact([putState(caller.accountId, current, result.step !== undefined ? { ...next, lastTotpStep: result.step } : next)]);
      failure = undefined;
      return;
    }
    const outcome = afterFailure(current.state, now);
    const entry = auditEntry(caller, 'signature.failed', place.spaceId, {
      ...(place.pageId ? { pageId: place.pageId } : {}),
      ...(place.approvalId ? { approvalId: place.approvalId } : {}),
      ...(place.changeSetId ? { changeSetId: place.changeSetId } : {}),
      details: { method: credential.type, attemptsLeft: outcome.attemptsLeft, locked: outcome.error.code === 'SIGNATURE_LOCKED', ...(place.setApprovalId ? { setApprovalId: place.setApprovalId } : {}) },
    });
    await commitWithAudit(ctx, [putState(caller.accountId, current, outcome.state)], [entry]);
    failure = outcome.error;
  });
  if (failure) throw failure;
}
