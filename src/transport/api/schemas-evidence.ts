/** REST schemas of SPEC 5a: approval receipts, the installation's keys and evidence-pack chunks. */
import { z } from 'zod';
import { auditRecordSchema } from '../../core/audit/schema';

const ok = z.literal(true);

/** SPEC 5a: present when the page's latest approval is approved; verify `signature` over `payload` with the key `keyId` of GET /keys. */
export const ApprovalReceiptSchema = z.object({
  payload: z.string().describe('canonical JSON (RFC 8785) of {pageId, pageVersion, contentHash?, workflowId, decisions[], approvedAt}'),
  signature: z.string().describe('base64 Ed25519 signature of the UTF-8 bytes of payload'),
  keyId: z.string(),
});

export const KeysQuery = z.strictObject({});

const PackKeySchema = z.object({ keyId: z.string(), publicKey: z.string(), validFrom: z.string(), validTo: z.string().optional() });

/** One chunk of an evidence pack; the first carries `header`. Join chunks as docs/api.md "Evidence packs" says. */
export const EvidenceChunkResponse = z.object({
  success: ok,
  header: z
    .object({
      format: z.literal('approvalflow.evidence/v1'),
      scope: z.union([z.object({ pageId: z.string() }), z.object({ changeSetId: z.string() }), z.object({ approvalId: z.string() })]),
      generatedAt: z.number().int(),
      generatedBy: z.string(),
      checkpoint: z.object({ seq: z.number().int(), headHash: z.string(), at: z.number().int(), keyId: z.string(), signature: z.string() }).nullable(),
      attestation: z.object({ checkpointSeq: z.number().int(), seqs: z.array(z.number().int()), keyId: z.string(), signature: z.string() }).nullable(),
      keys: z.array(PackKeySchema),
      records: z.array(auditRecordSchema).describe('audit records in scope, oldest first, exactly as stored'),
    })
    .optional(),
  chain: z.array(
    z.object({ seq: z.number().int(), prevHash: z.string(), recordDigest: z.string().optional(), hash: z.string(), legacy: z.literal(true).optional() }),
  ),
  nextCursor: z.string().optional(),
});

export const KeysResponse = z.object({
  success: ok,
  keys: z.array(
    z.object({
      keyId: z.string(),
      publicKey: z.string().describe('Ed25519 public key, SPKI PEM'),
      validFrom: z.string().describe('ISO 8601 UTC'),
      validTo: z.string().optional(),
    }),
  ),
});

