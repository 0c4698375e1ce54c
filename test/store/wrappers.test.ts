import { CountingStore } from '../../src/adapters/store/counting-store';
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { FaultyStore } from '../../src/adapters/store/faulty-store';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { expectStoreError, runStoreContract } from './store-contract';

// Both wrappers must be transparent when they are not injecting anything.
runStoreContract('CountingStore(MemoryStore)', ({ clock }) => new CountingStore(new MemoryStore({ clock })));
// with no lag it reads like its inner store: the contract's query rules hold through it (its lag: eventual-index-store.test.ts)
runStoreContract('EventualIndexStore(MemoryStore) with no lag', ({ clock }) => new EventualIndexStore(new MemoryStore({ clock }), { clock, lagMs: 0 }));
runStoreContract('FaultyStore(MemoryStore) past its failure', ({ clock }) => new FaultyStore(new MemoryStore({ clock }), { failAtWrite: 1_000_000 }));

describe('CountingStore', () => {
  it('counts each call and the write operations, including failed calls, until reset', async () => {
    const store = new CountingStore(new MemoryStore());
    await store.transact([
      { op: 'put', key: 'c:a', value: 1 },
      { op: 'put', key: 'c:b', value: 2 },
      { op: 'check', key: 'c:z', condition: { kind: 'absent' } },
    ]);
    await store.transact([{ op: 'delete', key: 'c:b' }]);
    await expectStoreError(store.transact([{ op: 'put', key: 'c:a', value: 3, condition: { kind: 'absent' } }]), 'CONDITION_FAILED');
    await store.get('c:a');
    await store.get('c:missing');
    await store.getMany(['c:a', 'c:b', 'c:c']);
    await store.query({ prefix: 'c:' });
    await store.getEntities('af-audit', ['e1']);
    await store.queryEntity({ entity: 'af-audit', index: 'by-time', partition: [] });
    expect(store.counts).toEqual({ get: 2, getMany: 1, getManyKeys: 3, query: 1, getEntities: 1, queryEntity: 1, transact: 3, writeOps: 4 });
    store.reset();
    expect(store.counts).toEqual({ get: 0, getMany: 0, getManyKeys: 0, query: 0, getEntities: 0, queryEntity: 0, transact: 0, writeOps: 0 });
    await store.get('c:a');
    expect(store.counts.get).toBe(1);
  });
});

describe('FaultyStore', () => {
  it('fails the k-th transaction without applying it, and passes every other call', async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner, { failAtWrite: 2 });
    await store.transact([{ op: 'put', key: 'f:1', value: 1 }]);
    const error = await expectStoreError(store.transact([{ op: 'put', key: 'f:2', value: 2 }]), 'UNAVAILABLE');
    expect(error.message).toMatch(/#2/);
    expect(await inner.get('f:2')).toBeUndefined();
    await store.transact([{ op: 'put', key: 'f:3', value: 3 }]);
    expect((await store.getMany(['f:1', 'f:2', 'f:3'])).map((item) => item.key)).toEqual(['f:1', 'f:3']);
    expect(store.transactCalls).toBe(3);
  });

  it('after-apply mode applies the k-th transaction and then reports it failed (a lost reply)', async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner, { failAtWrite: 1, mode: 'after-apply' });
    await expectStoreError(store.transact([{ op: 'put', key: 'f:lost', value: 'applied' }]), 'UNAVAILABLE');
    expect(await inner.get('f:lost')).toEqual({ key: 'f:lost', value: 'applied', version: 1 });
    await store.transact([{ op: 'put', key: 'f:lost', value: 'again', condition: { kind: 'version', version: 1 } }]);
    expect((await inner.get('f:lost'))?.version).toBe(2);
  });

  it('after-apply mode passes on the real error when the transaction itself fails', async () => {
    const inner = new MemoryStore();
    await inner.transact([{ op: 'put', key: 'f:x', value: 1 }]);
    const store = new FaultyStore(inner, { failAtWrite: 1, mode: 'after-apply' });
    await expectStoreError(store.transact([{ op: 'put', key: 'f:x', value: 2, condition: { kind: 'absent' } }]), 'CONDITION_FAILED');
  });

  it('refuses a failAtWrite that is not a positive integer', () => {
    expect(() => new FaultyStore(new MemoryStore(), { failAtWrite: 0 })).toThrow(RangeError);
  });
});
