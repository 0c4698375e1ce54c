/**
 * Offline verifier of an ApprovalFlow evidence pack (SPEC 5a), with Node's crypto only:
 *
 *   npm run verify:evidence -- <pack.json> [--keys <keys.json>]
 *
 * `--keys`: the answer of GET /keys (or its `keys` array) saved beforehand; without it the pack's own
 * keys are used, which proves integrity but not origin. Prints `ok`, `TAMPERED:<part|seq>` or
 * `KEY_MISMATCH`; exit code 0 only for `ok`.
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

export async function verifyEvidenceFile(packText: string, keysText?: string): Promise<PackVerdict> {
  let keys: PackKey[] | undefined;
  if (keysText !== undefined) {
    const parsed = JSON.parse(keysText) as { keys?: PackKey[] } | PackKey[];
    keys = Array.isArray(parsed) ? parsed : (parsed.keys ?? []);
  }
  return verifyPack(packText, nodePackCrypto, keys);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const keysAt = args.indexOf('--keys');
  const keysFile = keysAt >= 0 ? args[keysAt + 1] : undefined;
  const file = args.find((a, i) => !a.startsWith('--') && (keysAt < 0 || i !== keysAt + 1));
  if (!file) {
    console.error('usage: npm run verify:evidence -- <pack.json> [--keys <keys.json>]');
    process.exit(2);
  }
  void verifyEvidenceFile(readFileSync(file, 'utf8'), keysFile ? readFileSync(keysFile, 'utf8') : undefined).then((verdict) => {
    console.log(verdict);
    process.exit(verdict === 'ok' ? 0 : 1);
  });
}
