/** runAuditRetention: one chunk of the scheduled retention job (SPEC 2.10), resumable until done. */
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { runAuditRetention } from '../../src/core/audit';
import { randomEntry, rawRecords, rng, sequenceAll, setup } from './support';

const DAY = 86_400_000;

async function yearsOfRecords(days: number, perDay: number) {
  const store = new MemoryStore();
  const env = setup(store);
  const random = rng(13);
  const start = env.clock.t;
  for (let d = 0; d < days; d++) {
    env.clock.t = start + d * DAY;
    for (let i = 0; i < perDay; i += 3) await store.transact(env.trail.prepareAppend([0, 1, 2].slice(0, perDay - i).map(() => randomEntry(random))));
  }
  await sequenceAll(env.trail);
  return { ...env, start };
}

describe('runAuditRetention', () => {
  it('keeps 365 days by default, in chunks, leaving one purge record and a verifying chain', async () => {
    const { store, trail, clock, start } = await yearsOfRecords(400, 3); // 1,200 records over 400 days
    clock.t = start + 400 * DAY;
    const before = clock.t - 365 * DAY;
    const expectedGone = (await rawRecords(store)).filter((r) => r.at < before).length;
    expect(expectedGone).toBe(35 * 3);

    const first = await runAuditRetention(trail, { now: clock.t, maxDeletes: 40 });
    expect(first).toEqual({ purged: true, removed: 40, done: false });
    expect(await trail.verify()).toMatchObject({ ok: true });

    const runs = [];
    for (let i = 0; i < 10; i++) {
      const run = await runAuditRetention(trail, { now: clock.t, maxDeletes: 40 });
      runs.push(run);
      if (run.done) break;
    }
    expect(runs).toEqual([
      { purged: false, removed: 40, done: false },
      { purged: false, removed: 25, done: true },
    ]);
    const left = await rawRecords(store);
    expect(left.every((r) => r.at >= before)).toBe(true);
    expect(left.filter((r) => r.action === 'audit.purged')).toEqual([
      expect.objectContaining({ actor: 'system', details: expect.objectContaining({ before, records: expectedGone }) }),
    ]);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 1200 - expectedGone + 1 });

    // Nothing is due: no new purge record.
    expect(await runAuditRetention(trail, { now: clock.t, maxDeletes: 40 })).toEqual({ purged: false, removed: 0, done: true });
    expect((await rawRecords(store)).filter((r) => r.action === 'audit.purged')).toHaveLength(1);
  });

  it('honours a longer window set by an admin and refuses a shorter one', async () => {
    const { store, trail, clock, start } = await yearsOfRecords(400, 1);
    clock.t = start + 400 * DAY;
    expect(await runAuditRetention(trail, { now: clock.t, retentionDays: 390, actor: 'acc-alice' })).toEqual({ purged: true, removed: 10, done: true });
    expect((await rawRecords(store))[0].at).toBe(clock.t - 390 * DAY);
    await expect(runAuditRetention(trail, { now: clock.t, retentionDays: 364 })).rejects.toMatchObject({ code: 'INVALID_RETENTION' });
    expect(await trail.verify()).toMatchObject({ ok: true });
  });
});

describe('purge next to concurrent writers', () => {
  it('an append racing the purge does not make it retry (only purges contend, for the checkpoint), and the chain verifies', async () => {
    const { store, trail, clock, start } = await yearsOfRecords(30, 3);
    clock.t = start + 40 * DAY;
    const commit = store.transact.bind(store);
    let purgeCommits = 0;
    // Another writer appends just before the purge's commit.
    store.transact = async (ops) => {
      if (ops.some((op) => op.key === 'audit:checkpoint') && ++purgeCommits === 1) {
        await commit(trail.prepareAppend([{ actor: 'acc-bob', action: 'access.denied', spaceId: '1001', source: 'ui', details: {} }]));
      }
      return commit(ops);
    };
    expect(await trail.purge(start + 10 * DAY, 'acc-alice')).toEqual({ removed: 30, done: true });
    expect(purgeCommits).toBe(1);
    const records = await rawRecords(store);
    expect(records.slice(-2).map((r) => [r.actor, r.action]).sort()).toEqual([
      ['acc-alice', 'audit.purged'],
      ['acc-bob', 'access.denied'],
    ]);
    await sequenceAll(trail);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 90 - 30 + 2 });
  });

  it('two concurrent purges: one checkpoint wins, the other retries on it, and the chain verifies', async () => {
    const { trail, clock, start } = await yearsOfRecords(30, 3);
    clock.t = start + 40 * DAY;
    const [a, b] = await Promise.all([trail.purge(start + 10 * DAY, 'acc-alice'), trail.purge(start + 10 * DAY, 'acc-bob')]);
    expect(a.removed + b.removed).toBe(30);
    await sequenceAll(trail);
    expect(await trail.verify()).toMatchObject({ ok: true });
  });
});
