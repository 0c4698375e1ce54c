/**
 * Finding (issue 10): "audit.verify does not cover the indexes: deleting an index entry hides a record
 * from space-filtered lists and exports while verify says OK". Through the engine, as a site admin sees it.
 */
import type { AuditRecord } from '../../src/core/domain/model';
import { ALICE, BOB, ENG, setup, ui, type TestEnv } from '../engine/helpers';

const seqKey = (seq: number) => String(seq).padStart(12, '0');

async function submitted(env: TestEnv): Promise<AuditRecord> {
  await env.engine.approvals.submitPage(ui(BOB), '2001');
  env.tick();
  await env.engine.changeSets.create(ui(BOB), { spaceId: ENG, title: 'Later work', pageRefs: [{ pageId: '2002' }] });
  const record = (await env.auditRecords()).find((r) => r.action === 'approval.submitted' && r.pageId === '2001');
  if (!record) throw new Error('the submission was not audited');
  return record;
}

const listedSeqs = async (env: TestEnv) => (await env.engine.audit.list(ui(ALICE), { spaceId: ENG }, { limit: 100 })).items.map((r) => r.seq);

describe('audit index tampering is caught by verify', () => {
  it('an untouched trail verifies and the space filter shows the submission', async () => {
    const env = await setup();
    const record = await submitted(env);
    expect(await listedSeqs(env)).toContain(record.seq);
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: true });
  });

  it('deleting the space index entry hides the record from list and export, and verify reports that record', async () => {
    const env = await setup();
    const record = await submitted(env);
    await env.store.transact([{ op: 'delete', key: `audit:ix:space:${ENG}:${seqKey(record.seq)}` }]);

    expect(await listedSeqs(env)).not.toContain(record.seq);
    expect(await env.engine.audit.export(ui(ALICE), { spaceId: ENG }, 'ndjson')).not.toContain(`"seq":${record.seq},`);
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: false, firstBadSeq: record.seq, reason: 'INDEX_ENTRY_MISSING' });
  });

  it('adding an index entry that files the record under another space is reported', async () => {
    const env = await setup();
    const record = await submitted(env);
    const entry = (await env.store.get(`audit:ix:space:${ENG}:${seqKey(record.seq)}`))!.value;
    await env.store.transact([{ op: 'put', key: `audit:ix:space:1002:${seqKey(record.seq)}`, value: entry }]);
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: false, firstBadSeq: record.seq, reason: 'INDEX_ENTRY_EXTRA' });
  });

  it('altering an index entry (so the record drops out of an action filter) is reported', async () => {
    const env = await setup();
    const record = await submitted(env);
    const key = `audit:ix:space:${ENG}:${seqKey(record.seq)}`;
    const entry = (await env.store.get<Record<string, unknown>>(key))!.value;
    await env.store.transact([{ op: 'put', key, value: { ...entry, action: 'access.denied' } }]);
    const filtered = await env.engine.audit.list(ui(ALICE), { spaceId: ENG, action: 'approval.submitted' }, {});
    expect(filtered.items.map((r) => r.seq)).not.toContain(record.seq);
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: false, firstBadSeq: record.seq, reason: 'INDEX_ENTRY_ALTERED' });
  });
});
