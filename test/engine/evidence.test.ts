/**
 * SPEC 5a evidence packs through the engine: exported in chunks, assembled into one file, verified
 * offline (`ok`); one changed byte in any part or one changed record fails naming the part or seq;
 * a dropped record, a foreign key and a pack spanning a retention purge.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemblePack, renderReport, type EvidenceChunk, type EvidenceScope, type PackManifest } from '../../src/core/domain/evidence-pack-format';
import type { AuditRecord } from '../../src/core/domain/model';
import { verifyEvidenceFile } from '../../scripts/verify-evidence';
import { CHAIN_CHUNK } from '../../src/core/evidence/export-pack';
import { ALICE, BOB, CAROL, DAVE, codeOf, exportEvidencePack, setup, ui, type TestEnv } from './helpers';

const sha256 = async (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const PIN = 'correct-horse-42';

const exportPack = async (env: TestEnv, scope: EvidenceScope, accountId = ALICE): Promise<string> => JSON.stringify(await exportEvidencePack(env, scope, accountId));

async function signedApproval(env: TestEnv, pageId: string): Promise<string> {
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', {
    steps: [{ approvers: [CAROL, DAVE], mode: 'any', signature: { required: true, auth: 'pin', meanings: [{ code: 'approval', label: 'I approve this document' }] } }],
  });
  await env.engine.signatures.setPin(ui(CAROL), PIN).catch(() => undefined);
  const a = await env.engine.approvals.submitPage(ui(BOB), pageId);
  env.tick(1000);
  await env.engine.approvals.decide(ui(CAROL), a.id, 'approve', 'Fine', { credential: { type: 'pin', value: PIN }, meaning: 'approval' });
  return a.id;
}

function edit(pack: string, part: string, change: (text: string) => string): string {
  const bundle = JSON.parse(pack) as { files: Record<string, string> };
  bundle.files[part] = change(bundle.files[part]);
  return JSON.stringify(bundle);
}

/** Flips one character of `text` at `index` (to another printable one). */
const flip = (text: string, index: number) => text.slice(0, index) + (text[index] === 'a' ? 'b' : 'a') + text.slice(index + 1);

describe('evidence packs', () => {
  test('a page pack verifies ok, carries the signature manifestation, and is audited', async () => {
    const env = await setup();
    await signedApproval(env, '2001');
    await env.engine.approvals.submitPage(ui(BOB), '2002'); // unrelated records in the segment
    const pack = await exportPack(env, { pageId: '2001' });
    expect(await verifyEvidenceFile(pack)).toBe('ok');
    const keys = JSON.stringify({ keys: await env.engine.evidence.keys(ui(BOB)) });
    expect(await verifyEvidenceFile(pack, keys)).toBe('ok');

    const files = (JSON.parse(pack) as { files: Record<string, string> }).files;
    const manifest = JSON.parse(files['manifest.json']) as { format: string; counts: { records: number; chain: number } };
    expect(manifest.format).toBe('approvalflow.evidence/v1');
    expect(manifest.counts.records).toBe(2);
    expect(manifest.counts.chain).toBeGreaterThan(2);
    expect(files['report.html']).toContain('Signed: Carol Reviewer · Approval: I approve this document · ');
    expect(files['chain.ndjson'].split('\n')[0]).toMatch(/^\{"seq":\d+,"prevHash":"[0-9a-f]{64}","recordDigest":"[0-9a-f]{64}","hash":"[0-9a-f]{64}"\}$/);
    const exported = (await env.auditRecords()).filter((r) => r.action === 'evidence.exported');
    expect(exported).toMatchObject([{ actor: ALICE, pageId: '2001', details: { records: 2 } }]);
  });

  test('one changed byte in any part fails naming the part; a consistently changed record names its seq', async () => {
    const env = await setup();
    await signedApproval(env, '2001');
    const pack = await exportPack(env, { pageId: '2001' });
    for (const part of ['records.ndjson', 'chain.ndjson', 'report.html']) {
      expect(await verifyEvidenceFile(edit(pack, part, (t) => flip(t, Math.floor(t.length / 2))))).toBe(`TAMPERED:${part}`);
    }
    expect(await verifyEvidenceFile(edit(pack, 'manifest.json', (t) => t.replace('"generatedBy": "acc-alice"', '"generatedBy": "acc-alicf"')))).toBe('TAMPERED:manifest.json');

    // Change one record and recompute every sha256 the manifest lists: the chain names the record.
    const bundle = JSON.parse(pack) as { files: Record<string, string> };
    const lines = bundle.files['records.ndjson'].trim().split('\n');
    const record = JSON.parse(lines[1]) as { seq: number; details: Record<string, unknown> };
    record.details = { ...record.details, comment: 'Not what was said' };
    lines[1] = JSON.stringify(record);
    bundle.files['records.ndjson'] = `${lines.join('\n')}\n`;
    const manifest = JSON.parse(bundle.files['manifest.json']) as { files: Record<string, { sha256: string }> };
    manifest.files['records.ndjson'].sha256 = await sha256(bundle.files['records.ndjson']);
    bundle.files['manifest.json'] = JSON.stringify(manifest, null, 2);
    expect(await verifyEvidenceFile(JSON.stringify(bundle))).toBe(`TAMPERED:${record.seq}`);

    // Dropping a record (manifest and report made consistent) is caught by the signed attestation.
    const dropped = JSON.parse(pack) as { files: Record<string, string> };
    const kept = dropped.files['records.ndjson'].trim().split('\n').slice(1);
    dropped.files['records.ndjson'] = `${kept.join('\n')}\n`;
    const m2 = JSON.parse(dropped.files['manifest.json']) as PackManifest;
    dropped.files['report.html'] = renderReport(m2, kept.map((l) => JSON.parse(l) as AuditRecord));
    m2.counts.records = kept.length;
    m2.files['records.ndjson'].sha256 = await sha256(dropped.files['records.ndjson']);
    m2.files['report.html'].sha256 = await sha256(dropped.files['report.html']);
    dropped.files['manifest.json'] = JSON.stringify(m2, null, 2);
    expect(await verifyEvidenceFile(JSON.stringify(dropped))).toBe('TAMPERED:manifest.json');
  });

  test('a pack checked against another installation key is KEY_MISMATCH', async () => {
    const env = await setup();
    await signedApproval(env, '2001');
    const pack = await exportPack(env, { pageId: '2001' });
    const other = await setup();
    const otherKeys = JSON.stringify({ keys: await other.engine.evidence.keys(ui(BOB)) });
    const ownKeys = await env.engine.evidence.keys(ui(BOB));
    expect(await verifyEvidenceFile(pack, otherKeys)).toBe('KEY_MISMATCH');
    const forged = JSON.stringify([{ ...ownKeys[0], publicKey: JSON.parse(otherKeys).keys[0].publicKey }]);
    expect(await verifyEvidenceFile(pack, forged)).toBe('KEY_MISMATCH');
  });

  test('a long segment comes in chunks; a pack spanning a retention purge verifies', async () => {
    const env = await setup();
    await signedApproval(env, '2001');
    // Enough unrelated records after the page's to need more than one chunk.
    for (let i = 0; i < CHAIN_CHUNK / 2 + 10; i++) {
      const a = await env.engine.approvals.submitPage(ui(BOB), '2003');
      await env.engine.approvals.cancel(ui(BOB), a.id);
    }
    const chunks: EvidenceChunk[] = [];
    let cursor: string | undefined;
    do {
      const chunk = await env.engine.evidence.export(ui(ALICE), { pageId: '2001' }, cursor);
      chunks.push(chunk);
      cursor = chunk.nextCursor;
    } while (cursor);
    expect(chunks.length).toBe(2);
    expect(await verifyEvidenceFile(JSON.stringify(await assemblePack(chunks, sha256)))).toBe('ok');

    // Purge the oldest records (the first submission of page 2001 included), then export again.
    const records = await env.auditRecords();
    const cut = records.find((r) => r.action === 'approval.submitted' && r.pageId === '2001')!.at + 1;
    env.tick(1000);
    await env.audit.purge(cut, 'system');
    const after = await exportPack(env, { pageId: '2001' });
    expect(await verifyEvidenceFile(after)).toBe('ok');
    const manifest = JSON.parse((JSON.parse(after) as { files: Record<string, string> }).files['manifest.json']) as { counts: { records: number } };
    expect(manifest.counts.records).toBeGreaterThanOrEqual(1);
  }, 120_000);

  test('scopes: approval and change set; who may export; invisible objects answer as missing', async () => {
    const env = await setup();
    const approvalId = await signedApproval(env, '2001');
    expect(await verifyEvidenceFile(await exportPack(env, { approvalId }))).toBe('ok');
    const cs = await env.engine.changeSets.create(ui(BOB), { spaceId: '1001', title: 'Release', pageRefs: [{ pageId: '2004' }] });
    expect(await verifyEvidenceFile(await exportPack(env, { changeSetId: cs.id }))).toBe('ok');

    // Bob can view the page but is no admin: 403; Erin cannot see page 2012: 404 like a missing page.
    expect(await codeOf(env.engine.evidence.export(ui(BOB), { pageId: '2001' }))).toBe('FORBIDDEN');
    expect(await codeOf(env.engine.evidence.export(ui('acc-erin'), { pageId: '2012' }))).toBe('PAGE_NOT_FOUND');
    expect(await codeOf(env.engine.evidence.export(ui('acc-erin'), { pageId: '9999' }))).toBe('PAGE_NOT_FOUND');
    expect(await codeOf(env.engine.evidence.export(ui(ALICE), { approvalId: 'nope' }))).toBe('APPROVAL_NOT_FOUND');
    expect(await codeOf(env.engine.evidence.export(ui(ALICE), { pageId: '2001' }, '{"next":0}'))).toBe('INVALID_CURSOR');
  });
});

describe('the verify:evidence command (audit B12)', () => {
  const tsx = join(__dirname, '../../node_modules/.bin/tsx');
  const script = join(__dirname, '../../scripts/verify-evidence.ts');
  const run = (args: string[]) => spawnSync(tsx, [script, ...args], { encoding: 'utf8' });

  test('a keys file that is empty, not JSON or holds no keys is a clear error (exit 2, no stack trace); good keys give the verdict', async () => {
    const env = await setup();
    await signedApproval(env, '2001');
    const dir = mkdtempSync(join(tmpdir(), 'evidence-cli-'));
    const pack = join(dir, 'pack.json');
    writeFileSync(pack, await exportPack(env, { pageId: '2001' }));
    const keys = join(dir, 'keys.json');
    for (const [content, reason] of [['', /is empty/], ['{"keys": 5', /is not JSON/], ['{"key": []}', /holds no keys/]] as const) {
      writeFileSync(keys, content);
      const out = run([pack, '--keys', keys]);
      expect({ status: out.status, stdout: out.stdout }).toEqual({ status: 2, stdout: '' });
      expect(out.stderr).toMatch(reason);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = run([join(dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: no such file/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(keys, JSON.stringify({ keys: await env.engine.evidence.keys(ui(BOB)) }));
    const verified = run([pack, '--keys', keys]);
    expect({ status: verified.status, stdout: verified.stdout }).toEqual({ status: 0, stdout: 'ok\n' });
  });
});
