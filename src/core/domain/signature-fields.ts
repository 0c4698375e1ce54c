/** zod rules of SPEC 2.3c signature settings and signed decisions, shared by input (fields.ts) and storage (schemas.ts). */
import { z } from 'zod';
import { CREDENTIAL_TYPES, SIGNATURE_AUTH, type DecisionSignature, type StepSignature } from './model';
import { FIELD_LIMITS as L } from './limits';

export const meaningCode = z.string().regex(/^[a-z_]{2,32}$/, 'must be 2..32 characters of a-z and _');

/** Input passes the text-hygiene rule of fields.ts as `label`; storage re-validates bounds only. */
export function stepSignatureSchemaWith(label: z.ZodType<string>): z.ZodType<StepSignature> {
  const meaning = z.strictObject({ code: meaningCode, label });
  return z
    .strictObject({
      required: z.boolean(),
      auth: z.enum(SIGNATURE_AUTH),
      meanings: z.array(meaning).min(L.signatureMeanings.min).max(L.signatureMeanings.max),
    })
    .refine((s) => new Set(s.meanings.map((m) => m.code)).size === s.meanings.length, { message: 'meaning codes must be unique', path: ['meanings'] });
}

export const storedStepSignatureSchema = stepSignatureSchemaWith(z.string().min(L.meaningLabel.min).max(L.meaningLabel.max));

export const credentialType = z.enum(CREDENTIAL_TYPES);

/** A credential as approval.decide receives it; the value is never stored, logged or echoed. */
export const credentialSchema = z.strictObject({ type: credentialType, value: z.string().min(1).max(L.signingPin.max) });

export const decisionSignatureSchema: z.ZodType<DecisionSignature> = z
  .object({
  meaning: meaningCode,
  meaningLabel: z.string().max(L.meaningLabel.max),
  printedName: z.string().min(1).max(500),
  onBehalfOfName: z.string().min(1).max(500).optional(),
  signedAt: z.number().int().nonnegative(),
  authMethod: credentialType,
  pageVersion: z.number().int().positive().optional(),
  pages: z.array(z.object({ pageId: z.string().min(1).max(19), pageVersion: z.number().int().positive() })).min(L.pageRefs.min).max(L.pageRefs.max).optional(),
  contentHash: z.string().max(200).optional(),
  })
  .refine((s) => (s.pageVersion === undefined) !== (s.pages === undefined), { message: 'a signature links to one page version or to the pages of one set' });
