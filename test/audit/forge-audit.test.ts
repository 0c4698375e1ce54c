/** The audit trail on ForgeKvsStore (real @forge/kvs client over the fake KVS API): entity queries, sequencing races, purge. */
import { ForgeKvsStore } from '../../src/adapters/forge/forge-kvs-store';
import { AuditTrail, sequencePendingAudit } from '../../src/core/audit';
import { installFakeForgeKvs, type FakeForgeKvs } from '../support/fake-forge-kvs';
import { CountingIds, ManualClock, bruteForce, ids, listAll, randomEntry, rawRecords, rng, sequenceAll } from './support';

let fake: FakeForgeKvs;
afterEach(() => fake.uninstall());

async function forgeTrail(count: number) {
  const clock = new ManualClock();
  fake = installFakeForgeKvs({ now: () => clock.now() });
  const store = new ForgeKvsStore({ clock });
  const trail = new AuditTrail({ store, clock, ids: new CountingIds() });
  const random = rng(21);
  for (let i = 0; i < count; i += 3) {
    clock.t += 60_000;
    await store.transact(trail.prepareAppend([randomEntry(random), randomEntry(random), randomEntry(random)]));
  }
  return { store, trail, clock };
}

describe('audit trail on Forge KVS', () => {
  it('lists by every index with time ranges, pending and sequenced alike, matching the model', async () => {
    const { store, trail } = await forgeTrail(60);
    await trail.sequence({ maxBatches: 3 }); // 24 chained, the rest pending
    const records = await rawRecords(store);
    const mid = records[30].at;
    for (const filter of [{}, { spaceId: '1001' }, { actor: 'acc-bob', to: mid }, { source: 'api' as const, from: mid }, { pageId: '2001', from: records[5].at, to: mid }]) {
      expect(ids((await listAll(trail, filter, 7)).records)).toEqual(ids(bruteForce(records, filter)));
    }
  });

  it('concurrent sequencers chain every record once and the chain verifies', async () => {
    const { store, trail, clock } = await forgeTrail(45);
    await Promise.all([1, 2, 3].map(() => sequencePendingAudit({ store, clock })));
    await sequenceAll(trail);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 45, unsequenced: { count: 0 } });
  });

  it('purges old records and still verifies', async () => {
    const { trail, clock } = await forgeTrail(30);
    await sequenceAll(trail);
    // Batches of 3 records at 1..10 minutes: the first four batches are older than the cut.
    const cut = clock.t - 5 * 60_000;
    expect(await trail.purge(cut, 'acc-alice')).toEqual({ removed: 12, done: true });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 30 - 12 + 1 });
  });
});
