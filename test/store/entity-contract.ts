/**
 * The entity half of the store contract (docs/store-contract.md "Entities"): every store runs it
 * from runStoreContract, against the app's real declarations (src/core/ports/entities.ts).
 */
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import type { EntityQuery, KeyValueStore, TxOp } from '../../src/core/ports/store';
import { expectStoreError } from './store-contract';

type Value = Record<string, unknown>;

const item = (sk: string, over: Value = {}): Value => ({
  sk,
  seq: 0,
  space: 'sp-1',
  page: 'pg-1',
  cs: '-',
  client: '-',
  actor: 'acc-a',
  action: 'page.submitted',
  source: 'ui',
  rec: { note: sk, nested: { list: [1, 'two'] } },
  ...over,
});

const put = (key: string, value: Value, extra: Partial<Extract<TxOp, { op: 'put' }>> = {}): TxOp => ({ op: 'put', key, value, entity: AUDIT_ENTITY, ...extra });

export function describeEntities(getStore: () => KeyValueStore): void {
  describe('entities', () => {
    const keysOf = async (query: Omit<EntityQuery, 'entity'>) => (await getStore().queryEntity({ entity: AUDIT_ENTITY, ...query })).items.map((i) => i.key);

    async function seed(): Promise<void> {
      await getStore().transact([
        put('k1', item('001')),
        put('k2', item('002', { space: 'sp-2' })),
        put('k3', item('003')),
        put('k4', item('010')),
        put('k5', item('011', { page: 'pg-2' })),
      ]);
    }

    it('stores an entity and reads it back unchanged; missing keys are absent', async () => {
      await getStore().transact([put('e1', item('100'))]);
      expect(await getStore().getEntities(AUDIT_ENTITY, ['e1', 'nope'])).toEqual([{ key: 'e1', value: item('100') }]);
    });

    it('queries one partition in range order, ascending and descending', async () => {
      await seed();
      expect(await keysOf({ index: 'by-space', partition: ['sp-1'] })).toEqual(['k1', 'k3', 'k4', 'k5']);
      expect(await keysOf({ index: 'by-space', partition: ['sp-1'], order: 'desc' })).toEqual(['k5', 'k4', 'k3', 'k1']);
      expect(await keysOf({ index: 'by-page', partition: ['pg-2'] })).toEqual(['k5']);
      expect(await keysOf({ index: 'by-space', partition: ['sp-9'] })).toEqual([]);
    });

    it('an index without partition holds every item', async () => {
      await seed();
      expect(await keysOf({ index: 'by-time', partition: [], order: 'desc' })).toEqual(['k5', 'k4', 'k3', 'k2', 'k1']);
    });

    it.each([
      [{ op: 'between', from: '002', to: '010' }, ['k3', 'k4']],
      [{ op: 'gt', value: '003' }, ['k4', 'k5']],
      [{ op: 'gte', value: '003' }, ['k3', 'k4', 'k5']],
      [{ op: 'lt', value: '003' }, ['k1']],
      [{ op: 'lte', value: '003' }, ['k1', 'k3']],
      [{ op: 'beginsWith', value: '01' }, ['k4', 'k5']],
    ] as const)('range condition %p', async (range, expected) => {
      await seed();
      expect(await keysOf({ index: 'by-space', partition: ['sp-1'], range })).toEqual(expected);
      expect(await keysOf({ index: 'by-space', partition: ['sp-1'], range, order: 'desc' })).toEqual([...expected].reverse());
    });

    it('pages with an opaque cursor in both orders, ties on the range value broken by key', async () => {
      const store = getStore();
      await store.transact(['a', 'b', 'c', 'd', 'e'].map((k, i) => put(`t-${k}`, item(i < 3 ? 'same' : `z${i}`))));
      for (const order of ['asc', 'desc'] as const) {
        const keys: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], order, limit: 2, cursor });
          keys.push(...page.items.map((i) => i.key));
          cursor = page.nextCursor;
        } while (cursor);
        const asc = ['t-a', 't-b', 't-c', 't-d', 't-e'];
        expect(keys).toEqual(order === 'asc' ? asc : asc.reverse());
      }
    });

    it('refuses a cursor made for another query', async () => {
      await getStore().transact([put('c1', item('1')), put('c2', item('2')), put('c3', item('3'))]);
      const page = await getStore().queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 1 });
      expect(page.nextCursor).toBeDefined();
      await expectStoreError(getStore().queryEntity({ entity: AUDIT_ENTITY, index: 'by-space', partition: ['sp-1'], limit: 1, cursor: page.nextCursor }), 'INVALID_CURSOR');
      await expectStoreError(getStore().queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 1, cursor: 'garbage' }), 'INVALID_CURSOR');
    });

    it('a rewrite moves the item between partitions and a delete removes it from every index', async () => {
      await seed();
      await getStore().transact([put('k1', item('001', { space: 'sp-2' })), { op: 'delete', key: 'k3', entity: AUDIT_ENTITY }]);
      expect(await keysOf({ index: 'by-space', partition: ['sp-1'] })).toEqual(['k4', 'k5']);
      expect(await keysOf({ index: 'by-space', partition: ['sp-2'] })).toEqual(['k1', 'k2']);
      expect(await keysOf({ index: 'by-time', partition: [] })).toEqual(['k1', 'k2', 'k4', 'k5']);
      expect(await getStore().getEntities(AUDIT_ENTITY, ['k3'])).toEqual([]);
    });

    it('entity and plain ops commit together or not at all', async () => {
      const store = getStore();
      await store.transact([put('x1', item('1')), { op: 'put', key: 'plain:a', value: 1 }]);
      // The plain condition fails: the entity put is not applied either.
      await expectStoreError(store.transact([put('x2', item('2')), { op: 'put', key: 'plain:a', value: 2, condition: { kind: 'absent' } }]), 'CONDITION_FAILED');
      expect(await store.getEntities(AUDIT_ENTITY, ['x2'])).toEqual([]);
      // The entity condition fails: the plain put is not applied either.
      await expectStoreError(store.transact([put('x1', item('9'), { condition: { kind: 'absent' } }), { op: 'put', key: 'plain:b', value: 1 }]), 'CONDITION_FAILED');
      expect(await store.get('plain:b')).toBeUndefined();
      expect((await store.getEntities(AUDIT_ENTITY, ['x1']))[0].value).toEqual(item('1'));
      await expectStoreError(store.transact([{ op: 'check', key: 'nope', entity: AUDIT_ENTITY, condition: { kind: 'exists' } }, { op: 'put', key: 'plain:c', value: 1 }]), 'CONDITION_FAILED');
      expect(await store.get('plain:c')).toBeUndefined();
      await store.transact([{ op: 'delete', key: 'x1', entity: AUDIT_ENTITY, condition: { kind: 'exists' } }]);
      expect(await store.getEntities(AUDIT_ENTITY, ['x1'])).toEqual([]);
    });

    it.each([
      ['an undeclared attribute', item('1', { extra: 'x' }), 'INVALID_VALUE'],
      ['a wrongly typed attribute', item('1', { space: 7 }), 'INVALID_VALUE'],
      ['an integer beyond 32 bits', item('1', { seq: 2 ** 31 }), 'INVALID_VALUE'],
      ['a fractional integer', item('1', { seq: 1.5 }), 'INVALID_VALUE'],
      ['a missing index attribute', item('1', { page: undefined }), 'INVALID_VALUE'],
      ['a range value over 900 bytes', item('r'.repeat(901)), 'VALUE_TOO_LARGE'],
      ['a partition value over 1,700 bytes', item('1', { actor: 'a'.repeat(1701) }), 'VALUE_TOO_LARGE'],
    ] as const)('refuses %s and writes nothing', async (_name, value, code) => {
      await expectStoreError(getStore().transact([put('bad', value), { op: 'put', key: 'plain:bad', value: 1 }]), code);
      expect(await getStore().getEntities(AUDIT_ENTITY, ['bad'])).toEqual([]);
      expect(await getStore().get('plain:bad')).toBeUndefined();
    });

    it('refuses unknown entities, version conditions, TTLs and a key used twice', async () => {
      const store = getStore();
      await expectStoreError(store.transact([{ op: 'put', key: 'u', value: item('1'), entity: 'af-nope' }]), 'INVALID_ENTITY');
      await expectStoreError(store.getEntities('af-nope', ['u']), 'INVALID_ENTITY');
      await expectStoreError(store.transact([put('u', item('1'), { condition: { kind: 'version', version: 1 } })]), 'INVALID_VALUE');
      await expectStoreError(store.transact([put('u', item('1'), { ttlSeconds: 60 })]), 'INVALID_VALUE');
      await expectStoreError(store.transact([put('u', item('1')), { op: 'put', key: 'u', value: 1 }]), 'DUPLICATE_KEY_IN_TRANSACTION');
      expect(await store.getEntities(AUDIT_ENTITY, ['u'])).toEqual([]);
    });

    it.each([
      ['an unknown entity', { entity: 'af-nope', index: 'by-time', partition: [] }, 'INVALID_ENTITY'],
      ['an unknown index', { entity: AUDIT_ENTITY, index: 'by-nope', partition: [] }, 'INVALID_QUERY'],
      ['a missing partition value', { entity: AUDIT_ENTITY, index: 'by-space', partition: [] }, 'INVALID_QUERY'],
      ['a wrongly typed partition value', { entity: AUDIT_ENTITY, index: 'by-space', partition: [3] }, 'INVALID_QUERY'],
      ['a wrongly typed range value', { entity: AUDIT_ENTITY, index: 'by-time', partition: [], range: { op: 'gt', value: 3 } }, 'INVALID_QUERY'],
      ['an unknown range condition', { entity: AUDIT_ENTITY, index: 'by-time', partition: [], range: { op: 'near', value: 'a' } }, 'INVALID_QUERY'],
      ['limit 0', { entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 0 }, 'INVALID_QUERY'],
      ['limit 101', { entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 101 }, 'INVALID_QUERY'],
    ] as const)('refuses a query with %s', async (_name, query, code) => {
      await expectStoreError(getStore().queryEntity(query as unknown as EntityQuery), code);
    });
  });
}
