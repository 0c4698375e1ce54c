/**
 * Signed checkpoints (SPEC 5a): the installation signs `{seq, headHash, at}` of the chain head with its
 * Ed25519 key, at least daily (scheduled trigger) and whenever an evidence pack needs one newer than
 * its last record. The signature covers the UTF-8 bytes of the canonical JSON of those three fields.
 * Kept under `audit-signed:<seq>`, so the latest is one descending query.
 */
import { z } from 'zod';
import { readChainState } from '../audit/chain-state';
import { parseStored } from '../domain/schemas';
import { StoreError } from '../ports/store';
import { canonicalJson } from '../domain/canonical-json';
import type { EngineContext } from '../services/context';
import { defineOperation } from '../services/operation';
import { currentSigningKey, signText } from './installation-key';

const PREFIX = 'audit-signed:';
const keyOf = (seq: number) => `${PREFIX}${String(seq).padStart(15, '0')}`;

export const signedCheckpointSchema = z
  .object({ seq: z.number().int().min(1), headHash: z.string().regex(/^[0-9a-f]{64}$/), at: z.number().int().min(0), keyId: z.string(), signature: z.string() })
  .strict();
export type SignedCheckpoint = z.infer<typeof signedCheckpointSchema>;

/** The bytes a checkpoint signature covers. */
export function checkpointPayload(checkpoint: Pick<SignedCheckpoint, 'seq' | 'headHash' | 'at'>): string {
  return canonicalJson({ seq: checkpoint.seq, headHash: checkpoint.headHash, at: checkpoint.at });
}

export async function latestSignedCheckpoint(ctx: EngineContext): Promise<SignedCheckpoint | undefined> {
  const page = await ctx.store.query({ prefix: PREFIX, order: 'desc', limit: 1 });
  const item = page.items[0];
  return item ? parseStored(signedCheckpointSchema, item.key, item.value) : undefined;
}

/** The daily scheduled job (no caller: it runs as the app). */
export const signAuditCheckpoint = defineOperation({
  rights: 'The app itself (scheduled trigger); no user calls it.',
  execute: signCheckpoint,
});

/** Links pending records, then signs the head unless the latest checkpoint already covers it. Undefined on an empty chain. */
export async function signCheckpoint(ctx: EngineContext): Promise<SignedCheckpoint | undefined> {
  for (let round = 0; round < 20 && (await ctx.audit.sequence()).remaining > 0; round++);
  const { head } = await readChainState(ctx.store);
  if (!head) return undefined;
  const latest = await latestSignedCheckpoint(ctx);
  if (latest && latest.seq >= head.seq) return latest;
  const key = await currentSigningKey(ctx);
  const unsigned = { seq: head.seq, headHash: head.hash, at: ctx.clock.now() };
  const checkpoint: SignedCheckpoint = { ...unsigned, keyId: key.keyId, signature: signText(key, checkpointPayload(unsigned)) };
  try {
    await ctx.store.transact([{ op: 'put', key: keyOf(head.seq), value: checkpoint, condition: { kind: 'absent' } }]);
    return checkpoint;
  } catch (err) {
    if (!(err instanceof StoreError && err.code === 'CONDITION_FAILED')) throw err;
    return (await latestSignedCheckpoint(ctx)) ?? checkpoint; // signed by a concurrent invocation
  }
}
