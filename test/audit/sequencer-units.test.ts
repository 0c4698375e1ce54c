/**
 * What the sequencer spends in Forge's terms (issue 23: write units and transactions): a batch is
 * cut at the record that fills a write unit best, not at a marker's edge; the job consumer's lease
 * is released inside its last batch; a job that finds nothing pending takes no lease.
 */
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { sequenceAlone, sequencePendingAudit, type AuditEntry } from '../../src/core/audit';
import { HEAD_KEY, PENDING_PREFIX, SEQUENCER_LEASE_KEY } from '../../src/core/audit/keys';
import { STORE_LIMITS, StoreError, txPayloadBytes, type TxOp } from '../../src/core/ports/store';
import { pendingMarkers, rawRecords, setup } from './support';

const entry = (i: number, details: Record<string, unknown> = {}): AuditEntry => ({ actor: 'acc-bob', action: 'approval.submitted', spaceId: '1001', pageId: String(2000 + i), source: 'api', clientId: 'c', details: { n: i, ...details } });

/** Records every transaction that commits (and lets a test act once before the first head move). */
class TxLog extends StoreDecorator {
  committed: TxOp[][] = [];
  beforeFirstHead?: () => Promise<void>;
  override async transact(ops: TxOp[]): Promise<void> {
    const hook = ops.some((o) => o.key === HEAD_KEY) ? this.beforeFirstHead : undefined;
    if (hook) {
      this.beforeFirstHead = undefined;
      await hook();
    }
    await this.inner.transact(ops);
    this.committed.push(ops);
  }
  get heads(): TxOp[][] {
    return this.committed.filter((ops) => ops.some((o) => o.key === HEAD_KEY));
  }
}

const units = (ops: TxOp[]) => Math.max(1, Math.ceil(txPayloadBytes(ops) / STORE_LIMITS.writeUnitBytes));

describe('sequencer batches in write units', () => {
  it('cuts a marker at the record that fills a unit: 49 records of seven 7-record appends in 6 units, not 7, in append order', async () => {
    const memory = new MemoryStore();
    const log = new TxLog(memory);
    const { trail, clock } = setup(log);
    // ~1 KB a record: a unit holds 9 of them with the head, a link block and a marker's remainder, but only one whole
    // append of 7, and 22 ops hold only two appends (14 records, 2 units): cutting at markers spends 7 units on 49
    const filler = { text: 'x'.repeat(240) };
    for (let a = 0; a < 7; a++) await memory.transact(trail.prepareAppend(Array.from({ length: 7 }, (_, i) => entry(a * 7 + i, filler))));
    expect(await sequencePendingAudit({ store: log, clock })).toEqual({ sequenced: 49, remaining: 0 });
    expect(log.heads.reduce((n, ops) => n + units(ops), 0)).toBe(6);
    // a cut inside an append re-marks its other records under the first of them
    expect(log.heads.some((ops) => ops.some((o) => o.op === 'put' && o.key.startsWith(PENDING_PREFIX)))).toBe(true);
    expect(await pendingMarkers(memory)).toBe(0);
    expect((await rawRecords(memory)).map((r) => [r.seq, r.details.n])).toEqual(Array.from({ length: 49 }, (_, i) => [i + 1, i]));
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 49 });
  });
  it('a trail with a remainder pending verifies, lists and sequences like any other', async () => {
    const memory = new MemoryStore();
    const { trail, clock } = setup(memory);
    const filler = { text: 'x'.repeat(240) };
    for (let a = 0; a < 7; a++) await memory.transact(trail.prepareAppend(Array.from({ length: 7 }, (_, i) => entry(a * 7 + i, filler))));
    const firsts = new Set((await memory.query({ prefix: PENDING_PREFIX, limit: 100 })).items.map((m) => m.key));
    // the call loses the head race on its second batch (another sequencer moved it): it stops after the first
    const log = new TxLog(memory);
    log.beforeFirstHead = async () => {
      log.beforeFirstHead = async () => {
        throw new StoreError('CONDITION_FAILED', 'the head moved');
      };
    };
    expect(await sequencePendingAudit({ store: log, clock })).toMatchObject({ sequenced: 9 });
    // the first batch cut the second append: its rest is marked under a record that was not an append's first
    const markers = (await memory.query({ prefix: PENDING_PREFIX, limit: 100 })).items.map((m) => m.key);
    expect(markers.filter((key) => !firsts.has(key))).toHaveLength(1);
    const linked = 49 - (await rawRecords(memory)).filter((r) => r.seq === 0).length;
    expect(await trail.verify()).toMatchObject({ ok: true, checked: linked, unsequenced: { count: 49 - linked } });
    expect((await trail.list({}, { limit: 100 })).items).toHaveLength(49);
    await sequencePendingAudit({ store: memory, clock });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 49 });
  });

  it('links a marker it re-marked in the same call although a lagging index does not list the remainder yet', async () => {
    const memory = new MemoryStore();
    const { trail, clock } = setup(memory);
    const filler = { text: 'x'.repeat(240) };
    for (let a = 0; a < 3; a++) await memory.transact(trail.prepareAppend(Array.from({ length: 7 }, (_, i) => entry(a * 7 + i, filler))));
    // the appends are listed; what the sequencer writes from here on (a remainder's marker) is not, until settled
    const lagging = new EventualIndexStore(memory);
    const log = new TxLog(lagging);
    expect(await sequencePendingAudit({ store: log, clock })).toEqual({ sequenced: 21, remaining: 0 });
    expect(log.heads.some((ops) => ops.some((o) => o.op === 'put' && o.key.startsWith(PENDING_PREFIX)))).toBe(true);
    expect(await pendingMarkers(memory)).toBe(0);
    expect((await rawRecords(memory)).map((r) => r.details.n)).toEqual(Array.from({ length: 21 }, (_, i) => i));
  });

  it('links every pending record in one call although a lagging index still lists the markers it deleted', async () => {
    const memory = new MemoryStore();
    const { trail, clock } = setup(memory);
    // 30 one-record appends: 11 per batch, so the third batch's first page is the 22 markers the first two deleted
    for (let i = 0; i < 30; i++) await memory.transact(trail.prepareAppend([entry(i)]));
    const lagging = new EventualIndexStore(memory);
    expect(await sequencePendingAudit({ store: lagging, clock })).toEqual({ sequenced: 30, remaining: 0 });
    expect(await pendingMarkers(memory)).toBe(0);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 30 });
  });
});

describe('sequenceAlone in transactions', () => {
  it('releases its lease inside the batch that links the last record: two transactions for five records', async () => {
    const memory = new MemoryStore();
    const log = new TxLog(memory);
    const { trail, clock } = setup(log);
    for (let i = 0; i < 5; i++) await memory.transact(trail.prepareAppend([entry(i)]));
    expect(await sequenceAlone({ store: log, clock })).toEqual({ ran: true, sequenced: 5 });
    expect(log.committed).toHaveLength(2);
    expect(log.committed[1].filter((o) => o.key === SEQUENCER_LEASE_KEY)).toEqual([expect.objectContaining({ op: 'delete' })]);
    expect(await memory.get(SEQUENCER_LEASE_KEY)).toBeUndefined();
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 5 });
  });

  it('releases the lease alone when the last batch has no op to spare (25: two link blocks)', async () => {
    const memory = new MemoryStore();
    const log = new TxLog(memory);
    const { trail, clock } = setup(log);
    for (let i = 0; i < 95; i++) await memory.transact(trail.prepareAppend([entry(i)]));
    await sequencePendingAudit({ store: memory, clock });
    // 11 one-record appends: 11 rewrites + 11 marker deletes + blocks of seqs 96–100 and 101–106 + the head = 25 ops
    // ~1.75 KB records: 11 of them fill two write units best (5 would fill one), so only the op limit binds
    for (let i = 95; i < 106; i++) await memory.transact(trail.prepareAppend([entry(i, { text: 'x'.repeat(850) })]));
    expect(await sequenceAlone({ store: log, clock })).toEqual({ ran: true, sequenced: 11 });
    expect(log.heads.map((ops) => ops.length)).toEqual([STORE_LIMITS.maxTransactionOps]);
    expect(log.committed.at(-1)).toEqual([expect.objectContaining({ op: 'delete', key: SEQUENCER_LEASE_KEY })]);
    expect(await memory.get(SEQUENCER_LEASE_KEY)).toBeUndefined();
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 106 });
  });

  it('a holder whose lease lapsed and was taken links nothing and leaves the new holder’s lease', async () => {
    const memory = new MemoryStore();
    const log = new TxLog(memory);
    const { trail, clock } = setup(log);
    for (let i = 0; i < 3; i++) await memory.transact(trail.prepareAppend([entry(i)]));
    log.beforeFirstHead = async () => {
      // the holder stalled past its lease: another sequencer took it over
      const lapsed = await memory.get(SEQUENCER_LEASE_KEY);
      await memory.transact([{ op: 'put', key: SEQUENCER_LEASE_KEY, value: { until: clock.now() + 999_999 }, condition: { kind: 'version', version: lapsed!.version } }]);
    };
    expect(await sequenceAlone({ store: log, clock })).toEqual({ ran: true, sequenced: 0 });
    expect((await memory.get(SEQUENCER_LEASE_KEY))?.value).toEqual({ until: clock.now() + 999_999 });
    expect(await pendingMarkers(memory)).toBe(3);
    // the new holder (here: the sweep) links them
    expect(await sequencePendingAudit({ store: memory, clock })).toEqual({ sequenced: 3, remaining: 0 });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it('a damaged marker that stays listed costs one lease round, not three', async () => {
    const memory = new MemoryStore();
    const log = new TxLog(memory);
    const { clock } = setup(log);
    await memory.transact([{ op: 'put', key: `${PENDING_PREFIX}damaged`, value: { bogus: true }, condition: { kind: 'absent' } }]);
    expect(await sequenceAlone({ store: log, clock })).toEqual({ ran: true, sequenced: 0 });
    // the lease's put and its delete: verify reports the marker, no job can link it
    expect(log.committed.map((ops) => ops.map((o) => `${o.op} ${o.key}`))).toEqual([[`put ${SEQUENCER_LEASE_KEY}`], [`delete ${SEQUENCER_LEASE_KEY}`]]);
  });

  it('takes no lease when nothing is pending (a job whose records another run linked, or an index that lags)', async () => {
    const memory = new MemoryStore();
    const log = new TxLog(memory);
    const { clock } = setup(log);
    expect(await sequenceAlone({ store: log, clock })).toEqual({ ran: true, sequenced: 0 });
    expect(log.committed).toEqual([]);
  });
});
