/**
 * Which pending-count shard a single page submit writes (issue 23): pages created one after another
 * must not share one, or their parallel submits refuse each other's transaction.
 */
import { PENDING_SHARDS, pageShard } from '../../src/core/domain/page-shard';

it('127 consecutive page ids take 127 different shards, never the guard (shard 0)', () => {
  const shards = Array.from({ length: PENDING_SHARDS - 1 }, (_, i) => pageShard(String(98_304_001 + i)));
  expect(new Set(shards).size).toBe(PENDING_SHARDS - 1);
  expect(Math.min(...shards)).toBe(1);
  expect(Math.max(...shards)).toBe(PENDING_SHARDS - 1);
});

it('pages 43 ids apart take different shards (the digit hash put 5001 and 5044 together)', () => {
  expect(pageShard('5044')).not.toBe(pageShard('5001'));
});

it('an id longer than a safe integer and a non-numeric id still map to a counting shard, the same one every time', () => {
  for (const id of ['123456789012345678901234567890', 'page-abc']) {
    expect(pageShard(id)).toBeGreaterThanOrEqual(1);
    expect(pageShard(id)).toBeLessThan(PENDING_SHARDS);
    expect(pageShard(id)).toBe(pageShard(id));
  }
});
