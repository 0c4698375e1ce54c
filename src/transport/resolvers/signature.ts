/** Resolvers of electronic-signature enrolment (SPEC 2.3c). Secrets go in, never out: no answer carries a PIN, hash or seed except the one-time otpauth URI. */
import { z } from 'zod';
import { accountId } from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import type { SignatureStatus } from '../../core/signatures/status';
import { defineResolver } from './define';
import { empty } from './payload-fields';

/** The signer's own enrolment; `signature.reset` is for site admins. */
export const signatureResolvers = [
  defineResolver('signature.status', { writes: false, input: empty }, async (_input, { engine, caller }): Promise<SignatureStatus> => engine.signatures.status(caller)),
  defineResolver('signature.pin.set', {
    writes: true,
    input: z.strictObject({
      newPin: z.string().max(L.signingPin.max),
      currentPin: z.string().min(1).max(L.signingPin.max).optional(),
    }),
  }, async (input, { engine, caller }): Promise<{ enrolled: true }> => engine.signatures.setPin(caller, input.newPin, input.currentPin)),
  /** the otpauth URI is answered once; the seed is never readable again */
  defineResolver('signature.enroll.start', { writes: true, input: z.strictObject({ method: z.literal('totp') }) }, async (_input, { engine, caller }): Promise<{ otpauthUri: string }> => engine.signatures.startTotp(caller)),
  defineResolver('signature.enroll.confirm', {
    writes: true,
    input: z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code') }),
  }, async (input, { engine, caller }): Promise<{ enrolled: true }> => engine.signatures.confirmTotp(caller, input.code)),
  defineResolver('signature.reset', { writes: true, input: z.strictObject({ accountId }) }, async (input, { engine, caller }): Promise<{ accountId: string }> => engine.signatures.reset(caller, input.accountId)),
];
