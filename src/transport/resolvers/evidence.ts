/** Resolvers of evidence (SPEC 5a): an evidence pack chunk by chunk (cursors sealed to the caller and scope), the public keys and their rotation. */
import { z } from 'zod';
import type { EvidenceChunk } from '../../core/domain/evidence-pack-format';
import { confluenceId, cursor, opaqueId } from '../../core/domain/fields';
import type { PublishedKey } from '../../core/evidence/installation-key';
import { defineResolver } from './define';
import { empty } from './payload-fields';

export const evidenceResolvers = [
  /** one chunk; the first carries the header (manifest facts and records); join them with assemblePack */
  defineResolver('evidence.export', {
    writes: false,
    input: z.strictObject({
      scope: z.union([z.strictObject({ pageId: confluenceId }), z.strictObject({ changeSetId: opaqueId }), z.strictObject({ approvalId: opaqueId })]),
      cursor: cursor.optional(),
    }),
  }, async (input, env): Promise<EvidenceChunk> => {
    const { engine, caller } = env;
    const sealed = env.listCursor('evidence.export', { ...input.scope, cursor: input.cursor });
    const { nextCursor, ...chunk } = await engine.evidence.export(caller, input.scope, await sealed.open());
    const next = await sealed.seal(nextCursor);
    return { ...chunk, ...(next ? { nextCursor: next } : {}) };
  }),
  defineResolver('evidence.keys', { writes: false, input: empty }, async (_input, { engine, caller }): Promise<{ keys: PublishedKey[] }> => ({ keys: await engine.evidence.keys(caller) })),
  /** every published key (the retired one with its validTo) and the one that signs from now on */
  defineResolver('evidence.rotateKey', { writes: true, input: empty }, async (_input, { engine, caller }): Promise<{ keys: PublishedKey[]; current: string }> => engine.evidence.rotateKey(caller)),
];
