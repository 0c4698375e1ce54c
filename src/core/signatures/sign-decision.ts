/**
 * The decide paths' one call into signatures (SPEC 2.3c), for a page approval (signDecision) and an
 * atomic set approval (signSubject, SPEC 2.5a). It runs BEFORE the decision transaction, in the same
 * invocation: it reads the active step's signature settings, refuses a missing credential or meaning,
 * verifies the credential (lockout, replay) and returns the signature to record. Inside the
 * decision's retry loop, signatureFor() binds it to the step it was made for.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import type { Decidable, DecisionOutcome } from '../domain/decisions';
import type { CredentialType, DecisionSignature, PageApproval, StepSignature } from '../domain/model';
import type { EngineContext } from '../services/context';
import { effectiveApproval } from '../services/approvals/records';
import { verifyCredential, type Credential, type SigningPlace } from './verify-credential';

export interface SigningInput {
  meaning?: string;
  credential?: Credential;
  /** set by delegation: the approver whose slot the signer fills */
  onBehalfOf?: string;
}

export interface SignedDecision {
  step: number;
  signature: DecisionSignature;
}

function accepts(settings: StepSignature, type: CredentialType): boolean {
  return settings.auth === 'pin_or_totp' || settings.auth === type;
}

const AUTH_WORDS: Record<StepSignature['auth'], string> = { pin: 'your signing PIN', totp: 'a code from your authenticator app', pin_or_totp: 'your signing PIN or an authenticator code' };

/** What is signed: the approval decided on, where a failure is recorded, and the record the signature links to (§11.70). */
export interface SigningSubject {
  approval: Pick<Decidable, 'workflowSnapshot' | 'activeStep'>;
  place: SigningPlace;
  record: Pick<DecisionSignature, 'pageVersion' | 'pages'>;
}

type StepOf = Pick<Decidable, 'workflowSnapshot' | 'activeStep'>;

function settingsOf(approval: StepOf): StepSignature | undefined {
  return approval.workflowSnapshot.steps[approval.activeStep]?.signature;
}

async function printedNames(ctx: EngineContext, accountIds: string[]): Promise<Map<string, string>> {
  const users = await ctx.confluence.getUsers(accountIds).catch(() => new Map<string, { displayName: string }>());
  return new Map(accountIds.map((id) => [id, users.get(id)?.displayName ?? id]));
}

/** A page decision's signature on an approval the caller may address (loadVisibleApproval): verified and returned, or undefined when the active step takes none. */
export async function signDecision(ctx: EngineContext, caller: Caller, visible: PageApproval, input: SigningInput): Promise<SignedDecision | undefined> {
  // Nothing to verify: a step that requires a signature refuses inside the decision (signatureFor).
  if (!input.credential) return undefined;
  if (visible.status !== 'pending') return undefined; // the decision answers APPROVAL_NOT_PENDING
  const { approval } = await effectiveApproval(ctx, visible);
  return signSubject(ctx, caller, { approval, place: { spaceId: approval.spaceId, pageId: approval.pageId, approvalId: approval.id }, record: { pageVersion: approval.pageVersion } }, input);
}

/** Verifies the credential for a decision on `subject` and returns the signature, or undefined when the active step takes none. */
export async function signSubject(ctx: EngineContext, caller: Caller, subject: SigningSubject, input: SigningInput): Promise<SignedDecision | undefined> {
  const { approval } = subject;
  const settings = settingsOf(approval);
  if (!settings || (!settings.required && !input.credential)) return undefined;
  const credential = input.credential;
  if (!credential || !accepts(settings, credential.type)) {
    throw new DomainError('SIGNATURE_REQUIRED', `This step must be signed with ${AUTH_WORDS[settings.auth]}.`, [
      { field: 'credential', code: 'REQUIRED', reason: `sign with ${AUTH_WORDS[settings.auth]}` },
    ]);
  }
  if (!input.meaning) throw new DomainError('MEANING_REQUIRED', 'Choose what your signature means.', [{ field: 'meaning', code: 'REQUIRED', reason: 'one of the step\'s meanings' }]);
  const meaning = settings.meanings.find((m) => m.code === input.meaning);
  if (!meaning) throw new DomainError('UNKNOWN_MEANING', 'That meaning is not one this step offers.', [{ field: 'meaning', code: 'UNKNOWN', reason: 'not a meaning of this step' }]);
  await verifyCredential(ctx, caller, credential, subject.place);
  const names = await printedNames(ctx, [caller.accountId, ...(input.onBehalfOf ? [input.onBehalfOf] : [])]);
  const signature: DecisionSignature = {
    meaning: meaning.code,
    meaningLabel: meaning.label,
    printedName: names.get(caller.accountId)!,
    ...(input.onBehalfOf ? { onBehalfOfName: names.get(input.onBehalfOf)! } : {}),
    signedAt: ctx.clock.now(),
    authMethod: credential.type,
    ...subject.record,
  };
  return { step: approval.activeStep, signature };
}

/**
 * The signature for the decision being written to `approval` (re-read in the retry loop): the step
 * must still be the one signed for, and a step that requires a signature gets one.
 */
export function signatureFor(approval: StepOf, signed: SignedDecision | undefined): DecisionSignature | undefined {
  if (signed && signed.step !== approval.activeStep) {
    throw new DomainError('CONCURRENT_MODIFICATION', 'The approval moved to another step while you signed; read it again.');
  }
  const settings = settingsOf(approval);
  if (!signed && settings?.required) {
    throw new DomainError('SIGNATURE_REQUIRED', `This step must be signed with ${AUTH_WORDS[settings.auth]}.`, [
      { field: 'credential', code: 'REQUIRED', reason: `sign with ${AUTH_WORDS[settings.auth]}` },
    ]);
  }
  return signed?.signature;
}

/**
 * The outcome with the signature on the decision it added (the last one). A delegate signs with
 * their own credential; when the decision filled someone else's slot (SPEC 2.3b), the manifestation
 * also prints that person's name ("Dave Reviewer, on behalf of Carol Reviewer").
 */
export async function withSignature<T extends Decidable>(ctx: EngineContext, outcome: DecisionOutcome<T>, signed: DecisionSignature | undefined): Promise<DecisionOutcome<T>> {
  if (!signed) return outcome;
  const onBehalfOf = outcome.approval.decisions.at(-1)?.onBehalfOf;
  const signature = onBehalfOf ? { ...signed, onBehalfOfName: (await printedNames(ctx, [onBehalfOf])).get(onBehalfOf)! } : signed;
  const decisions = outcome.approval.decisions.map((d, i, all) => (i === all.length - 1 ? { ...d, signature } : d));
  return { ...outcome, approval: { ...outcome.approval, decisions } };
}
