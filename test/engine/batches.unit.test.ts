/**
 * Change-set submit batching: as many pages per transaction as fit Forge's 25-op limit, sized with
 * the audit trail's own op count (never a literal), a page alone always in a batch of its own.
 */
import { MAX_AUDIT_ENTRIES, auditOpsFor } from '../../src/core/audit';
import { STORE_LIMITS } from '../../src/core/ports/store';
import type { TxOp } from '../../src/core/ports/store';
import type { AuditEntry } from '../../src/core/audit';
import { batchBytes, batchOps, cutBatches, joins } from '../../src/core/services/changesets/batches';

const entry = { actor: 'a', action: 'approval.submitted', spaceId: 's', source: 'ui', details: {} } as AuditEntry;
/** A page's share: `ops` page ops, `entries` audit entries and its space's assignment epoch check (one per batch and space). */
const page = (ops: number, entries = 1, spaceId = 's') => ({
  ops: Array.from({ length: ops }, (_, i): TxOp => ({ op: 'put', key: `k${i}`, value: 1 })),
  epoch: { op: 'check', key: `assign-epoch:${spaceId}`, condition: { kind: 'absent' } } satisfies TxOp,
  entries: Array(entries).fill(entry) as AuditEntry[],
});

describe('cutBatches', () => {
  it('puts several pages in one transaction when the audit is cheap (2 ops per entry)', () => {
    const cheapAudit = (entries: AuditEntry[]) => 2 * entries.length;
    const batches = cutBatches(Array.from({ length: 10 }, () => page(5)), cheapAudit);
    // 5 page ops + 2 audit ops per page, + the change-set and the epoch check per batch: 3 pages = 23 ops, 4 = 30
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    for (const b of batches) expect(batchOps(b, cheapAudit)).toBeLessThanOrEqual(STORE_LIMITS.maxTransactionOps);
  });

  it('counts every audit entry of a page (a first submission that also records the assignment has two)', () => {
    const cheapAudit = (entries: AuditEntry[]) => 2 * entries.length;
    const batches = cutBatches([page(6, 2), page(6, 2), page(6, 1)], cheapAudit);
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
    expect(batchOps(batches[0], cheapAudit)).toBe(6 + 6 + 1 + 1 + 8);
  });

  it('counts one pending-count op (its own shard) for each workflow its pages enter', () => {
    const cheapAudit = (entries: AuditEntry[]) => 2 * entries.length;
    const under = (workflowId: string) => ({ ...page(5), approval: { workflowId } });
    const batches = cutBatches([under('wf-a'), under('wf-b'), under('wf-a'), under('wf-b')], cheapAudit);
    // three pages of two workflows: 15 page ops + 6 audit ops + 1 change-set check + 1 epoch check + 2 pending ops = 25; a fourth page is 32
    expect(batches.map((b) => b.length)).toEqual([3, 1]);
    expect(batchOps(batches[0], cheapAudit)).toBe(15 + 6 + 1 + 1 + 2);
  });

  it('checks the assignment epoch once per space of its pages, not once per page', () => {
    const cheapAudit = (entries: AuditEntry[]) => 2 * entries.length;
    expect(batchOps([page(3), page(3), page(3)], cheapAudit)).toBe(9 + 6 + 1 + 1);
    expect(batchOps([page(3, 1, 'a'), page(3, 1, 'b'), page(3, 1, 'a')], cheapAudit)).toBe(9 + 6 + 1 + 2);
  });

  it('sizes batches with the audit trail as it is (auditOpsFor), never over the limit', () => {
    const plans = Array.from({ length: 7 }, (_, i) => page(5 + (i % 2)));
    const batches = cutBatches(plans);
    expect(batches.flat()).toHaveLength(7);
    for (const b of batches) expect(batchOps(b)).toBe(b.reduce((n, p) => n + p.ops.length, 0) + 2 + auditOpsFor(b.flatMap((p) => p.entries)));
    for (const b of batches) expect(batchOps(b)).toBeLessThanOrEqual(STORE_LIMITS.maxTransactionOps);
    // each batch is full: the next page would not have fitted
    batches.slice(0, -1).forEach((b, i) => expect(batchOps([...b, batches[i + 1][0]])).toBeGreaterThan(STORE_LIMITS.maxTransactionOps));
  });

  it('takes the longest batch within a fifth of the fewest write units per page: the same units in fewer transactions', () => {
    const UNIT = STORE_LIMITS.writeUnitBytes;
    const cheapAudit = (entries: AuditEntry[]) => 2 * entries.length;
    const units = (b: ReturnType<typeof large>[]) => Math.ceil(batchBytes(b) / UNIT);
    // ~3.7 KB pages with their audit: 2 fit one unit, 5 fit two, 6 and 7 need three
    const large = () => ({ ...page(1), ops: [{ op: 'put', key: 'big', value: 'x'.repeat(2600) } satisfies TxOp] });
    const plans = Array.from({ length: 7 }, large);
    expect([units(plans.slice(0, 2)), units(plans.slice(0, 3)), units(plans.slice(0, 5)), units(plans.slice(0, 7))]).toEqual([1, 2, 2, 3]);
    // 5 in 2 units is the fewest a page (0.4); 7 in 3 (0.43) is within a fifth of it: one transaction of 3 units, not 5 + 2 in 2 + 1
    expect(cutBatches(plans, cheapAudit).map((b) => b.length)).toEqual([7]);
    // 3 pages: 2 in 1 unit (0.5) saves more than a fifth over 3 in 2 (0.67): the shorter batch is cut
    expect(cutBatches(plans.slice(0, 3), cheapAudit).map((b) => b.length)).toEqual([2, 1]);
    for (const b of cutBatches(plans, cheapAudit)) expect(batchOps(b, cheapAudit)).toBeLessThanOrEqual(STORE_LIMITS.maxTransactionOps);
  });
});

describe('joins (the submit\'s closing write in the last batch\'s transaction)', () => {
  const closing = (bytes = 100, entries = 1) => ({ ops: [{ op: 'put', key: 'idem:k', value: 'x'.repeat(bytes) } satisfies TxOp], entries: Array(entries).fill(entry) as AuditEntry[] });

  it('joins when the ops fit, counting its entries in the batch\'s one append', () => {
    const plans = [page(3), page(3)];
    expect(batchOps(plans, auditOpsFor, closing())).toBe(batchOps(plans) + 1 + 1);
    expect(joins(plans, closing())).toBe(true);
  });

  it('not over 25 ops', () => {
    const plans = [page(10), page(9)];
    expect(batchOps(plans)).toBeLessThanOrEqual(STORE_LIMITS.maxTransactionOps);
    expect(batchOps(plans, auditOpsFor, closing())).toBeGreaterThan(STORE_LIMITS.maxTransactionOps);
    expect(joins(plans, closing())).toBe(false);
  });

  it('not past the audit entries one append holds', () => {
    const plans = [page(1, MAX_AUDIT_ENTRIES)];
    expect(batchOps(plans, auditOpsFor, closing())).toBeLessThanOrEqual(STORE_LIMITS.maxTransactionOps);
    expect(joins(plans, closing())).toBe(false);
  });

  it('joins whatever its bytes: ceil(a + b) ≤ ceil(a) + ceil(b), so joining never costs more write units than the closing write alone, and saves a transaction', () => {
    const plans = [page(3)];
    const large = closing(STORE_LIMITS.writeUnitBytes);
    expect(batchOps(plans, auditOpsFor, large)).toBeLessThanOrEqual(STORE_LIMITS.maxTransactionOps);
    expect(joins(plans, large)).toBe(true);
  });
});
