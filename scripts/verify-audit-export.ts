/**
 * Offline verifier of an ApprovalFlow audit NDJSON export, written from docs/audit.md
 * ("Verifying an export offline") and deliberately independent of the app's code: Node's crypto only.
 *
 *   npx tsx scripts/verify-audit-export.ts export.ndjson [expected-head-digest]
 *
 * Exit code 0 when every hash and link checks out (and the last hash equals the digest, if given).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ExportVerification {
  ok: boolean;
  records: number;
  /** Lines marked `"pending": true`: committed but not yet in the chain, so not verifiable yet (docs/audit.md). */
  pending: number;
  /** hash of the newest record: compare it with the digest kept outside the app */
  lastHash?: string;
  problems: string[];
}

/** RFC 8785: members sorted by UTF-16 code units, no whitespace, ECMAScript number and string forms. */
export function jcs(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  const names = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // JS string order = UTF-16 code units
  return `{${names.map((n) => `${JSON.stringify(n)}:${jcs(value[n])}`).join(',')}}`;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

type Line = { [key: string]: Json } & { seq: number; hash: string; prevHash: string; action: string; details: { [key: string]: Json }; pending?: boolean };

export function verifyAuditExport(ndjson: string, expectedDigest?: string): ExportVerification {
  const problems: string[] = [];
  const lines = ndjson
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const { display: _display, ...record } = JSON.parse(line) as Line; // readable names are not hashed
      return record;
    });
  const records = lines.filter((r) => r.pending !== true).sort((a, b) => a.seq - b.seq);
  const pending = lines.length - records.length;

  for (const [i, record] of records.entries()) {
    const { hash, ...unsigned } = record;
    const { prevHash, ...content } = unsigned;
    // Format 2: SHA-256(prevHash ‖ SHA-256(JCS(content))); records linked before it keep format 1: SHA-256(JCS(record without hash)).
    const matches = sha256(`${prevHash}${sha256(jcs(content))}`) === hash || sha256(jcs(unsigned)) === hash;
    if (!matches) problems.push(`seq ${record.seq}: hash does not match its content`);
    const previous = records[i - 1];
    if (previous && record.seq !== previous.seq + 1) problems.push(`seq ${record.seq}: records ${previous.seq + 1}..${record.seq - 1} are missing`);
    if (previous && record.prevHash !== previous.hash) problems.push(`seq ${record.seq}: prevHash does not link to seq ${previous.seq}`);
  }
  const first = records[0];
  if (first && first.seq === 1 && first.prevHash !== '0'.repeat(64)) problems.push('seq 1: prevHash is not the genesis value');
  if (first && first.seq > 1) {
    // After a retention purge the kept chain starts where the latest purge record says.
    const purges = records.filter((r) => r.action === 'audit.purged');
    const latest = purges[purges.length - 1];
    if (!latest || latest.details.firstKeptSeq !== first.seq || latest.details.anchorHash !== first.prevHash) {
      problems.push(`seq ${first.seq}: the export does not start at the checkpoint of its latest audit.purged record`);
    }
  }
  const lastHash = records[records.length - 1]?.hash;
  if (expectedDigest !== undefined && lastHash !== expectedDigest) problems.push('the newest hash is not the expected digest');
  return { ok: problems.length === 0, records: records.length, pending, lastHash, problems };
}

if (require.main === module) {
  const [file, digest] = process.argv.slice(2);
  if (!file) {
    console.error('usage: verify-audit-export <export.ndjson> [expected-head-digest]');
    process.exit(2);
  }
  const result = verifyAuditExport(readFileSync(file, 'utf8'), digest);
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.ok ? 0 : 1);
}
