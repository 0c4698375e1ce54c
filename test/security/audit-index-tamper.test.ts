/**
 * Finding (issue 10): "audit.verify does not cover the indexes: deleting an index entry hides a record
 * from space-filtered lists and exports while verify says OK". Since issue 13 the indexes are the
 * af-audit entity's declared indexes, fed by the record's attributes: tampering with an attribute
 * moves the record between index partitions, and verify must report it. Through the engine, as a
 * site admin sees it. A record stored without what its attributes hold (docs/audit.md "Storage") is
 * read back from them, so an altered attribute alters the record (its hash breaks); one stored whole
 * (older data) whose attribute disagrees with it is damaged.
 */
import { recordOfEntity } from '../../src/core/audit/records';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import type { AuditRecord } from '../../src/core/domain/model';
import { ALICE, BOB, ENG, setup, ui, type TestEnv } from '../engine/helpers';

async function submitted(env: TestEnv): Promise<AuditRecord> {
  await env.engine.approvals.submitPage(ui(BOB), '2001');
  env.tick();
  await env.engine.changeSets.create(ui(BOB), { spaceId: ENG, title: 'Later work', pageRefs: [{ pageId: '2002' }] });
  const record = (await env.auditRecords()).find((r) => r.action === 'approval.submitted' && r.pageId === '2001');
  if (!record) throw new Error('the submission was not audited');
  return record;
}

/** The stored entity of a record (found through the unfiltered time index). */
async function entityOf(env: TestEnv, record: AuditRecord): Promise<{ key: string; value: Record<string, unknown> }> {
  const page = await env.store.queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 100 });
  const found = page.items.find((item) => recordOfEntity(item).id === record.id);
  if (!found) throw new Error('record entity not found');
  return found;
}

async function rewrite(env: TestEnv, record: AuditRecord, change: Record<string, unknown>): Promise<void> {
  const { key, value } = await entityOf(env, record);
  await env.store.transact([{ op: 'put', entity: AUDIT_ENTITY, key, value: { ...value, ...change } }]);
}

/** Stores the record whole in its item, as items written before records left out their attributes' fields. */
async function storeWhole(env: TestEnv, record: AuditRecord): Promise<void> {
  const { pending: _pending, ...whole } = record;
  await rewrite(env, record, { rec: whole });
}

const listedSeqs = async (env: TestEnv) => (await env.engine.audit.list(ui(ALICE), { spaceId: ENG }, { limit: 100 })).items.map((r) => r.seq);

describe('audit index tampering is caught by verify', () => {
  it('an untouched trail verifies and the space filter shows the submission', async () => {
    const env = await setup();
    const record = await submitted(env);
    expect(await listedSeqs(env)).toContain(record.seq);
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: true });
  });

  it('moving the record out of its space partition hides it from list and export, and verify reports that record', async () => {
    const env = await setup();
    const record = await submitted(env);
    await rewrite(env, record, { space: '1002' });
    expect(await listedSeqs(env)).not.toContain(record.seq);
    expect((await env.engine.audit.export(ui(ALICE), { spaceId: ENG }, 'ndjson')).content).not.toContain(`"seq":${record.seq},`);
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: false, firstBadSeq: record.seq, reason: 'RECORD_ALTERED' });
  });

  it('altering the action attribute (so the record drops out of an action filter) is reported', async () => {
    const env = await setup();
    const record = await submitted(env);
    await rewrite(env, record, { action: 'access.denied' });
    const before = await env.engine.audit.list(ui(ALICE), { action: 'approval.submitted' }, {});
    expect(before.items.map((r) => r.seq)).not.toContain(record.seq);
    // the attribute is the record's action: every index shows the record as altered, and its hash no longer follows
    const bySpace = await env.engine.audit.list(ui(ALICE), { spaceId: ENG }, {});
    expect(bySpace.items.find((r) => r.seq === record.seq)).toMatchObject({ action: 'access.denied', hash: record.hash });
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: false, firstBadSeq: record.seq, reason: 'RECORD_ALTERED' });
  });

  it('a record stored whole (older data) still verifies; its action attribute altered makes it damaged', async () => {
    const env = await setup();
    const record = await submitted(env);
    await storeWhole(env, record);
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: true });
    expect((await env.engine.audit.list(ui(ALICE), { spaceId: ENG }, { limit: 100 })).items).toContainEqual(record);
    await rewrite(env, record, { action: 'access.denied' });
    // read through another index, the damaged record stops the list rather than showing a lie
    await expect(env.engine.audit.list(ui(ALICE), { spaceId: ENG }, {})).rejects.toMatchObject({ code: 'AUDIT_RECORD_INVALID' });
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: false, firstBadSeq: record.seq, reason: 'RECORD_ALTERED' });
  });

  it('deleting the record is reported at its seq', async () => {
    const env = await setup();
    const record = await submitted(env);
    const { key } = await entityOf(env, record);
    await env.store.transact([{ op: 'delete', entity: AUDIT_ENTITY, key }]);
    expect(await env.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: false, firstBadSeq: record.seq, reason: 'RECORD_MISSING' });
  });
});
