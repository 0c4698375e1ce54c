/** Electronic signatures (SPEC 2.3c) through the engine: enrolment, signing, lockout, replay, reset, manifestation, secrecy. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/adapters/store/sqlite-store';
import { DomainError } from '../../src/core/domain/errors';
import { signatureManifestation } from '../../src/core/domain/manifestation';
import type { StepSignature } from '../../src/core/domain/model';
import { stepAt, totpCode } from '../../src/core/signatures/totp';
import { ALICE, BOB, CAROL, DAVE, codeOf, setup, ui, type TestEnv } from './helpers';

const PIN = 'correct-horse-42';
const MEANINGS = [
  { code: 'approval', label: 'I approve this document' },
  { code: 'review', label: 'I have reviewed this document' },
];

async function requireSignature(env: TestEnv, auth: StepSignature['auth'] = 'pin'): Promise<void> {
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', {
    steps: [{ approvers: [CAROL, DAVE], mode: 'any', signature: { required: true, auth, meanings: MEANINGS } }],
  });
}

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

function secretOf(uri: string): string {
  return new URL(uri).searchParams.get('secret')!;
}

describe('signing a decision with a PIN', () => {
  test('no credential, no meaning, unknown meaning, wrong PINs, the lock and then a signed approval', async () => {
    const env = await setup();
    await requireSignature(env);
    await env.engine.signatures.setPin(ui(CAROL), PIN);
    const a = await env.engine.approvals.submitPage(ui(BOB), '2001');

    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve'))).toBe('SIGNATURE_REQUIRED');
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { credential: { type: 'totp', value: '123456' }, meaning: 'approval' }))).toBe('SIGNATURE_REQUIRED');
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { credential: { type: 'pin', value: PIN } }))).toBe('MEANING_REQUIRED');
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { credential: { type: 'pin', value: PIN }, meaning: 'authorship' }))).toBe('UNKNOWN_MEANING');

    const wrong = { credential: { type: 'pin' as const, value: 'not-my-pin-1' }, meaning: 'approval' };
    for (const left of [4, 3, 2, 1]) {
      const err = await failure(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, wrong));
      expect([err.code, err.attemptsLeft]).toEqual(['SIGNATURE_INVALID', left]);
    }
    const locked = await failure(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, wrong));
    expect([locked.code, locked.retryAfterSeconds]).toEqual(['SIGNATURE_LOCKED', 900]);
    // While locked even the right PIN is refused, and nothing was decided.
    const right = { credential: { type: 'pin' as const, value: PIN }, meaning: 'approval' };
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, right))).toBe('SIGNATURE_LOCKED');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).state).toBe('in_approval');

    env.tick(15 * 60_000);
    const version = env.site.getPageForRender('2001')!.version;
    const done = await env.engine.approvals.decide(ui(CAROL), a.id, 'approve', 'Signed off', right);
    expect(done.status).toBe('approved');
    const signature = done.decisions[0].signature!;
    expect(signature).toEqual({ meaning: 'approval', meaningLabel: 'I approve this document', printedName: 'Carol Reviewer', signedAt: expect.any(Number), authMethod: 'pin', pageVersion: version });
    const stamp = new Date(signature.signedAt).toISOString().slice(0, 19).replace('T', ' ');
    expect(signatureManifestation(signature)).toBe(`Carol Reviewer · Approval: I approve this document · ${stamp} UTC · page v${version} · signed (PIN)`);

    // The history and the audit trail keep it; failures were audited without the credential.
    const history = await env.engine.approvals.history(ui(BOB), '2001');
    expect(history[0].decisions[0].signature).toEqual(signature);
    const records = await env.auditRecords();
    expect(records.filter((r) => r.action === 'signature.failed').map((r) => r.details)).toEqual([
      { method: 'pin', attemptsLeft: 4, locked: false },
      { method: 'pin', attemptsLeft: 3, locked: false },
      { method: 'pin', attemptsLeft: 2, locked: false },
      { method: 'pin', attemptsLeft: 1, locked: false },
      { method: 'pin', attemptsLeft: 0, locked: true },
    ]);
    const approved = records.find((r) => r.action === 'approval.approved')!;
    expect(approved.details).toMatchObject({ signature, manifestation: signatureManifestation(signature) });
    // The decision reply on the page prints the manifestation too.
    const comments = env.site.listComments('2001').map((c) => c.body).join('\n');
    expect(comments).toContain(`Electronically signed: Carol Reviewer · Approval: I approve this document · ${stamp} UTC`);
  });

  test('rejections are signed too; a signer without a PIN is told to enrol; an unsigned step is unchanged', async () => {
    const env = await setup();
    await requireSignature(env);
    const a = await env.engine.approvals.submitPage(ui(BOB), '2002');
    const signing = { credential: { type: 'pin' as const, value: PIN }, meaning: 'review' };
    expect(await codeOf(env.engine.approvals.decide(ui(DAVE), a.id, 'reject', 'The figures in table 2 are wrong', signing))).toBe('SIGNATURE_NOT_ENROLLED');
    await env.engine.signatures.setPin(ui(DAVE), PIN);
    const rejected = await env.engine.approvals.decide(ui(DAVE), a.id, 'reject', 'The figures in table 2 are wrong', signing);
    expect(rejected.decisions[0].signature).toMatchObject({ meaning: 'review', printedName: 'Dave Reviewer', authMethod: 'pin' });

    const docs = await env.engine.approvals.submitPage(ui(BOB), '3001', 'wf-docs-quick');
    const plain = await env.engine.approvals.decide(ui(CAROL), docs.id, 'approve');
    expect(plain.decisions[0].signature).toBeUndefined();
  });

  test('changing a PIN needs the current one; weak and short PINs are refused', async () => {
    const env = await setup();
    expect(await codeOf(env.engine.signatures.setPin(ui(CAROL), 'short'))).toBe('INVALID_REQUEST');
    expect(await codeOf(env.engine.signatures.setPin(ui(CAROL), '11111111'))).toBe('PIN_TOO_WEAK');
    await env.engine.signatures.setPin(ui(CAROL), PIN);
    expect(await codeOf(env.engine.signatures.setPin(ui(CAROL), 'another-pin-77'))).toBe('SIGNATURE_REQUIRED');
    expect((await failure(env.engine.signatures.setPin(ui(CAROL), 'another-pin-77', 'wrong-pin-000'))).attemptsLeft).toBe(4);
    await env.engine.signatures.setPin(ui(CAROL), 'another-pin-77', PIN);
    await requireSignature(env);
    const a = await env.engine.approvals.submitPage(ui(BOB), '2003');
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { credential: { type: 'pin', value: PIN }, meaning: 'approval' }))).toBe('SIGNATURE_INVALID');
    const ok = await env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { credential: { type: 'pin', value: 'another-pin-77' }, meaning: 'approval' });
    expect(ok.status).toBe('approved');
    const enrolled = (await env.auditRecords()).filter((r) => r.action === 'signature.enrolled').map((r) => r.details);
    expect(enrolled).toEqual([{ method: 'pin', change: false }, { method: 'pin', change: true }]);
  });
});

describe('TOTP', () => {
  test('enrol with a current code; a code signs once and is never accepted again (replay)', async () => {
    const env = await setup();
    const { otpauthUri } = await env.engine.signatures.startTotp(ui(CAROL));
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/ApprovalFlow%3ACarol%20Reviewer\?secret=[A-Z2-7]{32}&issuer=ApprovalFlow/);
    const secret = secretOf(otpauthUri);
    expect(await codeOf(env.engine.signatures.confirmTotp(ui(CAROL), '000000' === totpCode(secret, stepAt(Date.UTC(2026, 0, 5, 9))) ? '111111' : '000000'))).toBe('SIGNATURE_INVALID');
    await env.engine.signatures.confirmTotp(ui(CAROL), totpCode(secret, stepAt(Date.UTC(2026, 0, 5, 9))));
    expect(await env.engine.signatures.status(ui(CAROL))).toEqual({ pin: false, totp: true, locked: false });

    await requireSignature(env, 'totp');
    const a = await env.engine.approvals.submitPage(ui(BOB), '2004');
    // The code used to confirm the enrolment is spent.
    const used = totpCode(secret, stepAt(Date.UTC(2026, 0, 5, 9)));
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { credential: { type: 'totp', value: used }, meaning: 'approval' }))).toBe('SIGNATURE_INVALID');
    env.tick(30_000);
    const fresh = totpCode(secret, stepAt(Date.UTC(2026, 0, 5, 9) + 31_000));
    const ok = await env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { credential: { type: 'totp', value: fresh }, meaning: 'approval' });
    expect(ok.decisions[0].signature).toMatchObject({ authMethod: 'totp' });
    const b = await env.engine.approvals.submitPage(ui(BOB), '2005');
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), b.id, 'approve', undefined, { credential: { type: 'totp', value: fresh }, meaning: 'approval' }))).toBe('SIGNATURE_INVALID');
  });
});

describe('lockout and admin reset', () => {
  test('ten failures in 24 hours lock until a site admin resets; only site admins reset', async () => {
    const env = await setup();
    await env.engine.signatures.setPin(ui(CAROL), PIN);
    await requireSignature(env);
    const a = await env.engine.approvals.submitPage(ui(BOB), '2006');
    const wrong = { credential: { type: 'pin' as const, value: 'wrong-pin-000' }, meaning: 'approval' };
    for (let i = 0; i < 5; i++) await failure(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, wrong));
    env.tick(16 * 60_000);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await failure(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, wrong))).code);
    expect(codes).toEqual(['SIGNATURE_INVALID', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID', 'SIGNATURE_LOCKED']);
    env.tick(2 * 60 * 60_000);
    const stillLocked = await failure(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { ...wrong, credential: { type: 'pin', value: PIN } }));
    expect([stillLocked.code, stillLocked.retryAfterSeconds]).toEqual(['SIGNATURE_LOCKED', undefined]);
    expect(await env.engine.signatures.status(ui(CAROL))).toEqual({ pin: true, totp: false, locked: true });

    expect(await codeOf(env.engine.signatures.reset(ui(BOB), CAROL))).toBe('FORBIDDEN');
    await env.engine.signatures.reset(ui(ALICE), CAROL);
    expect(await env.engine.signatures.status(ui(CAROL))).toEqual({ pin: false, totp: false, locked: false });
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { ...wrong, credential: { type: 'pin', value: PIN } }))).toBe('SIGNATURE_NOT_ENROLLED');
    const reset = (await env.auditRecords()).find((r) => r.action === 'signature.reset')!;
    expect(reset).toMatchObject({ actor: ALICE, details: { accountId: CAROL, pin: true, totp: false, wasLocked: true } });
  });
});

describe('secrets never leave secret storage', () => {
  test('after a signing session no PIN, hash, salt or seed is in the store, the audit trail, exports, logs or answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'af-sig-'));
    const file = join(dir, 'store.sqlite');
    const store = new SqliteStore({ file });
    try {
      const env = await setup({ store, secrets: store });
      const log: string[] = [];
      const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void log.push(args.map(String).join(' ')));
      const warn = jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void log.push(args.map(String).join(' ')));
      const answers: unknown[] = [];
      answers.push(await env.engine.signatures.setPin(ui(CAROL), PIN));
      const { otpauthUri } = await env.engine.signatures.startTotp(ui(DAVE));
      const seed = secretOf(otpauthUri);
      answers.push(await env.engine.signatures.confirmTotp(ui(DAVE), totpCode(seed, stepAt(Date.UTC(2026, 0, 5, 9)))));
      await requireSignature(env, 'pin_or_totp');
      const a = await env.engine.approvals.submitPage(ui(BOB), '2007');
      await failure(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { credential: { type: 'pin', value: `${PIN}x` }, meaning: 'approval' }));
      answers.push(await env.engine.approvals.decide(ui(CAROL), a.id, 'approve', undefined, { credential: { type: 'pin', value: PIN }, meaning: 'approval' }));
      answers.push(await env.engine.signatures.status(ui(CAROL)), await env.engine.approvals.history(ui(BOB), '2007'), await env.engine.approvals.pageStatus(ui(BOB), '2007'));
      const exports = [(await env.engine.audit.export(ui(ALICE), {}, 'csv')).content, (await env.engine.audit.export(ui(ALICE), {}, 'ndjson')).content];
      spy.mockRestore();
      warn.mockRestore();

      const pinSecrets = new Database(file, { readonly: true }).prepare('SELECT value FROM kv_secrets').all() as { value: string }[];
      const derived = pinSecrets.flatMap((row) => {
        const value = JSON.parse(row.value) as { hash?: string; salt?: string };
        return [value.hash, value.salt].filter((v): v is string => typeof v === 'string');
      });
      expect(derived.length).toBe(2); // Carol's hash and salt are in secret storage, and only there
      const db = new Database(file, { readonly: true });
      const dump = [
        ...(db.prepare('SELECT key, value FROM kv_items').all() as { key: string; value: string }[]).map((r) => `${r.key} ${r.value}`),
        ...(db.prepare('SELECT key, value FROM entity_items').all() as { key: string; value: string }[]).map((r) => `${r.key} ${r.value}`),
      ].join('\n');
      db.close();
      const everywhere = [dump, JSON.stringify(await env.auditRecords()), exports.join('\n'), log.join('\n'), env.logs.join('\n'), JSON.stringify(answers)].join('\n');
      for (const secret of [PIN, seed, ...derived]) expect(everywhere).not.toContain(secret);
      expect(dump).toContain('sig-state:'); // the dump did read the signature state
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
