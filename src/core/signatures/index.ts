/** Electronic signatures (SPEC 2.3c): one use case per module; the decide path calls sign-decision.ts. */
import type { Caller } from '../domain/caller';
import type { EngineContext } from '../services/context';
import { confirmTotpEnrolment, startTotpEnrolment } from './enroll-totp';
import { resetSignature } from './reset';
import { setPin } from './set-pin';
import { signatureStatus, type SignatureStatus } from './status';

export type { SignatureStatus };

export interface SignatureService {
  status(caller: Caller): Promise<SignatureStatus>;
  setPin(caller: Caller, newPin: string, currentPin?: string): Promise<{ enrolled: true }>;
  startTotp(caller: Caller): Promise<{ otpauthUri: string }>;
  confirmTotp(caller: Caller, code: string): Promise<{ enrolled: true }>;
  /** site admins: clears another person's enrolment and lock */
  reset(caller: Caller, accountId: string): Promise<{ accountId: string }>;
}

export function createSignatureService(ctx: EngineContext): SignatureService {
  return {
    status: (caller) => signatureStatus(ctx, caller),
    setPin: (caller, newPin, currentPin) => setPin(ctx, caller, newPin, currentPin),
    startTotp: (caller) => startTotpEnrolment(ctx, caller),
    confirmTotp: (caller, code) => confirmTotpEnrolment(ctx, caller, code),
    reset: (caller, accountId) => resetSignature(ctx, caller, accountId),
  };
}
