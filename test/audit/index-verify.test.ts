/** verify() covers the index entries (SPEC §5): a missing, extra or altered entry is reported like an altered record. */
import fc from 'fast-check';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { AuditTrail, type AuditEntry } from '../../src/core/audit';
import type { AuditRecord } from '../../src/core/domain/model';
import type { KeyValueStore, QueryOptions, QueryPage } from '../../src/core/ports/store';
import { CountingIds, ManualClock, bruteForce, listAll, randomEntry, rawRecords, rng, setup } from './support';

const pad = (seq: number) => String(seq).padStart(12, '0');

async function indexItems(store: KeyValueStore): Promise<{ key: string; value: Record<string, unknown> }[]> {
  const out: { key: string; value: Record<string, unknown> }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query<Record<string, unknown>>({ prefix: 'audit:ix:', limit: 100, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function chain(count: number): Promise<{ store: MemoryStore; trail: AuditTrail; records: AuditRecord[] }> {
  const store = new MemoryStore();
  const { trail, clock } = setup(store);
  const random = rng(21);
  for (let i = 0; i < count; i++) {
    clock.t += 1000;
    await store.transact(await trail.prepareAppend([randomEntry(random)]));
  }
  return { store, trail, records: await rawRecords(store) };
}

describe('verify covers the index', () => {
  let store: MemoryStore;
  let trail: AuditTrail;
  let records: AuditRecord[];
  beforeEach(async () => {
    ({ store, trail, records } = await chain(40)); // ~200 index entries: the walk spans several query pages
  });

  it('passes on untouched indexes spanning several pages', async () => {
    expect((await indexItems(store)).length).toBeGreaterThan(150);
    expect(await trail.verify()).toEqual({ ok: true, checked: 40, headHash: records[39].hash });
  });

  it('a deleted space entry hides the record from the space filter, and verify names that record', async () => {
    const victim = records[17];
    const key = `audit:ix:space:${victim.spaceId}:${pad(victim.seq)}`;
    await store.transact([{ op: 'delete', key }]);
    const { records: listed } = await listAll(trail, { spaceId: victim.spaceId }, 100);
    expect(listed.map((r) => r.seq)).not.toContain(victim.seq); // what the tampering achieves
    expect(await trail.verify()).toMatchObject({ ok: false, checked: 17, firstBadSeq: victim.seq, reason: 'INDEX_ENTRY_MISSING' });
  });

  it.each(['page', 'cs', 'client', 'actor', 'action', 'source'] as const)('a deleted %s entry is detected', async (dim) => {
    const item = (await indexItems(store)).find((i) => i.key.startsWith(`audit:ix:${dim}:`) && Number(i.key.slice(-12)) > 5)!;
    await store.transact([{ op: 'delete', key: item.key }]);
    expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: Number(item.key.slice(-12)), reason: 'INDEX_ENTRY_MISSING' });
  });

  it('an added entry putting a record under another value is detected (it would show the record in the wrong space)', async () => {
    const victim = records.find((r) => r.spaceId === '1001')!;
    const original = (await store.get(`audit:ix:space:1001:${pad(victim.seq)}`))!.value;
    await store.transact([{ op: 'put', key: `audit:ix:space:1002:${pad(victim.seq)}`, value: original }]);
    expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: victim.seq, reason: 'INDEX_ENTRY_EXTRA' });
  });

  it('an added entry relabelled to its new key is detected as altered', async () => {
    const victim = records.find((r) => r.spaceId === '1001')!;
    const original = (await store.get<Record<string, unknown>>(`audit:ix:space:1001:${pad(victim.seq)}`))!.value;
    await store.transact([{ op: 'put', key: `audit:ix:space:1002:${pad(victim.seq)}`, value: { ...original, spaceId: '1002' } }]);
    expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: victim.seq, reason: 'INDEX_ENTRY_ALTERED' });
  });

  it('an added entry for a seq past the head, or under a key no append writes, is detected', async () => {
    await store.transact([{ op: 'put', key: `audit:ix:space:1001:${pad(41)}`, value: { ...records[0], seq: 41 } }]);
    expect(await trail.verify()).toMatchObject({ ok: false, checked: 40, firstBadSeq: 41, reason: 'INDEX_ENTRY_EXTRA' });

    const fresh = await chain(5);
    await fresh.store.transact([{ op: 'put', key: 'audit:ix:bogus:x:000000000003', value: { seq: 3 } }]);
    expect(await fresh.trail.verify()).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'INDEX_ENTRY_EXTRA' });
    const other = await chain(5);
    await other.store.transact([{ op: 'put', key: 'audit:ix:space:1001:junk', value: { seq: 3 } }]);
    expect(await other.trail.verify()).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'INDEX_ENTRY_EXTRA' });
  });

  it.each([
    ['a changed time', (v: Record<string, unknown>) => ({ ...v, at: (v.at as number) + 1 })],
    ['a changed action', (v: Record<string, unknown>) => ({ ...v, action: 'workflow.created' })],
    ['a dropped field', (v: Record<string, unknown>) => ({ ...v, actor: undefined })],
    ['an added field', (v: Record<string, unknown>) => ({ ...v, note: 'x' })],
  ])('an altered entry (%s) is detected', async (_name, alter) => {
    const victim = records[25];
    const key = `audit:ix:space:${victim.spaceId}:${pad(victim.seq)}`;
    const value = (await store.get<Record<string, unknown>>(key))!.value;
    await store.transact([{ op: 'put', key, value: JSON.parse(JSON.stringify(alter(value))) as unknown }]);
    expect(await trail.verify()).toMatchObject({ ok: false, checked: 25, firstBadSeq: victim.seq, reason: 'INDEX_ENTRY_ALTERED' });
  });

  it('reports the lowest bad seq when the index and the records are both damaged', async () => {
    await store.transact([{ op: 'delete', key: `audit:rec:${pad(30)}` }]);
    const victim = records[9];
    await store.transact([{ op: 'delete', key: `audit:ix:space:${victim.spaceId}:${pad(victim.seq)}` }]);
    expect(await trail.verify()).toMatchObject({ ok: false, checked: 9, firstBadSeq: 10, reason: 'INDEX_ENTRY_MISSING' });
  });
});

describe('verify while writers append', () => {
  /** A store that lets another writer append `entries` right after verify's first index page is read. */
  class AppendDuringIndexWalk extends MemoryStore {
    fired = false;
    writer?: () => Promise<void>;
    override async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
      const page = await super.query<T>(options);
      if (options.prefix === 'audit:ix:' && !this.fired && this.writer) {
        this.fired = true;
        await this.writer();
      }
      return page;
    }
  }

  it('records and index entries appended after verify read the head are not reported', async () => {
    const store = new AppendDuringIndexWalk();
    const clock = new ManualClock();
    const trail = new AuditTrail({ store, clock, ids: new CountingIds() });
    const random = rng(4);
    for (let i = 0; i < 30; i++) await store.transact(await trail.prepareAppend([randomEntry(random)]));
    const late: AuditEntry = { actor: 'acc-alice', action: 'access.denied', spaceId: '1001', source: 'ui', details: {} };
    store.writer = async () => store.transact(await trail.prepareAppend([late, late]));
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 30 });
    expect(store.fired).toBe(true);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 32 });
    expect((await listAll(trail, { actor: 'acc-alice', action: 'access.denied' }, 100)).records.map((r) => r.seq)).toEqual(
      bruteForce(await rawRecords(store), { actor: 'acc-alice', action: 'access.denied' }).map((r) => r.seq),
    );
  });
});

describe('property: any single index tampering is detected at its record', () => {
  it('holds for deleting, altering or duplicating a random entry under another value', async () => {
    const { store: base } = await chain(25);
    const snapshot = await indexItems(base);
    await fc.assert(
      fc.asyncProperty(fc.nat(snapshot.length - 1), fc.constantFrom('delete', 'alter', 'misfile'), async (n, kind) => {
        const { store, trail } = await chain(25); // same seed: the same records and entries
        const { key, value } = snapshot[n];
        const seq = Number(key.slice(-12));
        if (kind === 'delete') await store.transact([{ op: 'delete', key }]);
        if (kind === 'alter') await store.transact([{ op: 'put', key, value: { ...value, at: (value.at as number) - 1 } }]);
        if (kind === 'misfile') await store.transact([{ op: 'put', key: key.replace(/:[^:]+:(\d{12})$/, ':elsewhere:$1'), value }]);
        const result = await trail.verify();
        expect(result).toMatchObject({ ok: false, firstBadSeq: seq });
        expect(result.reason).toBe({ delete: 'INDEX_ENTRY_MISSING', alter: 'INDEX_ENTRY_ALTERED', misfile: 'INDEX_ENTRY_EXTRA' }[kind]);
      }),
      { numRuns: 40 },
    );
  });
});
