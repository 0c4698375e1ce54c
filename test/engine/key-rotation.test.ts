/**
 * Issue 21 / SPEC 5a: a site admin rotates the installation signing key. The new key signs from then
 * on; the retired one stays published with its validity window, so a pack signed before the rotation
 * still verifies against the keys published after it; the rotation is audited; nobody else may rotate.
 */
import { verifyEvidenceFile } from '../../scripts/verify-evidence';
import { ALICE, BOB, CAROL, DAVE, codeOf, exportEvidencePack, setup, ui, type TestEnv } from './helpers';

const exportPack = async (env: TestEnv, pageId: string): Promise<string> => JSON.stringify(await exportEvidencePack(env, { pageId }));

async function approve(env: TestEnv, pageId: string): Promise<void> {
  const a = await env.engine.approvals.submitPage(ui(BOB), pageId);
  env.tick(1000);
  await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
}

const checkpointKeyOf = (pack: string) => (JSON.parse((JSON.parse(pack) as { files: Record<string, string> }).files['manifest.json']) as { checkpoint: { keyId: string } }).checkpoint.keyId;

describe('installation key rotation', () => {
  test('the new key signs from now on; the old one stays published with its window and older packs still verify', async () => {
    const env = await setup();
    await approve(env, '2001');
    const before = await exportPack(env, '2001');
    const [first] = await env.engine.evidence.keys(ui(BOB));
    env.tick(60_000);

    const rotated = await env.engine.evidence.rotateKey(ui(ALICE));
    const published = await env.engine.evidence.keys(ui(BOB));
    expect(published).toEqual(rotated.keys);
    expect(published).toHaveLength(2);
    const [old, current] = published;
    expect(old).toEqual({ ...first, validTo: current.validFrom });
    expect(current).toMatchObject({ keyId: rotated.current, validFrom: new Date(env.deps.clock.now()).toISOString() });
    expect(current.keyId).not.toBe(first.keyId);
    expect(current.validTo).toBeUndefined();

    // A pack signed by the retired key verifies against the keys published after the rotation.
    const pinnedAfter = JSON.stringify({ keys: published });
    expect(checkpointKeyOf(before)).toBe(first.keyId);
    expect(await verifyEvidenceFile(before, pinnedAfter)).toBe('ok');
    // A new pack is signed by the new key, and a verifier that pinned only the old key says so.
    await approve(env, '2002');
    const after = await exportPack(env, '2001');
    expect(checkpointKeyOf(after)).toBe(rotated.current);
    expect(await verifyEvidenceFile(after, pinnedAfter)).toBe('ok');
    expect(await verifyEvidenceFile(after, JSON.stringify({ keys: [first] }))).toBe('KEY_MISMATCH');

    // Receipts are signed by the new key.
    const status = await env.engine.approvals.pageStatus(ui(BOB), '2002');
    expect((await env.engine.evidence.receipt(ui(BOB), status))?.keyId).toBe(rotated.current);
  });

  test('the rotation is audited in its transaction and the retired private key is gone from secret storage', async () => {
    const env = await setup();
    const [first] = await env.engine.evidence.keys(ui(BOB));
    expect(await env.deps.secrets!.getSecret(`evidence-key:${first.keyId}`)).toBeDefined();
    const rotated = await env.engine.evidence.rotateKey(ui(ALICE));
    const records = (await env.auditRecords()).filter((r) => r.action === 'evidence.key_rotated');
    expect(records).toEqual([expect.objectContaining({ actor: ALICE, spaceId: 'global', details: { previousKeyId: first.keyId, keyId: rotated.current } })]);
    expect(await env.deps.secrets!.getSecret(`evidence-key:${first.keyId}`)).toBeUndefined();
    expect(await env.deps.secrets!.getSecret(`evidence-key:${rotated.current}`)).toBeDefined();
    expect(JSON.stringify(records)).not.toContain('PRIVATE');

    // A second rotation retires the second key and keeps both earlier ones published.
    env.tick(1000);
    const again = await env.engine.evidence.rotateKey(ui(ALICE));
    expect(again.keys.map((k) => k.keyId)).toEqual([first.keyId, rotated.current, again.current]);
    expect(again.keys.filter((k) => k.validTo === undefined).map((k) => k.keyId)).toEqual([again.current]);
  });

  test('only a site admin rotates; a refusal changes nothing and writes no rotation record', async () => {
    const env = await setup();
    const keys = await env.engine.evidence.keys(ui(BOB));
    for (const who of [BOB, CAROL, DAVE]) {
      expect(await codeOf(env.engine.evidence.rotateKey(ui(who)))).toBe('FORBIDDEN');
    }
    expect(await env.engine.evidence.keys(ui(BOB))).toEqual(keys);
    expect((await env.auditRecords()).some((r) => r.action === 'evidence.key_rotated')).toBe(false);
    // the refusal itself is audited (rights of rotate-key.ts: "FORBIDDEN 403, audited")
    const denied = (await env.auditRecords()).filter((r) => r.action === 'access.denied' && r.details.operation === 'evidence.rotateKey');
    expect(denied.map((r) => r.actor)).toEqual([BOB, CAROL, DAVE]);
  });
});
