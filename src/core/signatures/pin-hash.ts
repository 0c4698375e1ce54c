/** Signing PINs are kept only as scrypt hashes (N = 2^15, per-user salt), compared in constant time. */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const COST = 2 ** 15;
const BLOCK = 8;
const PARALLEL = 1;
const KEY_BYTES = 32;
// 128 * N * r bytes of working memory, plus headroom over Node's 32 MiB default cap.
const MAX_MEM = 128 * COST * BLOCK * 2;

export const pinHashSchema = z
  .object({ alg: z.literal('scrypt'), n: z.number().int(), r: z.number().int(), p: z.number().int(), salt: z.string().min(1), hash: z.string().min(1) })
  .strict();
export type PinHash = z.infer<typeof pinHashSchema>;

function derive(pin: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin.normalize('NFC'), salt, KEY_BYTES, { N: n, r, p, maxmem: MAX_MEM }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPin(pin: string): Promise<PinHash> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, COST, BLOCK, PARALLEL);
  return { alg: 'scrypt', n: COST, r: BLOCK, p: PARALLEL, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function pinMatches(pin: string, stored: PinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(pin, Buffer.from(stored.salt, 'base64'), stored.n, stored.r, stored.p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
