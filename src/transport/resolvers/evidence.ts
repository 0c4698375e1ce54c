/** Resolvers of evidence (SPEC 5a): an evidence pack chunk by chunk (cursors sealed to the caller and scope), the public keys and their rotation. */
import { defineResolver, type ResolverDefinition } from './define';

export const evidenceResolvers: ResolverDefinition[] = [
  defineResolver('evidence.export', { writes: false }, async (input, env) => {
    const { engine, caller } = env;
    const sealed = env.listCursor('evidence.export', { ...input.scope, cursor: input.cursor });
    const { nextCursor, ...chunk } = await engine.evidence.export(caller, input.scope, await sealed.open());
    const next = await sealed.seal(nextCursor);
    return { ...chunk, ...(next ? { nextCursor: next } : {}) };
  }),
  defineResolver('evidence.keys', { writes: false }, async (_input, { engine, caller }) => ({ keys: await engine.evidence.keys(caller) })),
  defineResolver('evidence.rotateKey', { writes: true }, async (_input, { engine, caller }) => engine.evidence.rotateKey(caller)),
];
