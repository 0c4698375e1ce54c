/**
 * The job consumer's sequencer runs one at a time (issue 23): a held lease makes a job give way
 * without touching the chain head, a burst of jobs never races on `audit:head`, a crashed holder's
 * lease lapses, and records committed while the holder ran are linked before it leaves.
 */
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { SEQUENCER_LEASE_MS, sequenceAlone, type AuditEntry } from '../../src/core/audit';
import { HEAD_KEY, SEQUENCER_LEASE_KEY } from '../../src/core/audit/keys';
import type { TxOp } from '../../src/core/ports/store';
import { pendingMarkers, rawRecords, setup } from './support';

const entry = (i: number): AuditEntry => ({ actor: 'acc-bob', action: 'approval.submitted', spaceId: '1001', pageId: String(2000 + i), source: 'api', clientId: 'c', details: {} });

/** Counts transactions that move the chain head, and how many of them Forge-like conditions refused. */
class HeadTx extends StoreDecorator {
  tried = 0;
  failed = 0;
  /** runs once before the first head transaction commits (a commit racing the holder) */
  beforeFirstHead?: () => Promise<void>;
  override async transact(ops: TxOp[]): Promise<void> {
    if (!ops.some((o) => o.key === HEAD_KEY)) return this.inner.transact(ops);
    this.tried += 1;
    const hook = this.beforeFirstHead;
    this.beforeFirstHead = undefined;
    if (hook) await hook();
    try {
      await this.inner.transact(ops);
    } catch (error) {
      this.failed += 1;
      throw error;
    }
  }
}

describe('sequenceAlone', () => {
  it('a burst of 30 jobs links every record with no head transaction refused, and leaves no lease behind', async () => {
    const memory = new MemoryStore();
    const store = new HeadTx(memory);
    const { trail, clock } = setup(store);
    for (let i = 0; i < 30; i++) await store.transact(trail.prepareAppend([entry(i)]));
    const results = await Promise.all(Array.from({ length: 30 }, () => sequenceAlone({ store, clock })));
    expect(store.failed).toBe(0);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    expect(results.reduce((n, r) => n + r.sequenced, 0)).toBe(30);
    expect(await pendingMarkers(memory)).toBe(0);
    expect(await memory.get(SEQUENCER_LEASE_KEY)).toBeUndefined();
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 30 });
  });

  it('gives way to a live lease without touching the head; runs once a crashed holder’s lease has lapsed', async () => {
    const memory = new MemoryStore();
    const store = new HeadTx(memory);
    const { trail, clock } = setup(store);
    await store.transact(trail.prepareAppend([entry(1)]));
    // a holder that crashed mid-run: its lease stays until it lapses
    await memory.transact([{ op: 'put', key: SEQUENCER_LEASE_KEY, value: { until: clock.now() + SEQUENCER_LEASE_MS }, condition: { kind: 'absent' } }]);
    expect(await sequenceAlone({ store, clock })).toEqual({ ran: false, sequenced: 0 });
    expect(store.tried).toBe(0);
    expect(await pendingMarkers(memory)).toBe(1);
    clock.t += SEQUENCER_LEASE_MS + 1;
    expect(await sequenceAlone({ store, clock })).toEqual({ ran: true, sequenced: 1 });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 1 });
  });

  it('links a record committed while it held the lease, whose own job gave way', async () => {
    const memory = new MemoryStore();
    const store = new HeadTx(memory);
    const { trail, clock } = setup(store);
    await store.transact(trail.prepareAppend([entry(1)]));
    let lateJob: Promise<{ ran: boolean; sequenced: number }> | undefined;
    store.beforeFirstHead = async () => {
      // another request commits now, and its job runs while the lease is held
      await memory.transact(trail.prepareAppend([entry(2)]));
      lateJob = sequenceAlone({ store, clock });
      await lateJob;
    };
    const holder = await sequenceAlone({ store, clock });
    expect(await lateJob).toEqual({ ran: false, sequenced: 0 });
    expect(holder).toEqual({ ran: true, sequenced: 2 });
    expect(await pendingMarkers(memory)).toBe(0);
    expect((await rawRecords(memory)).map((r) => r.seq)).toEqual([1, 2]);
  });
});
