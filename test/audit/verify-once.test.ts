/**
 * Verify reads each af-audit record once (issue 23 item 6): one pass in key order checks the chain
 * (links, hashes, and each record's edges to its neighbours in seq order, through a bounded window),
 * the pending records and their markers. Reads are counted per record by EntityReadCounter, never timed.
 */
import { CountingStore } from '../../src/adapters/store/counting-store';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { EntityReadCounter } from '../../src/adapters/store/entity-read-counter';
import type { AuditTrail } from '../../src/core/audit';
import { entityValueOf } from '../../src/core/audit/entity';
import { recordHash } from '../../src/core/audit/hash';
import { LINK_BLOCK, PENDING_PREFIX } from '../../src/core/audit/keys';
import { recordOfEntity } from '../../src/core/audit/records';
import { advanceVerification, verificationResult } from '../../src/core/audit/verify';
import { EDGE_WINDOW, beginVerification, verifyProgressSchema, type VerifyProgress } from '../../src/core/audit/verify-progress';
import type { AuditRecord } from '../../src/core/domain/model';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import { linkItemAt, randomEntry, rng, seedMany, sequenceAll, setup, skAt, type ManualClock } from './support';

interface Rig {
  store: EntityReadCounter;
  trail: AuditTrail;
  clock: ManualClock;
}

function rig(): Rig {
  const store = new EntityReadCounter(new MemoryStore(), AUDIT_ENTITY);
  const { trail, clock } = setup(store);
  return { store, trail, clock };
}

/** Records read more or less than once, by key. */
function notOnce(store: EntityReadCounter): Array<[string, number]> {
  return [...store.reads].filter(([, n]) => n !== 1);
}

/** The verification run one step per slice, its progress saved as JSON and re-validated between slices, as the job does. */
async function verifyInSlices(store: EntityReadCounter): Promise<{ progress: VerifyProgress; slices: number }> {
  let progress = await beginVerification(store);
  let slices = 0;
  while (progress.phase !== 'done') {
    let steps = 0;
    const next = await advanceVerification(store, progress, () => steps++ < 1);
    progress = verifyProgressSchema.parse(JSON.parse(JSON.stringify(next)));
    slices++;
  }
  return { progress, slices };
}

async function entityAt(store: EntityReadCounter, seq: number): Promise<{ key: string; value: Record<string, unknown>; rec: AuditRecord }> {
  const [entity] = await store.getEntities(AUDIT_ENTITY, [await skAt(store, seq)]);
  return { ...entity, rec: recordOfEntity(entity) };
}

const BASE = 300;
const STEP = 10_000;
const HEAD = 'audit:head';

/**
 * BASE records one append each, STEP ms apart, linked; then `late` commits whose time lies far back
 * among them (a commit that became visible after later records were linked), each followed by a
 * fresh one, and linked: late commit i holds seq BASE + 2i + 1 but sits near the start in key order.
 */
async function outOfOrder(late: number, base = BASE, seed = 11): Promise<Rig> {
  const env = rig();
  const { store, trail, clock } = env;
  const start = clock.t;
  const random = rng(seed);
  for (let i = 0; i < base; i++) {
    clock.t = start + i * STEP;
    await store.transact(trail.prepareAppend([randomEntry(random)]));
  }
  await sequenceAll(trail);
  for (let i = 0; i < late; i++) {
    clock.t = start + (i * 3 + 1) * STEP + 5;
    await store.transact(trail.prepareAppend([randomEntry(random)]));
    clock.t = start + (base + i) * STEP;
    await store.transact(trail.prepareAppend([randomEntry(random)]));
    await sequenceAll(trail);
  }
  return env;
}

/** What the passes of before report on the same trail: the single pass must agree, ok or not. */
async function namedBefore(store: EntityReadCounter): Promise<ReturnType<typeof verificationResult>> {
  const progress = await beginVerification(store);
  return verificationResult(await advanceVerification(store, { ...progress, naming: true }, () => true));
}

type Tamper = (env: Rig, seq: number) => Promise<unknown>;
const put = (key: string, value: unknown) => ({ op: 'put' as const, entity: AUDIT_ENTITY, key, value });

/** Ways to tamper with a trail, each at a seq the test picks. */
const TAMPERS: Record<string, Tamper> = {
  details: async ({ store }, seq) => {
    const { key, value } = await entityAt(store, seq);
    return store.transact([put(key, { ...value, rec: { ...(value.rec as object), details: { n: -1 } } })]);
  },
  forged: async ({ store }, seq) => {
    const { key, rec } = await entityAt(store, seq);
    const forged = { ...rec, actor: 'acc-mallory' };
    return store.transact([put(key, entityValueOf(key, { ...forged, hash: recordHash(forged) }))]);
  },
  prevHash: async ({ store }, seq) => {
    const { key, rec } = await entityAt(store, seq);
    const forged = { ...rec, prevHash: 'a'.repeat(64) };
    return store.transact([put(key, entityValueOf(key, { ...forged, hash: recordHash(forged) }))]);
  },
  deleted: async ({ store }, seq) => store.transact([{ op: 'delete', entity: AUDIT_ENTITY, key: await skAt(store, seq) }]),
  copied: async ({ store }, seq) => {
    const { key, rec } = await entityAt(store, seq);
    const copy = key.replace(/-\d{9}-/, '-999999999-');
    return store.transact([put(copy, entityValueOf(copy, rec))]);
  },
  renumbered: async ({ store }, seq) => {
    const { key, value } = await entityAt(store, seq);
    return store.transact([put(key, { ...value, seq: seq + 1 })]);
  },
  linkDeleted: async ({ store }, seq) => store.transact([{ op: 'delete', key: (await linkItemAt(store, seq)).key }]),
  headBack: async ({ store }, seq) => store.transact([{ op: 'put', key: HEAD, value: { ...(await store.get<object>(HEAD))!.value, seq, hash: (await entityAt(store, seq)).rec.hash } }]),
  markerDeleted: async ({ store }) => store.transact([{ op: 'delete', key: (await store.query({ prefix: PENDING_PREFIX, limit: 1 })).items[0].key }]),
  wiped: async ({ store }) => {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 100, cursor });
      keys.push(...page.items.filter((e) => e.value.seq !== 0).map((e) => e.key));
      cursor = page.nextCursor;
    } while (cursor);
    for (let i = 0; i < keys.length; i += 25) await store.transact(keys.slice(i, i + 25).map((key) => ({ op: 'delete' as const, entity: AUDIT_ENTITY, key })));
  },
  none: async () => undefined,
};

describe('verify reads each record once', () => {
  it('a full verification of a chain across many link buckets, with pending records and their markers, reads every record exactly once, at once and slice by slice', async () => {
    const { store, trail, clock } = rig();
    const random = rng(3);
    await seedMany(trail, store, clock, 450, random);
    await sequenceAll(trail);
    for (let i = 0; i < 2; i++) {
      clock.t += 1_000;
      await store.transact(trail.prepareAppend([randomEntry(random), randomEntry(random), randomEntry(random)]));
    }
    store.reset();
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 450, unsequenced: { count: 6 } });
    expect(store.reads.size).toBe(456);
    expect(notOnce(store)).toEqual([]);

    store.reset();
    const { progress, slices } = await verifyInSlices(store);
    expect(slices).toBeGreaterThan(5);
    expect(verificationResult(progress)).toMatchObject({ ok: true, checked: 450, unsequenced: { count: 6 } });
    expect(store.reads.size).toBe(456);
    expect(notOnce(store)).toEqual([]);
  });

  it('records whose seq is out of key order within the window cost no extra read; beyond it the progress stays bounded and the trail still verifies', async () => {
    const within = await outOfOrder(EDGE_WINDOW / 4);
    within.store.reset();
    expect(await within.trail.verify()).toMatchObject({ ok: true, checked: BASE + EDGE_WINDOW / 2 });
    expect(notOnce(within.store)).toEqual([]);

    const beyond = await outOfOrder(EDGE_WINDOW * 2);
    beyond.store.reset();
    const { progress } = await verifyInSlices(beyond.store); // every saved progress re-validated: at most EDGE_WINDOW open edges
    expect(verificationResult(progress)).toMatchObject({ ok: true, checked: BASE + EDGE_WINDOW * 4 });
    expect(beyond.store.reads.size).toBe(BASE + EDGE_WINDOW * 4);
    // past the window the oldest open edges are closed by reading their neighbours by key: fewer reads than two passes all the same
    expect(beyond.store.total()).toBeLessThan(2 * (BASE + EDGE_WINDOW * 4));
  });

  it('the markers are only counted after the pass, yet a marker naming a removed record is found when a sequencer ran in between', async () => {
    const { store, trail, clock } = rig();
    const random = rng(5);
    await seedMany(trail, store, clock, 30, random);
    await sequenceAll(trail);
    clock.t += 1_000;
    await store.transact(trail.prepareAppend([randomEntry(random)]));
    clock.t += 1_000;
    const second = trail.prepareAppend([randomEntry(random), randomEntry(random)]);
    await store.transact(second);
    const removed = second.filter((op) => 'entity' in op && op.entity === AUDIT_ENTITY)[1].key;
    await store.transact([{ op: 'delete', entity: AUDIT_ENTITY, key: removed }]);
    let progress = await beginVerification(store);
    while (progress.phase === 'chain') {
      let steps = 0;
      progress = await advanceVerification(store, progress, () => steps++ < 1);
    }
    expect(progress).toMatchObject({ phase: 'markers', markerNames: 0, pending: { count: 2 } });
    // the first append is linked (its marker deleted): the second's marker, naming 2 records, now matches the count of 2 met
    expect(await trail.sequence()).toMatchObject({ sequenced: 1 });
    const result = verificationResult(await advanceVerification(store, progress, () => true));
    expect(result).toMatchObject({ ok: false, badRecord: removed, reason: 'RECORD_MISSING' });
  });

  it('pages stay large when the last chained record met is not the newest: a late head early in key order, then many pending records', async () => {
    const store = new CountingStore(new MemoryStore());
    const { trail, clock } = setup(store);
    const start = clock.t;
    const random = rng(17);
    for (let i = 0; i < 198; i++) {
      clock.t = start + i * STEP;
      await store.transact(trail.prepareAppend([randomEntry(random)]));
    }
    await sequenceAll(trail);
    clock.t = start + STEP + 5; // committed long ago, linked last: the head (seq 199) sits third in key order
    await store.transact(trail.prepareAppend([randomEntry(random)]));
    await sequenceAll(trail);
    for (let i = 0; i < 100; i++) {
      clock.t = start + (198 + i) * STEP;
      await store.transact(trail.prepareAppend([randomEntry(random), randomEntry(random), randomEntry(random)]));
    }
    expect(await skAt(store, 199) < (await skAt(store, 3))).toBe(true);
    store.reset();
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 199, unsequenced: { count: 300 } });
    // about 500 records: a handful of pages of at least a quarter of a link bucket, not one page per pending record
    const { queryEntity, getMany, query, getEntities, get } = store.counts;
    expect(queryEntity).toBeLessThanOrEqual(500 / (LINK_BLOCK / 4));
    expect(queryEntity + getMany + query + getEntities + get).toBeLessThanOrEqual(60);
  });

  describe('a tampered record whose seq is far out of key order is found at its seq', () => {
    const late = EDGE_WINDOW * 2;
    const victim = BASE + 2 * 40 + 1; // the 41st late commit, met near the start of the pass, its seq near the end of the chain

    it('is far out of key order', async () => {
      const { store } = await outOfOrder(late);
      expect(await skAt(store, victim) < (await skAt(store, 200))).toBe(true);
    });

    it('edited details (its own hash breaks)', async () => {
      const { store, trail } = await outOfOrder(late);
      const { key, value } = await entityAt(store, victim);
      await store.transact([{ op: 'put', entity: AUDIT_ENTITY, key, value: { ...value, rec: { ...(value.rec as object), details: { n: -1 } } } }]);
      expect(await trail.verify()).toMatchObject({ ok: false, checked: victim - 1, firstBadSeq: victim, reason: 'RECORD_ALTERED' });
    });

    it('edited with its hash and attributes rewritten to match (the edge to the next seq breaks, checked through the window)', async () => {
      for (const count of [late, EDGE_WINDOW / 4]) {
        const { store, trail } = await outOfOrder(count);
        const target = BASE + 2 * Math.floor(count / 2) + 1;
        const { key, rec } = await entityAt(store, target);
        const forged = { ...rec, actor: 'acc-mallory' };
        forged.hash = recordHash(forged);
        await store.transact([{ op: 'put', entity: AUDIT_ENTITY, key, value: entityValueOf(key, forged) }]);
        expect(await trail.verify()).toMatchObject({ ok: false, checked: target, firstBadSeq: target + 1, reason: 'RECORD_ALTERED' });
      }
    });
  });

  it('reports exactly what the passes of before report, for every kind of tampering at random seqs of trails with out-of-order and pending records', async () => {
    const random = rng(23);
    const base = 120;
    const late = EDGE_WINDOW + 12; // past the window: some edges are closed by key
    for (const [kind, tamper] of Object.entries(TAMPERS)) {
      for (let trial = 0; trial < 2; trial++) {
        const env = await outOfOrder(late, base, 100 + trial);
        env.clock.t += 1_000_000_000;
        await env.store.transact(env.trail.prepareAppend([randomEntry(random), randomEntry(random)]));
        const seq = 1 + Math.floor(random() * (base + 2 * late - 1));
        await tamper(env, seq);
        const before = await namedBefore(env.store);
        expect({ kind, seq, result: await env.trail.verify() }).toEqual({ kind, seq, result: before });
        if (kind !== 'none') expect({ kind, seq, ok: before.ok }).toEqual({ kind, seq, ok: false });
      }
    }
  });
});
