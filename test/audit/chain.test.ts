/** The hash chain: record contents, contention-free append, group-commit sequencing, tamper detection. */
import { createHash } from 'node:crypto';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { CountingStore } from '../../src/adapters/store/counting-store';
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { AUDIT_OPS_PER_ENTRY, AuditTrail, auditBytesBound, auditOpsFor, sequencePendingAudit, type AuditEntry } from '../../src/core/audit';
import { RandomIds } from '../../src/adapters/system/random-ids';
import { entityValueOf } from '../../src/core/audit/entity';
import { recordHash } from '../../src/core/audit/hash';
import { LINK_PREFIX, PENDING_PREFIX, linkBlockKey } from '../../src/core/audit/keys';
import { recordOfEntity } from '../../src/core/audit/records';
import { canonicalJson } from '../../src/core/domain/canonical-json';
import type { AuditRecord } from '../../src/core/domain/model';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import { WRITE_FRAMING, txPayloadBytes, type KeyValueStore } from '../../src/core/ports/store';
import { ManualClock, fullEntry, linkItemAt, randomEntry, rawRecords, rng, sequenceAll, setup, skAt } from './support';

const ZERO = '0'.repeat(64);

async function appendOne(trail: AuditTrail, store: KeyValueStore, entry: AuditEntry): Promise<void> {
  await store.transact(trail.prepareAppend([entry]));
}

async function chainOf(count: number): Promise<{ store: MemoryStore; trail: AuditTrail; clock: ManualClock }> {
  const store = new MemoryStore();
  const { trail, clock } = setup(store);
  const random = rng(7);
  for (let i = 0; i < count; i++) {
    clock.t += 1000;
    await appendOne(trail, store, randomEntry(random));
  }
  await sequenceAll(trail);
  return { store, trail, clock };
}

/** The stored entity of a sequenced record, found through its link, and its whole record (putting `rec` back whole writes the shape of older data). */
async function entityAt(store: KeyValueStore, seq: number): Promise<{ key: string; value: Record<string, unknown>; rec: AuditRecord }> {
  const [entity] = await store.getEntities(AUDIT_ENTITY, [await skAt(store, seq)]);
  return { ...entity, rec: recordOfEntity(entity) };
}

const putEntity = (key: string, value: unknown) => ({ op: 'put' as const, entity: AUDIT_ENTITY, key, value });

describe('audit records', () => {
  it('carry every SPEC §5 field, a gapless seq, the genesis prevHash and SHA-256(prevHash ‖ SHA-256 of the sorted-key JSON)', async () => {
    const { store, trail, clock } = setup();
    await appendOne(trail, store, fullEntry);
    clock.t += 10;
    await appendOne(trail, store, { ...fullEntry, source: 'ui', clientId: undefined, action: 'approval.approved' });
    await sequenceAll(trail);

    const [first, second] = await rawRecords(store);
    expect(first).toEqual({ ...fullEntry, id: 'aud-1', seq: 1, at: Date.UTC(2025, 0, 1), prevHash: ZERO, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Independent recomputation (format 2, SPEC 5a): sorted keys at every depth, every field but prevHash and hash, then chained.
    const { hash, prevHash, ...content } = first;
    const sorted = JSON.stringify(content, (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
    );
    const digest = createHash('sha256').update(sorted).digest('hex');
    expect(hash).toBe(createHash('sha256').update(`${prevHash}${digest}`).digest('hex'));
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, at: Date.UTC(2025, 0, 1) + 10 });
    expect('clientId' in second).toBe(false);
  });

  it('canonical JSON does not depend on property order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [2, { y: 2, z: 1 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('land pending (listed, marked, counted by verify) until the sequencer links them', async () => {
    const { store, trail, clock } = setup();
    await appendOne(trail, store, fullEntry);
    clock.t += 5_000;
    await appendOne(trail, store, fullEntry);
    expect((await trail.list({}, {})).items.map((r) => [r.pending, r.seq, r.hash])).toEqual([
      [true, 0, ''],
      [true, 0, ''],
    ]);
    expect(await trail.verify()).toEqual({ ok: true, checked: 0, headHash: ZERO, unsequenced: { count: 2, oldestAt: Date.UTC(2025, 0, 1) } });
    expect(await trail.sequence()).toEqual({ sequenced: 2, remaining: 0 });
    expect((await trail.list({}, {})).items.map((r) => [r.pending, r.seq])).toEqual([
      [undefined, 2],
      [undefined, 1],
    ]);
    expect(await store.query({ prefix: PENDING_PREFIX })).toEqual({ items: [] });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 2, unsequenced: { count: 0 } });
  });

  it('chain in time order even when the clock steps backwards between commits', async () => {
    const { store, trail, clock } = setup();
    clock.t = 10_000;
    await appendOne(trail, store, fullEntry);
    clock.t = 5_000;
    await appendOne(trail, store, { ...fullEntry, action: 'approval.approved' });
    await sequenceAll(trail);
    expect((await rawRecords(store)).map((r) => [r.at, r.seq])).toEqual([
      [5_000, 1],
      [10_000, 2],
    ]);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it('rejects invalid entries before anything is written', async () => {
    const { store, trail } = setup();
    expect(() => trail.prepareAppend([{ ...fullEntry, source: 'ui' }])).toThrow(expect.objectContaining({ code: 'AUDIT_ENTRY_INVALID' }));
    expect(() => trail.prepareAppend([{ ...fullEntry, action: 'nope' as AuditEntry['action'] }])).toThrow(expect.objectContaining({ code: 'AUDIT_ENTRY_INVALID' }));
    expect(() => trail.prepareAppend([{ ...fullEntry, actor: '' }])).toThrow(expect.objectContaining({ code: 'AUDIT_ENTRY_INVALID' }));
    expect(await store.query({ prefix: 'audit:' })).toEqual({ items: [] });
  });

  it('returns no ops for no entries', () => {
    expect(setup().trail.prepareAppend([])).toEqual([]);
    expect(auditOpsFor([])).toBe(0);
  });
});

describe('ops per entry', () => {
  it('are exactly auditOpsFor(entries): 1 per entry (its record, which carries its feed event) + ONE marker per append, read nothing, and fit an engine transaction', async () => {
    const counting = new CountingStore(new MemoryStore());
    const { trail } = setup(counting);
    expect(AUDIT_OPS_PER_ENTRY).toBe(1);
    const minimal: AuditEntry = { actor: 'a', action: 'access.denied', spaceId: '1001', source: 'ui', details: {} };
    for (const entries of [[fullEntry], [fullEntry, minimal], [minimal, minimal, minimal]]) expect(trail.prepareAppend(entries)).toHaveLength(auditOpsFor(entries));
    // fullEntry publishes a feed event (approval.submitted), the denial does not: the event costs no op of its own
    expect(auditOpsFor([fullEntry, minimal])).toBe(2 + 1);
    expect(auditOpsFor([minimal, minimal, minimal])).toBe(3 + 1);
    const [published, denied] = trail.prepareAppend([fullEntry, minimal]);
    expect(published).toMatchObject({ entity: AUDIT_ENTITY, value: { ev: { type: 'approval.submitted', data: {} } } });
    expect(denied).toMatchObject({ entity: AUDIT_ENTITY });
    expect(denied.op === 'put' && 'ev' in (denied.value as object)).toBe(false);
    expect(counting.counts).toMatchObject({ get: 0, getMany: 0, query: 0, transact: 0 });

    const change = Array.from({ length: 5 }, (_, i) => ({ op: 'put' as const, key: `cs:item-${i}`, value: { i } }));
    await counting.transact([...change, ...trail.prepareAppend([fullEntry, fullEntry])]);
    await sequenceAll(trail);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it('auditBytesBound is an upper bound of what prepareAppend adds to a transaction, with the app\'s own ids, for any entries', () => {
    const trail = new AuditTrail({ store: new MemoryStore(), clock: { now: () => Date.now() }, ids: new RandomIds() });
    const random = rng(11);
    const stale: AuditEntry = { ...fullEntry, action: 'approval.stale', details: { reason: 'r'.repeat(2000), status: 'approved', step: 2, nextStep: 3 } };
    const appends = [[fullEntry], [stale], [stale, fullEntry, stale], ...Array.from({ length: 30 }, (_, i) => Array.from({ length: 1 + (i % 12) }, () => randomEntry(random)))];
    for (const entries of appends) {
      const written = txPayloadBytes(trail.prepareAppend(entries)) - WRITE_FRAMING.perTransaction;
      expect(auditBytesBound(entries)).toBeGreaterThanOrEqual(written);
      // and close to it: ids are the only slack
      expect(auditBytesBound(entries)).toBeLessThan(written + 250 * entries.length);
    }
  });

  it('refuses more entries than one append (one marker) can hold', () => {
    const { trail } = setup();
    const minimal: AuditEntry = { actor: 'a', action: 'access.denied', spaceId: '1001', source: 'ui', details: {} };
    expect(auditOpsFor(Array.from({ length: 12 }, () => fullEntry))).toBe(13);
    expect(trail.prepareAppend(Array.from({ length: 12 }, () => fullEntry))).toHaveLength(13);
    // 13 entries would be 14 ops, but a marker names at most 12 records
    expect(() => trail.prepareAppend(Array.from({ length: 13 }, () => minimal))).toThrow(expect.objectContaining({ code: 'AUDIT_TOO_MANY_ENTRIES' }));
  });

  it('writes nothing when the caller’s transaction fails, so no record exists without its change', async () => {
    const { store, trail } = setup();
    await store.transact([{ op: 'put', key: 'cs:x', value: { v: 1 } }]);
    const ops = [{ op: 'put' as const, key: 'cs:x', value: { v: 2 }, condition: { kind: 'absent' as const } }, ...trail.prepareAppend([fullEntry])];
    await expect(store.transact(ops)).rejects.toMatchObject({ code: 'CONDITION_FAILED' });
    expect(await rawRecords(store)).toEqual([]);
    expect(await trail.verify()).toEqual({ ok: true, checked: 0, headHash: ZERO, unsequenced: { count: 0 } });
  });
});

describe('sequencer', () => {
  it('links pending records oldest first, whole markers per transaction, one link block and one head move per batch', async () => {
    const counting = new CountingStore(new MemoryStore());
    const { trail, clock } = setup(counting);
    // small records (< 1 KB a batch op each): the op limit binds first, 11 one-record markers (22 ops + head + block)
    for (let i = 0; i < 20; i++) {
      clock.t += 100;
      await counting.transact(trail.prepareAppend([{ actor: 'a', action: 'access.denied', spaceId: '1001', source: 'ui', details: { i } }]));
    }
    counting.reset();
    expect(await trail.sequence()).toEqual({ sequenced: 20, remaining: 0 });
    expect(counting.counts.transact).toBe(2);
    expect((await counting.query({ prefix: LINK_PREFIX })).items.map((i) => [i.key, (i.value as { sks: string[] }).sks.length])).toEqual([
      [linkBlockKey(1), 11],
      [linkBlockKey(12), 9],
    ]);
    const records = await rawRecords(counting);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 20, headHash: records[19].hash });
  });

  it('does bounded work per call and reports what is left', async () => {
    const { store, trail } = setup();
    for (let i = 0; i < 20; i++) await appendOne(trail, store, fullEntry);
    // one batch: as many of these records as fit one 10 KB write unit (10, under the 11 of the op limit)
    expect(await trail.sequence({ maxBatches: 1 })).toEqual({ sequenced: 10, remaining: 10 });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 10, unsequenced: { count: 10 } });
  });

  it('links fewer records per transaction when theirs are large and more are pending, so a batch stays inside one Forge write unit', async () => {
    const counting = new CountingStore(new MemoryStore());
    const { trail } = setup(counting);
    // ~2 KB of details each, 14 one-record appends: more than the 11 the op limit lets a batch read are pending, so the
    // first batch is cut where its units are fullest (10 in 2 units) rather than at the op limit (11 would open a third)
    for (let i = 0; i < 14; i++) await appendOne(trail, counting, { ...fullEntry, details: { comment: 'x'.repeat(2000) } });
    counting.reset();
    expect(await trail.sequence({ maxBatches: 1 })).toEqual({ sequenced: 10, remaining: 4 });
    expect(await trail.sequence()).toEqual({ sequenced: 4, remaining: 0 });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 14 });
  });

  it('links everything read in one transaction when nothing more is pending (a cut would save no unit)', async () => {
    const counting = new CountingStore(new MemoryStore());
    const { trail } = setup(counting);
    for (let i = 0; i < 8; i++) await appendOne(trail, counting, { ...fullEntry, details: { comment: 'x'.repeat(2000) } });
    counting.reset();
    expect(await trail.sequence()).toEqual({ sequenced: 8, remaining: 0 });
    expect(counting.counts.transact).toBe(1);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 8 });
  });

  it('concurrent sequencers never retry against each other: losers stop, every record is linked once', async () => {
    const { store, trail, clock } = setup();
    for (let i = 0; i < 40; i++) await appendOne(trail, store, fullEntry);
    const results = await Promise.all(Array.from({ length: 5 }, () => sequencePendingAudit({ store, clock })));
    const total = results.reduce((sum, r) => sum + r.sequenced, 0) + (await sequenceAll(trail));
    expect(total).toBe(40);
    const seqs = (await rawRecords(store)).map((r) => r.seq);
    expect(new Set(seqs).size).toBe(40);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 40 });
  });

  it('leaves a pending record whose stored form is damaged for verify to report, and links the rest', async () => {
    const { store, trail } = setup();
    for (let i = 0; i < 3; i++) await appendOne(trail, store, fullEntry);
    const [first] = (await store.queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 1 })).items;
    // its stored record names an actor its attribute does not
    await store.transact([putEntity(first.key, { ...first.value, rec: { ...(first.value.rec as object), actor: 'acc-mallory' } })]);
    expect(await trail.sequence()).toMatchObject({ sequenced: 2 });
    expect(await trail.verify()).toMatchObject({ ok: false, badRecord: first.key, reason: 'RECORD_ALTERED' });
  });
});

describe('concurrent appenders', () => {
  it('50 parallel writers commit without a single conflict; one sequencing pass chains every entry once', async () => {
    const counting = new CountingStore(new MemoryStore());
    const { trail, clock } = setup(counting);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        counting.transact([{ op: 'put', key: `cs:${i}`, value: { i } }, ...trail.prepareAppend([{ ...fullEntry, details: { writer: i } }])]),
      ),
    );
    expect(counting.counts.transact).toBe(50);
    await sequencePendingAudit({ store: counting, clock }, { maxBatches: 10 });
    const records = await rawRecords(counting);
    expect(records.map((r) => (r.details as { writer: number }).writer).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 50 });
  });
});

describe('verify', () => {
  it('accepts an untouched chain of many appends and returns the head hash as digest', async () => {
    const { store, trail } = await chainOf(250);
    const records = await rawRecords(store);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(await trail.verify()).toEqual({ ok: true, checked: 250, headHash: records[249].hash, unsequenced: { count: 0 } });
  });

  it('verifies an empty trail', async () => {
    expect(await setup().trail.verify()).toEqual({ ok: true, checked: 0, headHash: ZERO, unsequenced: { count: 0 } });
  });

  describe('detects tampering with chained records at the first bad seq', () => {
    let store: MemoryStore;
    let trail: AuditTrail;
    beforeEach(async () => {
      ({ store, trail } = await chainOf(30));
    });

    it('edited details', async () => {
      const { key, value, rec } = await entityAt(store, 12);
      await store.transact([putEntity(key, { ...value, rec: { ...(value.rec as object), details: { ...rec.details, n: -1 } } })]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 11, firstBadSeq: 12, reason: 'RECORD_ALTERED' });
    });

    it('edited actor with the record’s own hash recomputed (its index attribute no longer matches)', async () => {
      const { key, value, rec } = await entityAt(store, 12);
      const forged = { ...rec, actor: 'acc-mallory' };
      await store.transact([putEntity(key, { ...value, rec: { ...(value.rec as object), actor: forged.actor, hash: recordHash(forged) } })]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 11, firstBadSeq: 12, reason: 'RECORD_ALTERED' });
    });

    it('edited actor with its hash and its index attributes rewritten to match (the next link breaks)', async () => {
      const { key, rec } = await entityAt(store, 12);
      const forged = { ...rec, actor: 'acc-mallory' };
      forged.hash = recordHash(forged);
      await store.transact([putEntity(key, entityValueOf(key, forged))]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 12, firstBadSeq: 13, reason: 'RECORD_ALTERED' });
    });

    it('an added field', async () => {
      const { key, value } = await entityAt(store, 5);
      await store.transact([putEntity(key, { ...value, rec: { ...(value.rec as object), note: 'injected' } })]);
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 5, reason: 'RECORD_ALTERED' });
    });

    it('a deleted record, and the deleted newest record', async () => {
      const { key } = await entityAt(store, 7);
      await store.transact([{ op: 'delete', entity: AUDIT_ENTITY, key }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 6, firstBadSeq: 7, reason: 'RECORD_MISSING' });
      const fresh = await chainOf(30);
      await fresh.store.transact([{ op: 'delete', entity: AUDIT_ENTITY, key: (await entityAt(fresh.store, 30)).key }]);
      expect(await fresh.trail.verify()).toMatchObject({ ok: false, checked: 29, firstBadSeq: 30, reason: 'RECORD_MISSING' });
    });

    it('a deleted link block (its records are then neither chained nor pending)', async () => {
      const block = await linkItemAt(store, 15);
      await store.transact([{ op: 'delete', key: block.key }]);
      const first = block.value.first;
      expect(first).toBeLessThan(15);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: first - 1, firstBadSeq: first, reason: 'RECORD_MISSING' });
    });

    it('two swapped links, and two swapped records renumbered to fit their new place', async () => {
      // the first two links of the block holding seq 20
      const block = await linkItemAt(store, 20);
      const sks = [...block.value.sks];
      expect(sks.length).toBeGreaterThan(1);
      [sks[0], sks[1]] = [sks[1], sks[0]];
      await store.transact([{ op: 'put', key: block.key, value: { ...block.value, sks } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: block.value.first - 1, firstBadSeq: block.value.first, reason: 'RECORD_ALTERED' });

      const fresh = await chainOf(30);
      const [x, y] = [await entityAt(fresh.store, 20), await entityAt(fresh.store, 21)];
      await fresh.store.transact([
        putEntity(x.key, { ...y.value, sk: x.key, seq: 20, rec: { ...y.rec, seq: 20 } }),
        putEntity(y.key, { ...x.value, sk: y.key, seq: 21, rec: { ...x.rec, seq: 21 } }),
      ]);
      expect(await fresh.trail.verify()).toMatchObject({ ok: false, firstBadSeq: 20, reason: 'RECORD_ALTERED' });
    });

    it('an edited head hash, a head moved back or forward, a deleted head', async () => {
      const head = (await store.get<{ seq: number; hash: string; at: number }>('audit:head'))!.value;
      await store.transact([{ op: 'put', key: 'audit:head', value: { ...head, hash: 'f'.repeat(64) } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 30, firstBadSeq: 30, reason: 'HEAD_MISMATCH' });
      const prev = await entityAt(store, 29);
      await store.transact([{ op: 'put', key: 'audit:head', value: { ...head, seq: 29, hash: prev.rec.hash } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 30, reason: 'RECORD_BEYOND_HEAD' });
      await store.transact([{ op: 'put', key: 'audit:head', value: { ...head, seq: 31 } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 31, reason: 'RECORD_MISSING' });
      await store.transact([{ op: 'delete', key: 'audit:head' }]);
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'RECORD_BEYOND_HEAD' });
    });

    it('a forged record appended past the head with a correct link and hash', async () => {
      const last = await entityAt(store, 30);
      const unsigned = { ...last.rec, id: 'aud-forged', seq: 31, prevHash: last.rec.hash };
      const forged = { ...unsigned, hash: recordHash(unsigned) };
      const key = last.key.replace(/aud-\d+$/, 'aud-forged');
      await store.transact([putEntity(key, entityValueOf(key, forged)), { op: 'put', key: linkBlockKey(31), value: { first: 31, sks: [key] } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 31, reason: 'RECORD_BEYOND_HEAD' });
    });

    it('a truncated tail with its link and a rewritten head is caught only against a digest kept outside (documented limit)', async () => {
      const digest = (await trail.verify()).headHash;
      const last = await entityAt(store, 30);
      const prev = await entityAt(store, 29);
      const block = await linkItemAt(store, 30);
      await store.transact([
        { op: 'delete', entity: AUDIT_ENTITY, key: last.key },
        // its link goes with it: the block shortened, or deleted when seq 30 was all it held
        block.value.sks.length > 1 ? { op: 'put', key: block.key, value: { ...block.value, sks: block.value.sks.slice(0, -1) } } : { op: 'delete', key: block.key },
        { op: 'put', key: 'audit:head', value: { seq: 29, hash: prev.rec.hash, at: prev.rec.at } },
      ]);
      const result = await trail.verify();
      expect(result).toMatchObject({ ok: true, checked: 29 });
      expect(result.headHash).not.toBe(digest);
    });
  });

  describe('detects tampering with records outside the chain', () => {
    it('a pending record whose marker was removed, or a sequenced record without a link, is unlinked', async () => {
      const { store, trail } = await chainOf(3);
      await appendOne(trail, store, fullEntry);
      const [marker] = (await store.query({ prefix: PENDING_PREFIX })).items;
      await store.transact([{ op: 'delete', key: marker.key }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 3, badRecord: marker.key.slice(PENDING_PREFIX.length), reason: 'RECORD_UNLINKED' });

      const other = await chainOf(3);
      const { key, value, rec } = await entityAt(other.store, 2);
      const stray = key.replace(/aud-\d+$/, 'aud-stray');
      await other.store.transact([putEntity(stray, { ...value, sk: stray, rec: { ...rec, id: 'aud-stray' } })]);
      expect(await other.trail.verify()).toMatchObject({ ok: false, badRecord: stray, reason: 'RECORD_UNLINKED' });
    });

    it('a marker whose pending record was deleted is a missing record', async () => {
      const { store, trail } = await chainOf(3);
      await appendOne(trail, store, fullEntry);
      const [marker] = (await store.query({ prefix: PENDING_PREFIX })).items;
      const sk = marker.key.slice(PENDING_PREFIX.length);
      await store.transact([{ op: 'delete', entity: AUDIT_ENTITY, key: sk }]);
      expect(await trail.verify()).toMatchObject({ ok: false, badRecord: sk, reason: 'RECORD_MISSING' });
    });

    it('records sequenced while verify runs are not reported', async () => {
      const { store, trail, clock } = await chainOf(120);
      for (let i = 0; i < 30; i++) await appendOne(trail, store, fullEntry);
      // A sequencer runs between verify's reads (each store call yields to it).
      const racing = new CountingStore(store);
      let raced = false;
      const original = racing.getEntities.bind(racing);
      racing.getEntities = async (entity, keys) => {
        if (!raced) {
          raced = true;
          await sequencePendingAudit({ store, clock });
        }
        return original(entity, keys);
      };
      const result = await new AuditTrail({ store: racing, clock, ids: { next: () => 'x' } }).verify();
      expect(result).toMatchObject({ ok: true });
      expect((await store.query({ prefix: LINK_PREFIX, limit: 100, order: 'desc' })).items.length).toBeGreaterThan(0);
    });
  });
});

describe('verify while index queries lag (docs/forge-platform.md U22)', () => {
  it('links sequenced a moment ago, not yet in the index, are read by key: the chain verifies, and a truly missing link is still reported', async () => {
    const memory = new MemoryStore();
    const lagging = new EventualIndexStore(memory);
    const { trail, clock } = setup(lagging);
    const random = rng(11);
    for (let i = 0; i < 30; i++) {
      clock.t += 1000;
      await appendOne(trail, lagging, randomEntry(random));
    }
    lagging.settle(); // the sequencer finds records through their markers' index: let it see them
    while ((await trail.sequence()).remaining > 0);
    // the links it just wrote are not in the index yet
    expect((await lagging.query({ prefix: 'audit:seq:', limit: 100 })).items).toEqual([]);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 30 });
    // a deleted link block is missing by key too
    const block = await linkItemAt(memory, 17);
    await lagging.transact([{ op: 'delete', key: block.key }]);
    expect(await trail.verify()).toMatchObject({ ok: false, checked: block.value.first - 1, firstBadSeq: block.value.first, reason: 'RECORD_MISSING' });
  });
});
