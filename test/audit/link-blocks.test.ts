/**
 * Issue 23 items 3–4: one pending marker per append, chain links in blocks (one item per sequencer
 * batch and 100-seq bucket), and the data earlier versions stored (one marker and one link per
 * record) still sequenced, verified, read and purged.
 */
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import type { AuditEntry, AuditTrail } from '../../src/core/audit';
import { linksOf, readRecordBySeq } from '../../src/core/audit/chain-read';
import { LINK_PREFIX, PENDING_PREFIX, legacyLinkKey, linkBlockKey, pendingKey } from '../../src/core/audit/keys';
import { readFeed } from '../../src/core/events/feed';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import type { EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, TxOp } from '../../src/core/ports/store';
import { linkItemAt, listAll, rawRecords, sequenceAll, setup, type ManualClock } from './support';
import { itemsWithPrefix } from '../support/store-prefix';

const DAY = 86_400_000;
const submitted = (n: number): AuditEntry => ({ actor: 'acc-bob', action: 'approval.submitted', spaceId: '1001', pageId: `p-${n}`, approvalId: `ap-${n}`, source: 'ui', details: { n } });
const denied = (n: number): AuditEntry => ({ actor: 'acc-eve', action: 'access.denied', spaceId: '1001', source: 'ui', details: { n } });

async function transactAll(store: KeyValueStore, ops: TxOp[]): Promise<void> {
  for (let i = 0; i < ops.length; i += 25) await store.transact(ops.slice(i, i + 25));
}


/** Rewrites every link block as the per-seq links (`audit:seq:<seq12>` → {k}) earlier versions wrote. */
async function toLegacyLinks(store: KeyValueStore): Promise<void> {
  const ops: TxOp[] = [];
  for (const item of await itemsWithPrefix(store, LINK_PREFIX)) {
    const { first, sks } = item.value as { first: number; sks: string[] };
    ops.push({ op: 'delete', key: item.key }, ...sks.map((k, i) => ({ op: 'put' as const, key: legacyLinkKey(first + i), value: { k } })));
  }
  await transactAll(store, ops);
}

/** Rewrites every pending marker as the per-record markers (`{at}` under the record's own sk) earlier versions wrote. */
async function toLegacyMarkers(store: KeyValueStore): Promise<void> {
  const ops: TxOp[] = [];
  for (const item of await itemsWithPrefix(store, PENDING_PREFIX)) {
    const { at, sks } = item.value as { at: number; sks: string[] };
    // the first record's marker keeps its key
    ops.push(...sks.map((sk) => ({ op: 'put' as const, key: pendingKey(sk), value: { at } })));
  }
  await transactAll(store, ops);
}

/** Index queries that do not show some items yet (as Forge's lagging indexes may): markers, or given records. */
class HidingIndex extends StoreDecorator {
  hideMarkers = false;
  hiddenRecords = new Set<string>();
  override async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    const page = await this.inner.query<T>(options);
    return this.hideMarkers ? { ...page, items: page.items.filter((i) => !i.key.startsWith(PENDING_PREFIX)) } : page;
  }
  override async queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    const page = await this.inner.queryEntity<T>(query);
    return { ...page, items: page.items.filter((i) => !this.hiddenRecords.has(i.key)) };
  }
}

async function append(trail: AuditTrail, store: KeyValueStore, clock: ManualClock, entries: AuditEntry[]): Promise<void> {
  clock.t += 1000;
  await store.transact(trail.prepareAppend(entries));
}

describe('one marker per append', () => {
  it('a multi-entry append writes ONE marker {at, sks} under its first record, its records share the commit time, and the sequencer links them together', async () => {
    const { store, trail, clock } = setup();
    await append(trail, store, clock, [submitted(1), denied(2), submitted(3)]);
    const markers = await itemsWithPrefix(store, PENDING_PREFIX);
    const records = await rawRecords(store);
    expect(records.map((r) => r.at)).toEqual([clock.t, clock.t, clock.t]);
    const sks = (await store.queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 10 })).items.map((e) => e.key);
    expect(markers).toEqual([{ key: pendingKey(sks[0]), value: { at: clock.t, sks }, version: 1 }]);

    expect(await trail.sequence()).toEqual({ sequenced: 3, remaining: 0 });
    expect(await itemsWithPrefix(store, PENDING_PREFIX)).toEqual([]);
    expect((await itemsWithPrefix(store, LINK_PREFIX)).map((i) => [i.key, i.value])).toEqual([[linkBlockKey(1), { first: 1, sks }]]);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 3, unsequenced: { count: 0 } });
  });

  it('verify counts the records of a marker whose append is cut by a page of the record walk (markers read by key), and reports one whose marker was removed', async () => {
    const hiding = new HidingIndex(new MemoryStore());
    const { store, trail, clock } = setup(hiding);
    for (let n = 0; n < 98; n++) await append(trail, store, clock, [denied(n)]);
    await sequenceAll(trail);
    // records 99–103 in key order: the marker (keyed by record 99) is read with the first page of 100, three of its records come on the next
    await append(trail, store, clock, [denied(98), denied(99), denied(100), denied(101), denied(102)]);
    hiding.hideMarkers = true; // no marker shows in a query: what verify knows of them it read by key
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 98, unsequenced: { count: 5 } });

    hiding.hideMarkers = false;
    const [marker] = await itemsWithPrefix(store, PENDING_PREFIX);
    await store.transact([{ op: 'delete', key: marker.key }]);
    expect(await trail.verify()).toMatchObject({ ok: false, badRecord: (marker.value as { sks: string[] }).sks[0], reason: 'RECORD_UNLINKED' });
  });

  it('verify finds the marker of a pending record whose first record the index does not show yet among the markers of its millisecond', async () => {
    const hiding = new HidingIndex(new MemoryStore());
    const { store, trail, clock } = setup(hiding);
    await append(trail, store, clock, [denied(1), denied(2), denied(3)]);
    const [marker] = await itemsWithPrefix(store, PENDING_PREFIX);
    hiding.hiddenRecords.add((marker.value as { sks: string[] }).sks[0]);
    expect(await trail.verify()).toMatchObject({ ok: true, unsequenced: { count: 2 } });
  });

  it('a marker naming a record that was deleted is a missing record; a marker that names others is reported, so is a damaged one', async () => {
    const { store, trail, clock } = setup();
    await append(trail, store, clock, [denied(1), denied(2)]);
    const [marker] = await itemsWithPrefix(store, PENDING_PREFIX);
    const sks = (marker.value as { sks: string[] }).sks;
    await store.transact([{ op: 'delete', entity: AUDIT_ENTITY, key: sks[1] }]);
    expect(await trail.verify()).toMatchObject({ ok: false, badRecord: sks[1], reason: 'RECORD_MISSING' });
    // the sequencer leaves the whole marker for verify (its other record stays pending)
    expect(await trail.sequence()).toMatchObject({ sequenced: 0 });

    // a marker rewritten to name other records no longer marks its own: they are unlinked
    const other = setup();
    await append(other.trail, other.store, other.clock, [denied(1), denied(2)]);
    const [m] = await itemsWithPrefix(other.store, PENDING_PREFIX);
    const own = (m.value as { sks: string[] }).sks;
    await other.store.transact([{ op: 'put', key: m.key, value: { ...(m.value as object), sks: [own[0], 'someone-else'] } }]);
    expect(await other.trail.verify()).toMatchObject({ ok: false, badRecord: own[1], reason: 'RECORD_UNLINKED' });

    // a marker of no known shape, beside a chain whose records are all linked
    const third = setup();
    await append(third.trail, third.store, third.clock, [denied(1)]);
    await sequenceAll(third.trail);
    const [sk] = (await third.store.queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 1 })).items.map((e) => e.key);
    await third.store.transact([{ op: 'put', key: pendingKey(sk), value: { at: 1, records: 3 } }]);
    expect(await third.trail.verify()).toMatchObject({ ok: false, badRecord: sk, reason: 'RECORD_ALTERED' });
  });

  it('markers written by earlier versions ({at}, one record, its own key) are still sequenced, beside new ones', async () => {
    const { store, trail, clock } = setup();
    await append(trail, store, clock, [denied(1), denied(2)]);
    await append(trail, store, clock, [denied(3)]);
    await toLegacyMarkers(store);
    await append(trail, store, clock, [denied(4), denied(5)]);
    expect((await itemsWithPrefix(store, PENDING_PREFIX)).map((m) => Object.keys(m.value as object).sort().join())).toEqual(['at', 'at', 'at', 'at,sks']);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 0, unsequenced: { count: 5 } });
    expect(await trail.sequence()).toEqual({ sequenced: 5, remaining: 0 });
    expect((await rawRecords(store)).map((r) => [r.seq, r.details.n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 5 });
  });
});

describe('links in blocks', () => {
  async function chain(count: number, store: KeyValueStore = new MemoryStore()) {
    const env = setup(store);
    for (let n = 1; n <= count; n++) await append(env.trail, store, env.clock, [submitted(n)]);
    await sequenceAll(env.trail);
    return env;
  }

  it('one link item per batch; a batch that crosses a 100-seq bucket writes one block in each, and one prefix query reads a bucket', async () => {
    const { store, trail, clock } = await chain(96);
    for (let n = 97; n <= 104; n++) await append(trail, store, clock, [denied(n)]);
    await sequenceAll(trail);
    const items = await itemsWithPrefix(store, LINK_PREFIX);
    const last = items.slice(-2).map((i) => i.value as { first: number; sks: string[] });
    expect(last.map((b) => [b.first, b.first + b.sks.length - 1])).toEqual([
      [last[0].first, 99],
      [100, 104],
    ]);
    expect(items.length).toBeLessThan(104 / 5);
    expect((await store.query({ prefix: 'audit:seq:0000000001', limit: 100 })).items.map((i) => i.key)).toEqual([linkBlockKey(100)]);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 104 });
  });

  describe('verify reports a tampered link block', () => {
    let env: Awaited<ReturnType<typeof chain>>;
    beforeEach(async () => {
      env = await chain(30);
    });

    it('a block whose first seq disagrees with its key', async () => {
      const block = await linkItemAt(env.store, 15);
      await env.store.transact([{ op: 'put', key: block.key, value: { ...block.value, first: block.value.first + 1 } }]);
      expect(await env.trail.verify()).toMatchObject({ ok: false, firstBadSeq: block.value.first, reason: 'RECORD_ALTERED' });
    });

    it('a block naming another record', async () => {
      const block = await linkItemAt(env.store, 15);
      const other = await linkItemAt(env.store, 30);
      const sks = [...block.value.sks];
      sks[15 - block.value.first] = other.value.sks.at(-1)!;
      await env.store.transact([{ op: 'put', key: block.key, value: { ...block.value, sks } }]);
      expect(await env.trail.verify()).toMatchObject({ ok: false, checked: 14, firstBadSeq: 15, reason: 'RECORD_ALTERED' });
    });

    it('a forged block claiming seqs another block names', async () => {
      const block = await linkItemAt(env.store, 15);
      const forged = block.value.first + 1;
      await env.store.transact([{ op: 'put', key: linkBlockKey(forged), value: { first: forged, sks: block.value.sks.slice(1) } }]);
      expect(await env.trail.verify()).toMatchObject({ ok: false, checked: forged - 1, firstBadSeq: forged, reason: 'RECORD_ALTERED' });
    });

    it('a block deleted (every seq it named is missing), also when index queries lag', async () => {
      const memory = new MemoryStore();
      const lagging = new EventualIndexStore(memory);
      const { trail, clock } = setup(lagging);
      for (let n = 1; n <= 30; n++) await append(trail, lagging, clock, [submitted(n)]);
      lagging.settle(); // the sequencer finds records through their markers' index
      await sequenceAll(trail);
      expect(await lagging.query({ prefix: LINK_PREFIX, limit: 100 })).toEqual({ items: [] });
      expect(await trail.verify()).toMatchObject({ ok: true, checked: 30 });
      const block = await linkItemAt(memory, 15);
      await lagging.transact([{ op: 'delete', key: block.key }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: block.value.first - 1, firstBadSeq: block.value.first, reason: 'RECORD_MISSING' });
    });
  });

  it('links earlier versions wrote (one per seq) are read by the same path: verify, linksOf, readRecordBySeq, the feed, and new blocks after them', async () => {
    const memory = new MemoryStore();
    const { store, trail, clock } = await chain(40, memory);
    await toLegacyLinks(store);
    expect(await store.get(legacyLinkKey(40))).toBeDefined();
    for (let n = 41; n <= 50; n++) await append(trail, store, clock, [submitted(n)]);
    await sequenceAll(trail);
    expect((await itemsWithPrefix(store, LINK_PREFIX)).length).toBeGreaterThan(40);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 50 });

    const records = await rawRecords(store);
    expect(await readRecordBySeq(store, 7)).toEqual(records.find((r) => r.seq === 7));
    expect(await readRecordBySeq(store, 45)).toEqual(records.find((r) => r.seq === 45));
    const all = await linksOf(store, Array.from({ length: 50 }, (_, i) => i + 1));
    expect([...all.keys()]).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    // the feed hands out every event in chain order across both kinds of link, also through a lagging index
    const lagging = new EventualIndexStore(memory);
    for (const reader of [store, lagging]) {
      const page = await readFeed(reader, { seq: 0, skip: 0 }, 100, async () => true, clock.t);
      expect(page.events.map((e) => e.approvalId)).toEqual(Array.from({ length: 50 }, (_, i) => `ap-${i + 1}`));
      expect(page.position).toEqual({ seq: 50, skip: 0 });
    }
    await append(trail, lagging, clock, [submitted(51)]);
    lagging.settle();
    await sequenceAll(trail);
    expect((await readFeed(lagging, { seq: 50, skip: 0 }, 10, async () => true, clock.t)).events.map((e) => e.approvalId)).toEqual(['ap-51']);
  });

  it('a purge through links earlier versions wrote deletes each with its record', async () => {
    const env = setup();
    const start = env.clock.t;
    for (let d = 0; d < 10; d++) {
      env.clock.t = start + d * DAY;
      await env.store.transact(env.trail.prepareAppend([denied(d)]));
    }
    await sequenceAll(env.trail);
    await toLegacyLinks(env.store);
    env.clock.t = start + 20 * DAY;
    expect(await env.trail.purge(start + 4 * DAY, 'acc-alice')).toEqual({ removed: 4, done: true });
    expect((await itemsWithPrefix(env.store, LINK_PREFIX)).some((i) => i.key === legacyLinkKey(4))).toBe(false);
    expect(await env.trail.verify()).toMatchObject({ ok: true, checked: 7 });
  });
});

describe('purge and link blocks', () => {
  /** One record a day, sequenced in one go: a few blocks, each spanning several days. */
  async function dayChain(days: number) {
    const env = setup();
    const start = env.clock.t;
    for (let d = 0; d < days; d++) {
      env.clock.t = start + d * DAY;
      await env.store.transact(env.trail.prepareAppend([denied(d)]));
    }
    await sequenceAll(env.trail);
    env.clock.t = start + 100 * DAY;
    return { ...env, start };
  }

  it('a block partly kept stays (its kept seqs need it) while the records of its older seqs go; verify, lists and the next purge agree', async () => {
    const { store, trail, start } = await dayChain(20);
    const first = await linkItemAt(store, 1);
    expect(first.value.sks.length).toBeGreaterThan(4);
    expect(await trail.purge(start + 3 * DAY, 'acc-alice')).toEqual({ removed: 3, done: true });
    expect((await linkItemAt(store, 4)).key).toBe(first.key);
    expect(await store.getEntities(AUDIT_ENTITY, first.value.sks.slice(0, 3))).toEqual([]);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 18 });
    expect(await trail.deleteBelowCheckpoint(100)).toEqual({ removed: 0, done: true });
    expect((await listAll(trail, {}, 100)).records.map((r) => r.seq)).toEqual(Array.from({ length: 18 }, (_, i) => 21 - i));

    // a later purge past the block's end deletes it with the rest of its records
    const cut = first.value.sks.length + 2;
    expect(await trail.purge(start + cut * DAY, 'acc-alice')).toEqual({ removed: cut - 3, done: true });
    expect((await itemsWithPrefix(store, LINK_PREFIX)).map((i) => i.key)).not.toContain(first.key);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 22 - cut });
  });

  it('a capped deletion that stops inside a block is finished exactly by the next run', async () => {
    const { store, trail, start } = await dayChain(20);
    const first = await linkItemAt(store, 1);
    const cut = first.value.sks.length - 1;
    expect(await trail.purge(start + cut * DAY, 'acc-alice', { maxDeletes: 2 })).toEqual({ removed: 2, done: false });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 21 - cut });
    expect(await trail.deleteBelowCheckpoint(0)).toEqual({ removed: 0, done: false });
    expect(await trail.deleteBelowCheckpoint(100)).toEqual({ removed: cut - 2, done: true });
    expect(await trail.deleteBelowCheckpoint(100)).toEqual({ removed: 0, done: true });
    expect((await rawRecords(store)).map((r) => r.seq)[0]).toBe(cut + 1);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 21 - cut });
  });
});
