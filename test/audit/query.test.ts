/** list(): every SPEC §5 filter returns exactly the matching records, paged without skips or repeats, at bounded cost. */
import fc from 'fast-check';
import { CountingStore } from '../../src/adapters/store/counting-store';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { AuditTrail } from '../../src/core/audit';
import type { AuditFilter, AuditRecord } from '../../src/core/domain/model';
import {
  ACTIONS,
  ACTORS,
  CHANGE_SETS,
  CLIENTS,
  CountingIds,
  ManualClock,
  PAGES,
  SPACES,
  appendAll,
  bruteForce,
  ids,
  sequenceAll,
  listAll,
  randomEntry,
  rawRecords,
  rng,
  seedMany,
  setup,
} from './support';

describe('list against a brute-force model', () => {
  let trail: AuditTrail;
  let records: AuditRecord[];
  let times: number[];

  beforeAll(async () => {
    const env = setup();
    trail = env.trail;
    const random = rng(42);
    await appendAll(trail, env.store, env.clock, Array.from({ length: 200 }, () => randomEntry(random)), random);
    await sequenceAll(trail);
    // The newest 120 stay pending: lists show both kinds, in one time order.
    await appendAll(trail, env.store, env.clock, Array.from({ length: 120 }, () => randomEntry(random)), random);
    records = await rawRecords(env.store);
    times = records.map((r) => r.at);
  });

  const single: [string, AuditFilter[]][] = [
    ['none', [{}]],
    ['spaceId', SPACES.map((spaceId) => ({ spaceId }))],
    ['pageId', [...PAGES, 'absent-page'].map((pageId) => ({ pageId }))],
    ['changeSetId', CHANGE_SETS.map((changeSetId) => ({ changeSetId }))],
    ['actor', ACTORS.map((actor) => ({ actor }))],
    ['action', [...ACTIONS, 'workflow.created' as const].map((action) => ({ action }))],
    ['source', [{ source: 'ui' }, { source: 'api' }]],
    ['clientId', CLIENTS.map((clientId) => ({ clientId }))],
  ];

  it.each(single)('filter by %s returns exactly the matching records across pages', async (_name, filters) => {
    for (const filter of filters) {
      for (const limit of [4, 100]) {
        const { records: got } = await listAll(trail, filter, limit);
        expect(ids(got)).toEqual(ids(bruteForce(records, filter)));
      }
    }
  });

  it('combined filters and time ranges (inclusive bounds, equal timestamps, clock skew) match the model', async () => {
    const t = (i: number) => times[i];
    const filters: AuditFilter[] = [
      { from: t(100) },
      { to: t(200) },
      { from: t(50), to: t(60) },
      { from: t(50), to: t(50) },
      { from: t(0) - 1, to: t(319) + 1 },
      { from: t(319) + 1 },
      { to: t(0) - 1 },
      { spaceId: '1001', from: t(100), to: t(250) },
      { source: 'ui', to: t(150) },
      { actor: 'acc-bob', action: 'approval.approved' },
      { pageId: '2001', source: 'api', clientId: 'client:b' },
      { changeSetId: 'cs-1', spaceId: '1002', to: t(300) },
      { actor: 'user with spaces/é', from: t(10), to: t(310) },
      { action: 'access.denied', source: 'ui', from: t(20) },
    ];
    for (const filter of filters) {
      for (const limit of [5, 50]) {
        const { records: got } = await listAll(trail, filter, limit);
        expect({ filter, ids: ids(got) }).toEqual({ filter, ids: ids(bruteForce(records, filter)) });
      }
    }
  });

  it('returns newest first with the default limit of 50 and an opaque cursor', async () => {
    const page = await trail.list({}, {});
    const newest = [...records].reverse();
    expect(ids(page.items)).toEqual(ids(newest.slice(0, 50)));
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const next = await trail.list({}, { cursor: page.nextCursor });
    expect(next.items[0].id).toBe(newest[50].id);
  });

  it('marks pending records (seq 0, no hashes) and shows sequenced ones with their seq', () => {
    expect(records.filter((r) => r.pending)).toHaveLength(120);
    for (const r of records.filter((x) => x.pending)) expect(r).toMatchObject({ seq: 0, prevHash: '', hash: '' });
    expect(records.filter((r) => !r.pending).map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('rejects bad limits, cursors and filters with stable codes', async () => {
    await expect(trail.list({}, { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_LIMIT', status: 400 });
    await expect(trail.list({}, { limit: 101 })).rejects.toMatchObject({ code: 'INVALID_LIMIT' });
    await expect(trail.list({}, { limit: 2.5 })).rejects.toMatchObject({ code: 'INVALID_LIMIT' });
    await expect(trail.list({}, { cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(trail.list({}, { cursor: Buffer.from('{"b":-4}').toString('base64url') })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(trail.list({ action: 'bogus' } as unknown as AuditFilter, {})).rejects.toMatchObject({ code: 'INVALID_FILTER' });
    await expect(trail.list({ from: -1 }, {})).rejects.toMatchObject({ code: 'INVALID_FILTER' });
    // audit B12: an empty range is a mistake, answered as docs/api.md says (not an empty page)
    await expect(trail.list({ from: 60, to: 50 }, {})).rejects.toMatchObject({ code: 'INVALID_FILTER', status: 400, details: [expect.objectContaining({ field: 'to' })] });
  });
});

describe('list on an empty trail', () => {
  it('returns no items and no cursor', async () => {
    expect(await setup().trail.list({ spaceId: '1001' }, {})).toEqual({ items: [] });
  });
});

describe('query cost', () => {
  const seeded = new Map<number, Promise<{ counting: CountingStore; trail: AuditTrail; records: AuditRecord[] }>>();
  async function seed(size: number) {
    const counting = new CountingStore(new MemoryStore());
    const clock = new ManualClock();
    const trail = new AuditTrail({ store: counting, clock, ids: new CountingIds() });
    await seedMany(trail, counting, clock, size, rng(size));
    await sequenceAll(trail);
    return { counting, trail, records: await rawRecords(counting) };
  }

  async function costOf(size: number, filter: AuditFilter, atFraction?: number) {
    if (!seeded.has(size)) seeded.set(size, seed(size));
    const { counting, trail, records } = await (seeded.get(size) as ReturnType<typeof seed>);
    const f = atFraction === undefined ? filter : { ...filter, to: records[Math.floor(records.length * atFraction)].at };
    counting.reset();
    const page = await trail.list(f, { limit: 50 });
    expect(ids(page.items)).toEqual(ids(bruteForce(records, f).slice(0, 50)));
    return { ...counting.counts, items: page.items.length };
  }

  it('stays flat from 200 to 2,000 records: index queries plus one read of the chain state', async () => {
    for (const [filter, fraction] of [
      [{ source: 'ui' }, 0.1],
      [{ spaceId: '1001' }, 0.3],
      [{ action: 'approval.approved' }, 0.6],
      [{ actor: 'acc-carol', spaceId: '1002' }, 0.5],
      [{}, 0.5],
    ] as [AuditFilter, number | undefined][]) {
      // One index page, or two when a post-filter (source) rejects about half: the same at any size.
      for (const size of [200, 2000]) {
        const cost = await costOf(size, filter, fraction);
        expect(cost.queryEntity).toBeLessThanOrEqual(2);
        expect(cost).toMatchObject({ get: 0, getMany: 1, query: 0, getEntities: 0 });
      }
    }
  });

  it('an unfiltered page is one index query (+ the chain state read)', async () => {
    expect(await costOf(600, {})).toMatchObject({ queryEntity: 1, get: 0, getMany: 1, query: 0, items: 50 });
  });

  it('a page of a rare value costs one index query (+ the chain state read)', async () => {
    const counting = new CountingStore(new MemoryStore());
    const clock = new ManualClock();
    const trail = new AuditTrail({ store: counting, clock, ids: new CountingIds() });
    await seedMany(trail, counting, clock, 900, rng(3));
    await counting.transact(trail.prepareAppend([{ actor: 'acc-rare', action: 'access.denied', spaceId: '1001', source: 'ui', details: {} }]));
    counting.reset();
    const page = await trail.list({ actor: 'acc-rare' }, {});
    expect(page.items).toHaveLength(1);
    expect(counting.counts).toMatchObject({ queryEntity: 1, getMany: 1, get: 0 });
  });

  it('bounds the scan per page when post-filters reject most candidates, and paging still returns everything', async () => {
    const { store, clock } = setup();
    const trail = new AuditTrail({ store, clock, ids: new CountingIds(), maxScanQueriesPerPage: 2 });
    const random = rng(5);
    await seedMany(trail, store, clock, 600, random);
    const records = await rawRecords(store);
    // Driven by the space index (half of all records); action and source reject most candidates.
    const filter: AuditFilter = { spaceId: '1001', action: 'access.denied', source: 'api' };
    const counting = new CountingStore(store);
    const bounded = new AuditTrail({ store: counting, clock, ids: new CountingIds(), maxScanQueriesPerPage: 2 });
    const first = await bounded.list(filter, { limit: 100 });
    expect(counting.counts.queryEntity).toBe(2);
    expect(first.items.length).toBeLessThan(100);
    expect(first.nextCursor).toBeDefined();
    const { records: got, pages } = await listAll(trail, filter, 100);
    expect(ids(got)).toEqual(ids(bruteForce(records, filter)));
    expect(pages).toBeGreaterThan(1);
  });

  it('by default a sparse combined filter spends at most 5 index queries on a page, then answers with a cursor (issue 23)', async () => {
    const { store, clock } = setup();
    await seedMany(new AuditTrail({ store, clock, ids: new CountingIds() }), store, clock, 1_400, rng(9));
    const counting = new CountingStore(store);
    // driven by the space index (~700 records), no record matches: unbounded, the page would read them all
    const page = await new AuditTrail({ store: counting, clock, ids: new CountingIds() }).list({ spaceId: '1001', action: 'audit.purged' }, { limit: 100 });
    expect(page.items).toEqual([]);
    expect(page.nextCursor).toBeDefined();
    expect(counting.counts.queryEntity).toBe(5);
  });
});

describe('property: random appends and filters match the model', () => {
  const filterArb: fc.Arbitrary<AuditFilter> = fc.record(
    {
      spaceId: fc.constantFrom(...SPACES),
      pageId: fc.constantFrom(...PAGES),
      changeSetId: fc.constantFrom(...CHANGE_SETS),
      actor: fc.constantFrom(...ACTORS),
      action: fc.constantFrom(...ACTIONS),
      source: fc.constantFrom('ui' as const, 'api' as const),
      clientId: fc.constantFrom(...CLIENTS),
    },
    { requiredKeys: [] },
  );

  it('holds for interleaved appends and paged lists', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('append' as const), seed: fc.integer(), count: fc.integer({ min: 1, max: 40 }) }),
            fc.record({ kind: fc.constant('sequence' as const), batches: fc.integer({ min: 1, max: 3 }) }),
            fc.record({
              kind: fc.constant('list' as const),
              filter: filterArb,
              from: fc.option(fc.integer({ min: 0, max: 100 })),
              to: fc.option(fc.integer({ min: 0, max: 100 })),
              limit: fc.integer({ min: 1, max: 100 }),
            }),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        async (commands) => {
          const { store, clock, trail } = setup();
          const start = clock.t;
          for (const command of commands) {
            if (command.kind === 'append') {
              const random = rng(command.seed);
              await appendAll(trail, store, clock, Array.from({ length: command.count }, () => randomEntry(random)), random);
              continue;
            }
            if (command.kind === 'sequence') {
              await trail.sequence({ maxBatches: command.batches });
              continue;
            }
            const all = await rawRecords(store);
            const span = Math.max(1, (all[all.length - 1]?.at ?? start) - start);
            const filter: AuditFilter = { ...command.filter };
            // Time bounds as percentages of the chain's time span, so they land among the records.
            if (command.from !== null) filter.from = start + Math.floor((span * command.from) / 100);
            if (command.to !== null) filter.to = start + Math.floor((span * command.to) / 100);
            if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
              await expect(trail.list(filter, { limit: command.limit })).rejects.toMatchObject({ code: 'INVALID_FILTER' });
              continue;
            }
            const { records: got } = await listAll(trail, filter, command.limit);
            expect(ids(got)).toEqual(ids(bruteForce(all, filter)));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
