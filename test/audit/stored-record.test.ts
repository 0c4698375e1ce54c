/**
 * The stored record of an af-audit item leaves out what the item's key and attributes hold
 * (docs/audit.md "Storage"): reading makes it whole again, so an altered attribute or key alters the
 * record and verify reports it; items written before (the whole record in `rec`) read, verify and
 * list exactly as before.
 */
import { MemoryStore } from '../../src/adapters/store/memory-store';
import type { AuditEntry, AuditTrail } from '../../src/core/audit';
import { entityValueOf } from '../../src/core/audit/entity';
import { NO_VALUE, recordSk } from '../../src/core/audit/keys';
import { parseEntity } from '../../src/core/audit/records';
import type { AuditFilter } from '../../src/core/domain/model';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import type { EntityItem, KeyValueStore } from '../../src/core/ports/store';
import { verifyEvidenceFile } from '../../scripts/verify-evidence';
import { ALICE, BOB, CAROL, exportEvidencePack, setup as setupEngine, ui, type TestEnv } from '../engine/helpers';
import { fullEntry as full, linkItemAt, listAll, rawRecords, sequenceAll, setup, skAt } from './support';

const bare: AuditEntry = { actor: 'acc-carol', action: 'access.denied', spaceId: '1002', source: 'ui', details: {} };

async function items(store: KeyValueStore): Promise<EntityItem[]> {
  return (await store.queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 100 })).items;
}

/** Rewrites every item as the release before wrote it: the whole record in `rec`. */
async function storeWhole(store: KeyValueStore): Promise<void> {
  for (const item of await items(store)) {
    const { record } = parseEntity(item)!;
    await store.transact([{ op: 'put', entity: AUDIT_ENTITY, key: item.key, value: { ...item.value, rec: record } }]);
  }
}

async function trailOf(entries: AuditEntry[]): Promise<{ store: MemoryStore; trail: AuditTrail }> {
  const store = new MemoryStore();
  const { trail, clock } = setup(store);
  for (const entry of entries) {
    clock.t += 1000;
    await store.transact(trail.prepareAppend([entry]));
  }
  return { store, trail };
}

const FILTERS: AuditFilter[] = [{}, { spaceId: '1001' }, { pageId: '2001' }, { changeSetId: 'cs-1' }, { actor: 'acc-carol' }, { action: 'approval.submitted' }, { source: 'ui' }, { clientId: 'client-1' }];

async function everyList(trail: AuditTrail): Promise<unknown[]> {
  return Promise.all(FILTERS.map(async (f) => (await listAll(trail, f, 2)).records));
}

describe('the stored audit record', () => {
  it('leaves out id, at, seq, source and the indexed fields, pending and sequenced, and reads back whole', async () => {
    const { store, trail } = await trailOf([full, bare]);
    const stored = async () => (await items(store)).map((item) => Object.keys(item.value.rec as object).sort());
    expect(await stored()).toEqual([
      ['approvalId', 'details', 'pageVersion', 'workflowId'],
      ['details'],
    ]);
    const [pending] = await rawRecords(store);
    expect(pending).toMatchObject({ ...full, id: 'aud-1', seq: 0, pending: true });

    await sequenceAll(trail);
    expect(await stored()).toEqual([
      ['approvalId', 'details', 'hash', 'pageVersion', 'prevHash', 'workflowId'],
      ['details', 'hash', 'prevHash'],
    ]);
    const [first, second] = await rawRecords(store);
    expect(first).toEqual({ ...full, id: 'aud-1', seq: 1, at: expect.any(Number), prevHash: expect.any(String), hash: expect.any(String) });
    expect(second).toEqual({ ...bare, id: 'aud-3', seq: 2, at: first.at + 1000, prevHash: first.hash, hash: expect.any(String) });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it('keeps a field whose value is the no-value marker (its attribute alone would read back as absent)', async () => {
    const { store, trail } = await trailOf([{ ...full, changeSetId: NO_VALUE }]);
    await sequenceAll(trail);
    const [item] = await items(store);
    expect(item.value.rec).toMatchObject({ changeSetId: NO_VALUE });
    expect((await rawRecords(store))[0]).toMatchObject({ changeSetId: NO_VALUE });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 1 });
  });

  describe('tamper evidence: the attributes and key are the record', () => {
    const ALTERED: Array<[string, Record<string, unknown>, Partial<Record<keyof AuditFilter, string>>]> = [
      ['page', { page: '2002' }, { pageId: '2002' }],
      ['cs', { cs: 'cs-2' }, { changeSetId: 'cs-2' }],
      ['client', { client: 'client-2' }, { clientId: 'client-2' }],
      ['actor', { actor: 'acc-mallory' }, { actor: 'acc-mallory' }],
      ['space', { space: '1002' }, { spaceId: '1002' }],
      ['action', { action: 'approval.approved' }, { action: 'approval.approved' }],
      ['source', { source: 'ui' }, { source: 'ui' }],
      ['page (to the no-value marker)', { page: NO_VALUE }, { pageId: undefined }],
    ];

    it.each(ALTERED)('an altered %s attribute alters the record read back, and verify reports it at its seq', async (_name, change, shown) => {
      const { store, trail } = await trailOf([full, full, full]);
      await sequenceAll(trail);
      const key = await skAt(store, 2);
      const [item] = await store.getEntities(AUDIT_ENTITY, [key]);
      await store.transact([{ op: 'put', entity: AUDIT_ENTITY, key, value: { ...item.value, ...change } }]);
      const record = (await rawRecords(store))[1];
      expect(Object.fromEntries(Object.keys(shown).map((field) => [field, record[field as keyof typeof record]]))).toEqual(shown);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 1, firstBadSeq: 2, reason: 'RECORD_ALTERED' });
    });

    it('an item moved to another key (a new time, its link rewritten to follow) alters the record, and verify reports it', async () => {
      const { store, trail } = await trailOf([full, full, full]);
      await sequenceAll(trail);
      const key = await skAt(store, 2);
      const [item] = await store.getEntities(AUDIT_ENTITY, [key]);
      const { record } = parseEntity(item)!;
      const moved = recordSk(record.at - 500, record.id, 1);
      const block = await linkItemAt(store, 2);
      await store.transact([
        { op: 'delete', entity: AUDIT_ENTITY, key },
        { op: 'put', entity: AUDIT_ENTITY, key: moved, value: { ...item.value, sk: moved } },
        { op: 'put', key: block.key, value: { ...block.value, sks: block.value.sks.map((sk) => (sk === key ? moved : sk)) } },
      ]);
      expect((await rawRecords(store)).find((r) => r.seq === 2)?.at).toBe(record.at - 500);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 1, firstBadSeq: 2, reason: 'RECORD_ALTERED' });
    });

    it('a stored field that disagrees with its attribute makes the record damaged', async () => {
      const { store, trail } = await trailOf([full, full]);
      await sequenceAll(trail);
      const key = await skAt(store, 2);
      const [item] = await store.getEntities(AUDIT_ENTITY, [key]);
      await store.transact([{ op: 'put', entity: AUDIT_ENTITY, key, value: { ...item.value, rec: { ...(item.value.rec as object), pageId: '2002' } } }]);
      expect(parseEntity((await store.getEntities(AUDIT_ENTITY, [key]))[0])).toBeUndefined();
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'RECORD_ALTERED' });
    });
  });

  describe('items written before (the whole record in `rec`)', () => {
    it('list, export and verify exactly as the compact ones, pending and sequenced', async () => {
      const { store, trail } = await trailOf([full, bare, { ...full, pageId: undefined, changeSetId: 'cs-2' }, bare]);
      const pendingLists = await everyList(trail);
      const pendingExport = await trail.exportChunk({}, 'ndjson');
      await storeWhole(store);
      expect((await items(store)).every((item) => 'id' in (item.value.rec as object))).toBe(true);
      expect(await everyList(trail)).toEqual(pendingLists);
      expect(await trail.exportChunk({}, 'ndjson')).toEqual(pendingExport);

      // the sequencer reads them whole and writes them compact
      await sequenceAll(trail);
      expect((await items(store)).some((item) => 'id' in (item.value.rec as object))).toBe(false);
      const lists = await everyList(trail);
      const exported = await trail.exportChunk({}, 'csv');
      const verified = await trail.verify();
      expect(verified).toMatchObject({ ok: true, checked: 4 });
      await storeWhole(store);
      expect(await everyList(trail)).toEqual(lists);
      expect(await trail.exportChunk({}, 'csv')).toEqual(exported);
      expect(await trail.verify()).toEqual(verified);
    });

    it('an attribute that disagrees with the whole record makes it damaged, also for a field the record leaves absent', async () => {
      for (const change of [{ page: '2002' }, { cs: 'cs-9' }]) {
        const { store, trail } = await trailOf([full, { ...full, changeSetId: undefined }]);
        await sequenceAll(trail);
        await storeWhole(store);
        const key = await skAt(store, 2);
        const [item] = await store.getEntities(AUDIT_ENTITY, [key]);
        await store.transact([{ op: 'put', entity: AUDIT_ENTITY, key, value: { ...item.value, ...change } }]);
        expect(parseEntity((await store.getEntities(AUDIT_ENTITY, [key]))[0])).toBeUndefined();
        expect(await trail.verify()).toMatchObject({ ok: false, checked: 1, firstBadSeq: 2, reason: 'RECORD_ALTERED' });
      }
    });

    it('a whole record written by entityValueOf under a key that does not give back its time and id stays whole', () => {
      const record = { ...full, id: 'aud-x', at: 1_000 };
      expect(entityValueOf('not-a-record-key', record).rec).toEqual(record);
      expect(Object.keys(entityValueOf(recordSk(1_000, 'aud-x', 7), record).rec)).not.toContain('id');
    });
  });

  describe('through the engine', () => {
    /** Two pages submitted and approved (events, audit records), all linked; `whole`: every item rewritten as the release before wrote it. */
    async function site(whole: boolean): Promise<TestEnv> {
      const env = await setupEngine();
      for (const pageId of ['2001', '2002']) {
        const approval = await env.engine.approvals.submitPage(ui(BOB), pageId);
        env.tick();
        await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
        env.tick();
      }
      await env.auditRecords();
      if (whole) await storeWhole(env.store);
      return env;
    }

    async function shown(env: TestEnv) {
      return {
        list: await env.engine.audit.list(ui(ALICE), { spaceId: '1001' }, { limit: 100 }),
        exported: (await env.engine.audit.export(ui(ALICE), { pageId: '2001' }, 'csv')).content,
        feed: await env.engine.events.list(ui(ALICE), { limit: 50 }),
      };
    }

    it('list, export, the feed and evidence packs show the same records for both shapes', async () => {
      const [compact, whole] = [await site(false), await site(true)];
      expect((await items(whole.store)).every((item) => 'id' in (item.value.rec as object))).toBe(true);
      const seen = await shown(compact);
      expect([seen.list.items.length, seen.feed.events.length]).toEqual([5, 4]);
      expect(await shown(whole)).toEqual(seen);
      const [a, b] = [await exportEvidencePack(compact, { pageId: '2001' }), await exportEvidencePack(whole, { pageId: '2001' })];
      // the installation keys differ (each site made its own), the records and their chain do not
      expect(a.files['records.ndjson'].split('\n').filter(Boolean).length).toBeGreaterThan(1);
      expect(b.files['records.ndjson']).toEqual(a.files['records.ndjson']);
      expect(b.files['chain.ndjson']).toEqual(a.files['chain.ndjson']);
      expect(await verifyEvidenceFile(JSON.stringify(b))).toBe('ok');
      expect(await whole.engine.audit.verify(ui(ALICE))).toMatchObject({ ok: true });
    });
  });
});
