/**
 * The installation's Ed25519 signing key (SPEC 5a): the private key (PKCS#8 PEM) lives only in secret
 * storage; the public keys (SPKI PEM, with their validity) are a plain store item that GET /keys, the
 * admin page and every evidence pack publish. Created on first use; two first uses racing settle on
 * one key (the loser deletes its secret). A rotation (rotate-key.ts) closes the current key's
 * validity and keeps its public half published, so what it signed still verifies.
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { parseStored } from '../domain/schemas';
import { StoreError } from '../ports/store';
import type { EngineContext } from '../services/context';
import { secretsOf } from '../signatures/state';

export const KEYS_KEY = 'evidence:keys';
const privateKeyKey = (keyId: string) => `evidence-key:${keyId}`;

const publicKeySchema = z
  .object({ keyId: z.string().regex(/^[0-9a-f]{16}$/), publicKey: z.string().min(1), validFrom: z.string().min(1), validTo: z.string().min(1).optional() })
  .strict();
const keySetSchema = z.object({ current: z.string(), keys: z.array(publicKeySchema).min(1) }).strict();

export type PublishedKey = z.infer<typeof publicKeySchema>;
export type KeySet = z.infer<typeof keySetSchema>;

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

async function readKeySet(ctx: EngineContext): Promise<KeySet | undefined> {
  return (await readVersionedKeySet(ctx))?.set;
}

/** The key set with its store version, for a conditioned rewrite (rotation). */
export async function readVersionedKeySet(ctx: EngineContext): Promise<{ set: KeySet; version: number } | undefined> {
  const item = await ctx.store.get(KEYS_KEY);
  return item ? { set: parseStored(keySetSchema, item.key, item.value), version: item.version } : undefined;
}

/** A new key pair: its private half written to secret storage, its public half returned for publishing. */
export async function storeNewKeyPair(ctx: EngineContext): Promise<PublishedKey> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha256').update(spki).digest('hex').slice(0, 16);
  await secretsOf(ctx).setSecret(privateKeyKey(keyId), { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
  return { keyId, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), validFrom: new Date(ctx.clock.now()).toISOString() };
}

/** Drops a private key from secret storage (a lost race, or a retired key). */
export async function deletePrivateKey(ctx: EngineContext, keyId: string): Promise<void> {
  await secretsOf(ctx).deleteSecret(privateKeyKey(keyId));
}

async function createKey(ctx: EngineContext): Promise<void> {
  const published = await storeNewKeyPair(ctx);
  try {
    await ctx.store.transact([{ op: 'put', key: KEYS_KEY, value: { current: published.keyId, keys: [published] }, condition: { kind: 'absent' } }]);
  } catch (err) {
    if (!(err instanceof StoreError && err.code === 'CONDITION_FAILED')) throw err;
    await deletePrivateKey(ctx, published.keyId); // another invocation created the key first
  }
}

/** Every published public key (creating the first one if none exists yet). */
export async function publishedKeys(ctx: EngineContext): Promise<PublishedKey[]> {
  let set = await readKeySet(ctx);
  if (!set) {
    await createKey(ctx);
    set = await readKeySet(ctx);
  }
  return set?.keys ?? [];
}

/** The current private key, for signing checkpoints and receipts. */
export async function currentSigningKey(ctx: EngineContext): Promise<SigningKey> {
  const keys = await publishedKeys(ctx);
  const set = await readKeySet(ctx);
  const keyId = set?.current ?? keys[0]!.keyId;
  const stored = await secretsOf(ctx).getSecret<{ privateKey?: unknown }>(privateKeyKey(keyId));
  if (typeof stored?.privateKey !== 'string') throw new StoreError('UNAVAILABLE', 'The installation signing key is not readable.');
  return { keyId, privateKey: createPrivateKey(stored.privateKey) };
}

/** Base64 Ed25519 signature of the UTF-8 bytes of `text`. */
export function signText(key: SigningKey, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64');
}
