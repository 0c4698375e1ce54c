/**
 * Cost per operation (SPEC 8), counted by CountingStore and the local site's call counter. The
 * numbers are printed (for the report/benchmarks) and bounded by assertions so a regression to
 * per-page round trips fails the test.
 */
import { CountingStore } from '../../src/adapters/store/counting-store';
import type { StoreCounts } from '../../src/adapters/store/counting-store';
import { BOB, CAROL, ENG, api, setup, ui } from './helpers';
import type { TestEnv } from './helpers';

const PAGES = Array.from({ length: 100 }, (_, i) => ({ pageId: String(4001 + i) }));

async function measure(env: TestEnv, counting: CountingStore, fn: () => Promise<unknown>): Promise<{ store: StoreCounts; confluence: Record<string, number> }> {
  counting.reset();
  env.site.resetCalls();
  await fn();
  return { store: { ...counting.counts }, confluence: { total: env.site.calls.total, ...env.site.calls.byEndpoint } };
}

test('store operations and Confluence calls per operation (100-page change set)', async () => {
  let counting!: CountingStore;
  const env = await setup({ extraPages: 100, wrap: (s) => (counting = new CountingStore(s)) });
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Big PR', pageRefs: PAGES });
  for (let i = 0; i < 19; i++) await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: `PR ${i}`, pageRefs: PAGES.slice(i * 5, i * 5 + 5) });

  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  results.readChangeSet = await measure(env, counting, () => env.engine.changeSets.get(api(BOB), cs.id));
  results.listPage20 = await measure(env, counting, () => env.engine.changeSets.list(api(BOB), { spaceId: ENG, limit: 20 }));
  results.preflight100 = await measure(env, counting, () => env.engine.changeSets.preflight(api(BOB), cs.id));
  let approvalId = '';
  results.submit100 = await measure(env, counting, async () => {
    const r = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(r.submittedCount).toBe(100);
    approvalId = r.results[0].approvalId!;
  });
  results.decision = await measure(env, counting, () => env.engine.approvals.decide(ui(CAROL), approvalId, 'approve'));
  results.pageStatus = await measure(env, counting, () => env.engine.approvals.pageStatus(ui(BOB), '4002'));

  const getPagesCalls = (r: (typeof results)[string]) => r.confluence['GET /wiki/api/v2/pages'] ?? 0;
  // reading a change set: 1 record read + ⌈100/25⌉ batched page-state reads; one getPages call
  expect(results.readChangeSet.store).toMatchObject({ get: 1, getMany: 4, query: 0, transact: 0 });
  expect(getPagesCalls(results.readChangeSet)).toBe(1);
  // a list page: ONE query whatever the number of change sets, batched page states, one getPages
  expect(results.listPage20.store.query).toBe(1);
  expect(results.listPage20.store.get).toBe(0);
  expect(getPagesCalls(results.listPage20)).toBe(1);
  // preflight writes nothing, one getPages, O(1) queries
  expect(results.preflight100.store.transact).toBe(0);
  expect(results.preflight100.store.query).toBe(1);
  expect(getPagesCalls(results.preflight100)).toBe(1);
  // submit: one transaction per page (+ the change-set record + notification refs), one getPages
  expect(getPagesCalls(results.submit100)).toBe(1);
  expect(results.submit100.store.transact).toBeLessThanOrEqual(100 + 1 + 4);
  // each page commit hands the audit head and change-set versions to the next: no per-page re-read
  expect(results.submit100.store.get).toBeLessThanOrEqual(3);
  // getPages + edit checks + comments, plus O(1) for the caller's view of the space (permissions list + group lookup)
  expect(results.submit100.confluence.total).toBeLessThanOrEqual(1 + 100 + 100 + 2);
  // a decision: O(1) everything
  expect(results.decision.store.transact).toBe(1);
  expect(results.decision.store.get + results.decision.store.getMany).toBeLessThanOrEqual(4);
  expect(results.decision.confluence.total).toBe(1); // the reply comment
  expect(results.pageStatus.store.get + results.pageStatus.store.getMany).toBeLessThanOrEqual(2);
});
