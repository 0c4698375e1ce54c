/** MemoryStore's ordered key index must behave exactly like a sorted array, across chunk splits and merges. */
import fc from 'fast-check';
import { SortedKeys } from '../../src/adapters/store/sorted-keys';

const key = fc.stringMatching(/^[a-d]{0,4}$/);
const op = fc.oneof(fc.record({ insert: key }), fc.record({ remove: key }));

it('matches a sorted array for any sequence of inserts and removes, in both walk directions', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 3000 }), key, (ops, from) => {
      const keys = new SortedKeys();
      const model = new Set<string>();
      for (const o of ops) {
        if ('insert' in o) {
          keys.insert(o.insert);
          model.add(o.insert);
        } else {
          keys.remove(o.remove);
          model.delete(o.remove);
        }
      }
      const sorted = [...model].sort();
      expect([...keys.ascending('')]).toEqual(sorted);
      expect([...keys.ascending(from)]).toEqual(sorted.filter((k) => k >= from));
      expect([...keys.ascending(from, true)]).toEqual(sorted.filter((k) => k > from));
      expect([...keys.descending(from)]).toEqual(sorted.filter((k) => k < from).reverse());
    }),
    { numRuns: 60 },
  );
});

it('splits into chunks without losing order (more keys than one chunk holds)', () => {
  const keys = new SortedKeys();
  const all = Array.from({ length: 5000 }, (_, i) => `k${String((i * 7919) % 5000).padStart(5, '0')}`);
  for (const k of all) keys.insert(k);
  expect([...keys.ascending('')]).toEqual([...all].sort());
  for (const k of all.slice(0, 4990)) keys.remove(k);
  expect([...keys.descending('\uffff')]).toEqual([...all.slice(4990)].sort().reverse());
});
