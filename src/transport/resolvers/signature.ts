/** Resolvers of electronic-signature enrolment (SPEC 2.3c). Secrets go in, never out: no answer carries a PIN, hash or seed except the one-time otpauth URI. */
import { defineResolver, type ResolverDefinition } from './define';

export const signatureResolvers: ResolverDefinition[] = [
  defineResolver('signature.status', { writes: false }, async (_input, { engine, caller }) => engine.signatures.status(caller)),
  defineResolver('signature.pin.set', { writes: true }, async (input, { engine, caller }) => engine.signatures.setPin(caller, input.newPin, input.currentPin)),
  defineResolver('signature.enroll.start', { writes: true }, async (_input, { engine, caller }) => engine.signatures.startTotp(caller)),
  defineResolver('signature.enroll.confirm', { writes: true }, async (input, { engine, caller }) => engine.signatures.confirmTotp(caller, input.code)),
  defineResolver('signature.reset', { writes: true }, async (input, { engine, caller }) => engine.signatures.reset(caller, input.accountId)),
];
