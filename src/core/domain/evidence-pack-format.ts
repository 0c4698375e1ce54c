/**
 * The evidence pack (SPEC 5a) as files, and how chunks become one file. Pure (no Node APIs): the
 * Custom UI assembles packs in the browser with WebCrypto, the CLI verifier and tests with Node's
 * crypto; both pass their own SHA-256. The container is one JSON bundle (docs/decisions.md, issue 21):
 * `{format: "approvalflow.evidence-bundle/v1", files: {"manifest.json", "records.ndjson",
 * "chain.ndjson", "report.html"}}`, each file as its exact text.
 */
import type { AuditRecord } from './model';
import { canonicalJson } from './canonical-json';
import { signatureManifestation } from './manifestation';
import type { DecisionSignature } from './model';

export const EVIDENCE_FORMAT = 'approvalflow.evidence/v1';
export const BUNDLE_FORMAT = 'approvalflow.evidence-bundle/v1';
export const PACK_PARTS = ['records.ndjson', 'chain.ndjson', 'report.html'] as const;
export type PackPart = (typeof PACK_PARTS)[number];

export type EvidenceScope = { pageId: string } | { changeSetId: string } | { approvalId: string };

/** One link of the chain segment: format 2 carries the record digest; a format-1 link only its hashes. */
export type ChainEntry = { seq: number; prevHash: string; recordDigest: string; hash: string } | { seq: number; prevHash: string; hash: string; legacy: true };

export interface PackCheckpoint {
  seq: number;
  headHash: string;
  at: number;
  keyId: string;
  signature: string;
}

export interface PackKey {
  keyId: string;
  publicKey: string;
  validFrom: string;
  validTo?: string;
}

/**
 * The installation's signed statement of which records the pack holds (their seqs), so a record
 * dropped from records.ndjson is detected even though its link stays in the chain as a digest.
 */
export interface PackAttestation {
  checkpointSeq: number;
  seqs: number[];
  keyId: string;
  signature: string;
}

/** What an attestation signature covers. */
export function attestationPayload(header: Pick<PackHeader, 'scope' | 'generatedAt' | 'generatedBy'>, attestation: Pick<PackAttestation, 'checkpointSeq' | 'seqs'>): string {
  return canonicalJson({
    format: EVIDENCE_FORMAT,
    scope: header.scope,
    generatedAt: header.generatedAt,
    generatedBy: header.generatedBy,
    checkpointSeq: attestation.checkpointSeq,
    seqs: attestation.seqs,
  });
}

/** What the first chunk carries besides the start of the chain. */
export interface PackHeader {
  format: typeof EVIDENCE_FORMAT;
  scope: EvidenceScope;
  generatedAt: number;
  generatedBy: string;
  checkpoint: PackCheckpoint | null;
  attestation: PackAttestation | null;
  keys: PackKey[];
  /** every in-scope audit record up to the checkpoint, oldest first */
  records: AuditRecord[];
}

export interface EvidenceChunk {
  header?: PackHeader;
  chain: ChainEntry[];
  nextCursor?: string;
}

export interface PackManifest {
  format: typeof EVIDENCE_FORMAT;
  scope: EvidenceScope;
  generatedAt: number;
  generatedBy: string;
  counts: { records: number; chain: number };
  files: Record<PackPart, { sha256: string }>;
  checkpoint: PackCheckpoint | null;
  attestation: PackAttestation | null;
  keys: PackKey[];
}

export interface EvidenceBundle {
  format: typeof BUNDLE_FORMAT;
  files: Record<'manifest.json' | PackPart, string>;
}

export type Sha256 = (text: string) => Promise<string>;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function scopeText(scope: EvidenceScope): string {
  if ('pageId' in scope) return `page ${scope.pageId}`;
  if ('changeSetId' in scope) return `change set ${scope.changeSetId}`;
  return `approval ${scope.approvalId}`;
}

/** What a record says in words: the signature manifestation (§11.50) when signed, else its comment or status. */
function describe(record: AuditRecord): string {
  const details = record.details;
  if (typeof details.manifestation === 'string') return `Signed: ${details.manifestation}`;
  const signature = details.signature as DecisionSignature | undefined;
  if (signature && typeof signature === 'object' && typeof signature.printedName === 'string') return `Signed: ${signatureManifestation(signature)}`;
  if (typeof details.comment === 'string') return details.comment;
  return typeof details.status === 'string' ? details.status : '';
}

/** The readable manifestation (report.html): derived from the manifest and the records only, so a verifier can rebuild it byte for byte. */
export function renderReport(manifest: Pick<PackManifest, 'scope' | 'generatedAt' | 'generatedBy' | 'checkpoint' | 'keys'>, records: AuditRecord[]): string {
  const rows = records
    .map(
      (r) =>
        `<tr><td>${r.seq}</td><td>${escapeHtml(utc(r.at))}</td><td>${escapeHtml(r.actor)}</td><td>${escapeHtml(r.action)}</td><td>${escapeHtml(r.pageId ?? '')}</td><td>${r.pageVersion ?? ''}</td><td>${escapeHtml(describe(r))}</td></tr>`,
    )
    .join('\n');
  const cp = manifest.checkpoint;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>ApprovalFlow evidence</title></head><body>',
    `<h1>ApprovalFlow evidence: ${escapeHtml(scopeText(manifest.scope))}</h1>`,
    `<p>Generated ${escapeHtml(utc(manifest.generatedAt))} by ${escapeHtml(manifest.generatedBy)}.</p>`,
    cp
      ? `<p>Audit chain signed at seq ${cp.seq} (${escapeHtml(utc(cp.at))}), head ${cp.headHash}, key ${escapeHtml(cp.keyId)}.</p>`
      : '<p>The audit chain is empty: no checkpoint.</p>',
    '<table><thead><tr><th>Seq</th><th>Time</th><th>Actor</th><th>Action</th><th>Page</th><th>Version</th><th>Manifestation / comment</th></tr></thead><tbody>',
    rows,
    '</tbody></table>',
    '<p>Verify offline: npm run verify:evidence -- &lt;file&gt; (answers ok, TAMPERED:&lt;part|seq&gt; or KEY_MISMATCH).</p>',
    '</body></html>',
    '',
  ].join('\n');
}

const ndjson = (lines: unknown[]): string => lines.map((l) => `${JSON.stringify(l)}\n`).join('');

/** Joins the chunks of one export into the single-file bundle. */
export async function assemblePack(chunks: EvidenceChunk[], sha256: Sha256): Promise<EvidenceBundle> {
  const header = chunks[0]?.header;
  if (!header) throw new Error('the first chunk of an evidence export carries its header');
  const chain = chunks.flatMap((c) => c.chain);
  const files = {
    'records.ndjson': ndjson(header.records),
    'chain.ndjson': ndjson(chain),
    'report.html': renderReport(header, header.records),
  };
  const manifest: PackManifest = {
    format: EVIDENCE_FORMAT,
    scope: header.scope,
    generatedAt: header.generatedAt,
    generatedBy: header.generatedBy,
    counts: { records: header.records.length, chain: chain.length },
    files: {
      'records.ndjson': { sha256: await sha256(files['records.ndjson']) },
      'chain.ndjson': { sha256: await sha256(files['chain.ndjson']) },
      'report.html': { sha256: await sha256(files['report.html']) },
    },
    checkpoint: header.checkpoint,
    attestation: header.attestation,
    keys: header.keys,
  };
  return { format: BUNDLE_FORMAT, files: { 'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`, ...files } };
}
