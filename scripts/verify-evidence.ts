/**
 * Offline verifier of an ApprovalFlow evidence pack (SPEC 5a), with Node's crypto only:
 *
 *   npm run verify:evidence -- <pack.json> [--keys <keys.json>]
 *
 * `--keys`: the answer of GET /keys (or its `keys` array) saved beforehand; without it the pack's own
 * keys are used, which proves integrity but not origin. Prints `ok`, `TAMPERED:<part|seq>` or
 * `KEY_MISMATCH`; exit code 0 only for `ok`, 1 for another verdict, 2 when a file cannot be read or
 * the keys file is not GET /keys's answer (a message on stderr, no verdict).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { verifyPack, type PackCrypto, type PackVerdict } from '../src/core/domain/evidence-pack-verify';
import type { PackKey } from '../src/core/domain/evidence-pack-format';

export const nodePackCrypto: PackCrypto = {
  sha256: async (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
  verifyEd25519: async (pem, text, signature) => {
    try {
      return verify(null, Buffer.from(text, 'utf8'), createPublicKey(pem), Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  },
};

/** A keys file the verifier cannot use: no verdict can be given (exit 2). */
export class KeysFileError extends Error {}

/** The keys of a saved GET /keys answer (or its `keys` array). */
function keysOf(text: string): PackKey[] {
  if (text.trim() === '') throw new KeysFileError('is empty; save the answer of GET /keys in it');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeysFileError('is not JSON; save the answer of GET /keys in it');
  }
  const keys: unknown = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new KeysFileError('holds no keys array; save the answer of GET /keys in it');
  return keys as PackKey[];
}

export async function verifyEvidenceFile(packText: string, keysText?: string): Promise<PackVerdict> {
  return verifyPack(packText, nodePackCrypto, keysText === undefined ? undefined : keysOf(keysText));
}

/** A file's text, or exit 2 with a one-line reason (no stack trace). */
function readOrExit(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(`verify:evidence: ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
    process.exit(2);
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const keysAt = args.indexOf('--keys');
  const keysFile = keysAt >= 0 ? args[keysAt + 1] : undefined;
  const file = args.find((a, i) => !a.startsWith('--') && (keysAt < 0 || i !== keysAt + 1));
  if (!file || (keysAt >= 0 && !keysFile)) {
    console.error('usage: npm run verify:evidence -- <pack.json> [--keys <keys.json>]');
    process.exit(2);
  }
  verifyEvidenceFile(readOrExit(file), keysFile ? readOrExit(keysFile) : undefined).then(
    (verdict) => {
      console.log(verdict);
      process.exit(verdict === 'ok' ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err instanceof KeysFileError ? `verify:evidence: ${keysFile}: ${err.message}` : `verify:evidence: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(2);
    },
  );
}
