/** The hash chain: record contents, atomic append, tamper detection and concurrent writers. */
import { createHash } from 'node:crypto';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { AUDIT_OPS_PER_ENTRY, AuditTrail, auditOpsFor, headAfter, type AuditEntry } from '../../src/core/audit';
import { CountingStore } from '../../src/adapters/store/counting-store';
import { indexKeysOf, indexPutsOf } from '../../src/core/audit/entries';
import { recordHash } from '../../src/core/audit/hash';
import { canonicalJson } from '../../src/core/shared/canonical-json';
import { retryOnConflict } from '../../src/core/shared/retry-on-conflict';
import { DomainError } from '../../src/core/domain/errors';
import type { AuditRecord } from '../../src/core/domain/model';
import type { KeyValueStore } from '../../src/core/ports/store';
import { CountingIds, ManualClock, isConflict, randomEntry, rawRecords, rng, setup } from './support';

const ZERO = '0'.repeat(64);

const fullEntry: AuditEntry = {
  actor: 'acc-bob',
  action: 'approval.submitted',
  spaceId: '1001',
  pageId: '2001',
  pageVersion: 3,
  workflowId: 'wf-eng-review',
  changeSetId: 'cs-1',
  approvalId: 'ap-1',
  source: 'api',
  clientId: 'client-1',
  details: { title: 'Release notes', counts: { submitted: 2, skipped: 0 } },
};

async function appendOne(trail: AuditTrail, store: KeyValueStore, entry: AuditEntry): Promise<void> {
  await store.transact(await trail.prepareAppend([entry]));
}

async function chainOf(count: number): Promise<{ store: MemoryStore; trail: AuditTrail; clock: ManualClock }> {
  const store = new MemoryStore();
  const { trail, clock } = setup(store);
  const random = rng(7);
  for (let i = 0; i < count; i++) {
    clock.t += 1000;
    await appendOne(trail, store, randomEntry(random));
  }
  return { store, trail, clock };
}

async function rawRecord(store: KeyValueStore, seq: number): Promise<AuditRecord> {
  const item = await store.get<AuditRecord>(`audit:rec:${String(seq).padStart(12, '0')}`);
  if (!item) throw new Error(`record ${seq} missing`);
  return item.value;
}

const recKey = (seq: number) => `audit:rec:${String(seq).padStart(12, '0')}`;

describe('audit records', () => {
  it('carry every SPEC §5 field, a gapless seq, the genesis prevHash and a SHA-256 over the sorted-key JSON', async () => {
    const { store, trail, clock } = setup();
    await appendOne(trail, store, fullEntry);
    clock.t += 10;
    await appendOne(trail, store, { ...fullEntry, source: 'ui', clientId: undefined, action: 'approval.approved' });

    const [first, second] = await rawRecords(store);
    expect(first).toEqual({
      ...fullEntry,
      id: 'aud-1',
      seq: 1,
      at: Date.UTC(2025, 0, 1),
      prevHash: ZERO,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Independent recomputation: sorted keys at every depth, every field but hash.
    const { hash, ...rest } = first;
    const sorted = JSON.stringify(rest, (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
    );
    expect(hash).toBe(createHash('sha256').update(sorted).digest('hex'));
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    expect(second.at).toBe(Date.UTC(2025, 0, 1) + 10);
    expect('clientId' in second).toBe(false);
  });

  it('canonical JSON does not depend on property order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [2, { y: 2, z: 1 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('keeps time monotonic in seq order when the clock steps backwards', async () => {
    const { store, trail, clock } = setup();
    clock.t = 10_000;
    await appendOne(trail, store, fullEntry);
    clock.t = 5_000;
    await appendOne(trail, store, fullEntry);
    expect((await rawRecords(store)).map((r) => r.at)).toEqual([10_000, 10_000]);
  });

  it('rejects invalid entries before anything is written', async () => {
    const { store, trail } = setup();
    await expect(trail.prepareAppend([{ ...fullEntry, source: 'ui' }])).rejects.toMatchObject({ code: 'AUDIT_ENTRY_INVALID' });
    await expect(trail.prepareAppend([{ ...fullEntry, action: 'nope' as AuditEntry['action'] }])).rejects.toBeInstanceOf(DomainError);
    await expect(trail.prepareAppend([{ ...fullEntry, actor: '' }])).rejects.toMatchObject({ code: 'AUDIT_ENTRY_INVALID' });
    expect(await store.query({ prefix: 'audit:' })).toEqual({ items: [] });
  });

  it('returns no ops for no entries', async () => {
    const { trail } = setup();
    expect(await trail.prepareAppend([])).toEqual([]);
    expect(auditOpsFor(0)).toBe(0);
  });
});

describe('ops per entry', () => {
  it('matches auditOpsFor(n) = n × AUDIT_OPS_PER_ENTRY + 1 at the maximum, and fits an engine transaction', async () => {
    const { store, trail } = setup();
    expect(AUDIT_OPS_PER_ENTRY).toBe(8);
    expect((await trail.prepareAppend([fullEntry])).length).toBe(auditOpsFor(1));
    expect((await trail.prepareAppend([fullEntry, fullEntry])).length).toBe(auditOpsFor(2));
    const minimal: AuditEntry = { actor: 'a', action: 'access.denied', spaceId: '1001', source: 'ui', details: {} };
    expect((await trail.prepareAppend([minimal])).length).toBeLessThan(auditOpsFor(1));

    // An engine step: 5 change ops + 2 entries in one all-or-nothing transaction.
    const change = Array.from({ length: 5 }, (_, i) => ({ op: 'put' as const, key: `cs:item-${i}`, value: { i } }));
    const ops = [...change, ...(await trail.prepareAppend([fullEntry, fullEntry]))];
    expect(ops.length).toBeLessThanOrEqual(25);
    await store.transact(ops);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it('refuses more entries than one transaction can hold', async () => {
    const { trail } = setup();
    expect(auditOpsFor(3)).toBe(25);
    await expect(trail.prepareAppend([fullEntry, fullEntry, fullEntry, fullEntry])).rejects.toMatchObject({ code: 'AUDIT_TOO_MANY_ENTRIES' });
  });

  it('writes nothing when the caller’s transaction fails, so no record exists without its change', async () => {
    const { store, trail } = setup();
    await store.transact([{ op: 'put', key: 'cs:x', value: { v: 1 } }]);
    const ops = [{ op: 'put' as const, key: 'cs:x', value: { v: 2 }, condition: { kind: 'absent' as const } }, ...(await trail.prepareAppend([fullEntry]))];
    await expect(store.transact(ops)).rejects.toMatchObject({ code: 'CONDITION_FAILED' });
    expect(await rawRecords(store)).toEqual([]);
    expect(await trail.verify()).toEqual({ ok: true, checked: 0, headHash: ZERO });
  });
});

describe('verify', () => {
  it('accepts an untouched chain of many appends and returns the head hash as digest', async () => {
    const { store, trail } = await chainOf(250);
    const records = await rawRecords(store);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(await trail.verify()).toEqual({ ok: true, checked: 250, headHash: records[249].hash });
  });

  it('verifies an empty trail', async () => {
    expect(await setup().trail.verify()).toEqual({ ok: true, checked: 0, headHash: ZERO });
  });

  describe('detects tampering at the first bad seq', () => {
    let store: MemoryStore;
    let trail: AuditTrail;
    beforeEach(async () => {
      ({ store, trail } = await chainOf(30));
    });

    it('edited details', async () => {
      const r = await rawRecord(store, 12);
      await store.transact([{ op: 'put', key: recKey(12), value: { ...r, details: { ...r.details, n: -1 } } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 11, firstBadSeq: 12 });
    });

    it('edited actor with the record’s own hash recomputed (its index entries no longer match)', async () => {
      const r = await rawRecord(store, 12);
      const forged = { ...r, actor: 'acc-mallory' };
      await store.transact([{ op: 'put', key: recKey(12), value: { ...forged, hash: recordHash(forged) } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 11, firstBadSeq: 12, reason: 'INDEX_ENTRY_ALTERED' });
    });

    it('edited actor with its hash and its index entries rewritten to match (the next link breaks)', async () => {
      const r = await rawRecord(store, 12);
      const forged = { ...r, actor: 'acc-mallory' };
      forged.hash = recordHash(forged);
      await store.transact(indexKeysOf(r).map((key) => ({ op: 'delete' as const, key })));
      await store.transact([{ op: 'put', key: recKey(12), value: forged }, ...indexPutsOf(forged)]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 12, firstBadSeq: 13, reason: 'RECORD_ALTERED' });
    });

    it('an added field', async () => {
      const r = await rawRecord(store, 5);
      await store.transact([{ op: 'put', key: recKey(5), value: { ...r, note: 'injected' } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
    });

    it('a deleted record', async () => {
      await store.transact([{ op: 'delete', key: recKey(7) }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 6, firstBadSeq: 7 });
    });

    it('the deleted newest record', async () => {
      await store.transact([{ op: 'delete', key: recKey(30) }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 29, firstBadSeq: 30 });
    });

    it('two swapped records', async () => {
      const [a, b] = [await rawRecord(store, 20), await rawRecord(store, 21)];
      await store.transact([
        { op: 'put', key: recKey(20), value: b },
        { op: 'put', key: recKey(21), value: a },
      ]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 19, firstBadSeq: 20 });
    });

    it('two swapped records renumbered to fit their new place', async () => {
      const [a, b] = [await rawRecord(store, 20), await rawRecord(store, 21)];
      await store.transact([
        { op: 'put', key: recKey(20), value: { ...b, seq: 20 } },
        { op: 'put', key: recKey(21), value: { ...a, seq: 21 } },
      ]);
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 20 });
    });

    it('an edited head hash', async () => {
      const head = (await store.get<{ seq: number; hash: string; at: number }>('audit:head'))!.value;
      await store.transact([{ op: 'put', key: 'audit:head', value: { ...head, hash: 'f'.repeat(64) } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 30, firstBadSeq: 30, headHash: 'f'.repeat(64) });
    });

    it('a head moved back (hiding the newest record)', async () => {
      const r29 = await rawRecord(store, 29);
      await store.transact([{ op: 'put', key: 'audit:head', value: { seq: 29, hash: r29.hash, at: r29.at } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 29, firstBadSeq: 30 });
    });

    it('a head moved forward past the records', async () => {
      const head = (await store.get<{ seq: number; hash: string; at: number }>('audit:head'))!.value;
      await store.transact([{ op: 'put', key: 'audit:head', value: { ...head, seq: 31 } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 31 });
    });

    it('a deleted head', async () => {
      await store.transact([{ op: 'delete', key: 'audit:head' }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 0, firstBadSeq: 1 });
    });

    it('a forged record appended past the head with a correct link and hash', async () => {
      const last = await rawRecord(store, 30);
      const forged = { ...last, id: 'aud-x', seq: 31, prevHash: last.hash };
      await store.transact([{ op: 'put', key: recKey(31), value: { ...forged, hash: recordHash(forged) } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 30, firstBadSeq: 31 });
    });

    it('a truncated tail with a rewritten head is caught by its leftover index entries', async () => {
      const r25 = await rawRecord(store, 25);
      await store.transact([
        ...[26, 27, 28, 29, 30].map((seq) => ({ op: 'delete' as const, key: recKey(seq) })),
        { op: 'put', key: 'audit:head', value: { seq: 25, hash: r25.hash, at: r25.at } },
      ]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: 25, firstBadSeq: 26, reason: 'INDEX_ENTRY_EXTRA' });
    });

    it('a truncated tail with its index entries and a rewritten head is caught only against a digest kept outside (documented limit)', async () => {
      const digest = (await trail.verify()).headHash;
      const r25 = await rawRecord(store, 25);
      const tail = await Promise.all([26, 27, 28, 29, 30].map((seq) => rawRecord(store, seq)));
      for (const r of tail) await store.transact([{ op: 'delete', key: recKey(r.seq) }, ...indexKeysOf(r).map((key) => ({ op: 'delete' as const, key }))]);
      await store.transact([{ op: 'put', key: 'audit:head', value: { seq: 25, hash: r25.hash, at: r25.at } }]);
      const result = await trail.verify();
      expect(result.ok).toBe(true);
      expect(result.headHash).not.toBe(digest);
    });
  });

  it('refuses to append over history when the head was lost', async () => {
    const { store, trail } = await chainOf(3);
    await store.transact([{ op: 'delete', key: 'audit:head' }]);
    const ops = await trail.prepareAppend([fullEntry]);
    await expect(store.transact(ops)).rejects.toMatchObject({ code: 'CONDITION_FAILED' });
    expect((await rawRecord(store, 1)).seq).toBe(1);
  });
});

describe('concurrent appenders', () => {
  it('20 parallel writers retrying on conflict produce one gapless chain holding every entry once', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const trail = new AuditTrail({ store, clock, ids: new CountingIds() });
    const perWriter = 5;
    let conflicts = 0;

    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < perWriter; i++) {
        for (let attempt = 0; ; attempt++) {
          if (attempt > 500) throw new Error('writer starved');
          // The engine's read-decide-write step: its own change + the audit ops, one transaction.
          const change = { op: 'put' as const, key: `item:w${w}-${i}`, value: { w, i }, condition: { kind: 'absent' as const } };
          const audit = await trail.prepareAppend([{ ...fullEntry, actor: `acc-w${w}`, details: { i } }]);
          await new Promise((resolve) => setImmediate(resolve));
          try {
            await store.transact([change, ...audit]);
            break;
          } catch (error) {
            if (!isConflict(error)) throw error;
            conflicts++;
          }
        }
        clock.t += 1;
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, w) => writer(w)));

    const records = await rawRecords(store);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 20 * perWriter }, (_, i) => i + 1));
    const written = records.map((r) => `${r.actor}/${String(r.details.i)}`).sort();
    const expected = Array.from({ length: 20 }, (_, w) => Array.from({ length: perWriter }, (_, i) => `acc-w${w}/${i}`)).flat().sort();
    expect(written).toEqual(expected);
    expect(conflicts).toBeGreaterThan(0); // the test really exercised contention
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 100 });
  });

  it('entries without a state change (access.denied) commit under retryOnConflict, as the engine does', async () => {
    const store = new MemoryStore();
    const trail = new AuditTrail({ store, clock: new ManualClock(), ids: new CountingIds() });
    const policy = { maxAttempts: 25, baseDelayMs: 1, maxDelayMs: 5 };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        retryOnConflict(policy, async () => {
          const ops = await trail.prepareAppend([{ ...fullEntry, details: { i } }]);
          await store.transact(ops);
          return headAfter(ops)!.head.seq;
        }),
      ),
    );
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 10 });
  });
});

describe('known-head hint (sequential writers skip re-reading the head)', () => {
  it('appends without reading the head when the hint is current, and the chain verifies', async () => {
    const base = new MemoryStore();
    const counting = new CountingStore(base);
    const { trail } = setup(counting);
    let ops = await trail.prepareAppend([fullEntry]);
    await counting.transact(ops);
    for (let i = 0; i < 5; i++) {
      counting.reset();
      const hint = headAfter(ops);
      ops = await trail.prepareAppend([fullEntry], hint);
      await counting.transact(ops);
      expect(counting.counts.get + counting.counts.getMany).toBe(0);
    }
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 6 });
  });

  it('a stale hint (another writer moved the head) fails the transaction and writes nothing', async () => {
    const { store, trail } = setup();
    const first = await trail.prepareAppend([fullEntry]);
    await store.transact(first);
    const staleHint = headAfter(first);
    await appendOne(trail, store, { ...fullEntry, actor: 'acc-carol' }); // someone else appends
    const stale = await trail.prepareAppend([{ ...fullEntry, actor: 'acc-dave' }], staleHint);
    await expect(store.transact(stale)).rejects.toThrow(expect.objectContaining({ code: 'CONDITION_FAILED' }));
    const records = await rawRecords(store);
    expect(records.map((r) => r.actor)).toEqual(['acc-bob', 'acc-carol']);
    expect((await trail.verify()).ok).toBe(true);
  });
});
