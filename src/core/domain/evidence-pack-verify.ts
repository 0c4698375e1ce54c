/**
 * Offline verification of an evidence pack (SPEC 5a), shared by `npm run verify:evidence` and the
 * admin page's "Verify pack": `ok`, `TAMPERED:<part|seq>` or `KEY_MISMATCH`. Pure: the caller passes
 * SHA-256 and Ed25519 verification (Node crypto or WebCrypto). Order: each part against the manifest,
 * the chain links, each record against its link, the counts and the report, then the checkpoint
 * signature against the trusted keys (or, without any, the keys the pack carries).
 */
import { canonicalJson } from './canonical-json';
import type { AuditRecord } from './model';
import { BUNDLE_FORMAT, EVIDENCE_FORMAT, PACK_PARTS, attestationPayload, renderReport, type ChainEntry, type PackKey, type PackManifest, type Sha256 } from './evidence-pack-format';

export type PackVerdict = 'ok' | 'KEY_MISMATCH' | `TAMPERED:${string}`;

export interface PackCrypto {
  sha256: Sha256;
  /** Ed25519: does `signatureBase64` sign the UTF-8 bytes of `text` under the SPKI PEM key? */
  verifyEd25519(publicKeyPem: string, text: string, signatureBase64: string): Promise<boolean>;
}

const HEX64 = /^[0-9a-f]{64}$/;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseLines(text: string): Record<string, unknown>[] | undefined {
  if (text !== '' && !text.endsWith('\n')) return undefined;
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  const parsed = lines.map(parseJson);
  return parsed.every(isObject) ? parsed : undefined;
}

function isManifest(value: unknown): value is PackManifest {
  if (!isObject(value) || value.format !== EVIDENCE_FORMAT || !isObject(value.files) || !isObject(value.counts) || !Array.isArray(value.keys)) return false;
  const files = value.files;
  return PACK_PARTS.every((p) => isObject(files[p]) && typeof files[p].sha256 === 'string');
}

function isEntry(value: unknown): value is ChainEntry {
  if (!isObject(value) || !Number.isSafeInteger(value.seq) || typeof value.prevHash !== 'string' || typeof value.hash !== 'string') return false;
  return value.legacy === true || (typeof value.recordDigest === 'string' && HEX64.test(value.recordDigest));
}

async function chainProblem(entries: ChainEntry[], sha256: Sha256): Promise<number | undefined> {
  for (const [i, entry] of entries.entries()) {
    const previous = entries[i - 1];
    if (previous && (entry.seq !== previous.seq + 1 || entry.prevHash !== previous.hash)) return entry.seq;
    if (!('legacy' in entry) && (await sha256(`${entry.prevHash}${entry.recordDigest}`)) !== entry.hash) return entry.seq;
  }
  return undefined;
}

/** Does the record's content produce its link (format 2: its digest; format 1: its hash with the link's prevHash)? */
async function recordMatches(record: Record<string, unknown>, entry: ChainEntry, sha256: Sha256): Promise<boolean> {
  if (record.prevHash !== entry.prevHash || record.hash !== entry.hash) return false;
  const { hash: _hash, prevHash: _prev, ...content } = record;
  if ('legacy' in entry) {
    const { hash: _h, ...withPrev } = record;
    return (await sha256(canonicalJson(withPrev))) === entry.hash;
  }
  return (await sha256(canonicalJson(content))) === entry.recordDigest;
}

export async function verifyPack(bundleText: string, crypto: PackCrypto, trustedKeys?: PackKey[]): Promise<PackVerdict> {
  const bundle = parseJson(bundleText);
  if (!isObject(bundle) || bundle.format !== BUNDLE_FORMAT || !isObject(bundle.files)) return 'TAMPERED:bundle';
  const files = bundle.files;
  if (![...PACK_PARTS, 'manifest.json'].every((p) => typeof files[p] === 'string')) return 'TAMPERED:bundle';
  const text = files as Record<string, string>;
  const manifest = parseJson(text['manifest.json']!);
  if (!isManifest(manifest)) return 'TAMPERED:manifest.json';
  for (const part of PACK_PARTS) {
    if ((await crypto.sha256(text[part]!)) !== manifest.files[part].sha256) return `TAMPERED:${part}`;
  }
  const chain = parseLines(text['chain.ndjson']!);
  if (!chain || !chain.every(isEntry)) return 'TAMPERED:chain.ndjson';
  const records = parseLines(text['records.ndjson']!);
  if (!records) return 'TAMPERED:records.ndjson';
  const badLink = await chainProblem(chain, crypto.sha256);
  if (badLink !== undefined) return `TAMPERED:${badLink}`;
  const bySeq = new Map(chain.map((e) => [e.seq, e]));
  for (const record of records) {
    const entry = typeof record.seq === 'number' ? bySeq.get(record.seq) : undefined;
    if (!entry || !(await recordMatches(record, entry, crypto.sha256))) return `TAMPERED:${String(record.seq)}`;
  }
  if (manifest.counts.records !== records.length || manifest.counts.chain !== chain.length) return 'TAMPERED:manifest.json';
  const cp = manifest.checkpoint;
  if (!cp) return chain.length === 0 && records.length === 0 && reportMatches(manifest, records, text) ? 'ok' : 'TAMPERED:manifest.json';
  const last = chain.at(-1);
  if (last && (last.seq !== cp.seq || last.hash !== cp.headHash)) return 'TAMPERED:manifest.json';
  // KEY_MISMATCH: the pack was signed with a key the verifier does not trust. A signature that fails
  // under the very key it names means the signed fields were edited.
  const packKey = manifest.keys.find((k) => k.keyId === cp.keyId);
  const trusted = trustedKeys ? trustedKeys.find((k) => k.keyId === cp.keyId) : packKey;
  if (!packKey || !trusted || trusted.publicKey.trim() !== packKey.publicKey.trim()) return 'KEY_MISMATCH';
  const signed = canonicalJson({ seq: cp.seq, headHash: cp.headHash, at: cp.at });
  if (!(await crypto.verifyEd25519(trusted.publicKey, signed, cp.signature))) return 'TAMPERED:manifest.json';
  // The attestation says which records are in scope: none may be dropped or added.
  const seqs = records.map((r) => r.seq as number);
  const attestation = manifest.attestation;
  if (!attestation || attestation.checkpointSeq !== cp.seq || canonicalJson(attestation.seqs) !== canonicalJson(seqs)) return 'TAMPERED:manifest.json';
  const attested = attestationPayload(manifest, attestation);
  if (!(await crypto.verifyEd25519(trusted.publicKey, attested, attestation.signature))) return 'TAMPERED:manifest.json';
  return reportMatches(manifest, records, text) ? 'ok' : 'TAMPERED:report.html';
}

/** report.html is derived: it must be exactly what the manifest and records render to. */
function reportMatches(manifest: PackManifest, records: Record<string, unknown>[], text: Record<string, string>): boolean {
  return renderReport(manifest, records as unknown as AuditRecord[]) === text['report.html'];
}
