/**
 * Cost per operation (SPEC 8), counted by CountingStore and the local site's call counter. The
 * numbers are printed (for the report/benchmarks) and bounded by assertions so a regression to
 * per-page round trips fails the test.
 */
import { CountingStore } from '../../src/adapters/store/counting-store';
import type { StoreCounts } from '../../src/adapters/store/counting-store';
import { auditOpsFor } from '../../src/core/audit';
import type { Job } from '../../src/core/ports/jobs';
import { SUBMISSION_FOLLOW_UP_BATCH } from '../../src/core/ports/jobs';
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
  const jobs: Job[] = [];
  const queue = { push: (pushed: Job[]) => Promise.resolve(void jobs.push(...pushed)) };
  const env = await setup({ extraPages: 100, wrap: (s) => (counting = new CountingStore(s)), jobs: queue });
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
  const submitJobs = [...jobs];
  results.decision = await measure(env, counting, () => env.engine.approvals.decide(ui(CAROL), approvalId, 'approve'));
  results.pageStatus = await measure(env, counting, () => env.engine.approvals.pageStatus(ui(BOB), '4002'));

  const getPagesCalls = (r: (typeof results)[string]) => r.confluence['GET /wiki/api/v2/pages'] ?? 0;
  // reading a change set: 1 record read + ⌈200/25⌉ batched reads of each page's state and its
  // atomic-set pointer (SPEC 2.5a; no set approval to read when no page is pinned); one getPages call
  expect(results.readChangeSet.store).toMatchObject({ get: 1, getMany: 8, query: 0, transact: 0 });
  expect(getPagesCalls(results.readChangeSet)).toBe(1);
  // a list page: ONE query whatever the number of change sets, batched page states, one getPages
  expect(results.listPage20.store.query).toBe(1);
  expect(results.listPage20.store.get).toBe(0);
  expect(getPagesCalls(results.listPage20)).toBe(1);
  // preflight writes nothing, O(1) queries; pages read once as the caller and once as each of the
  // workflow's two approvers (their visibility), then only the caller's edit check per page
  expect(results.preflight100.store.transact).toBe(0);
  // (no query at all: the space's workflows are read by key from the ids its count key names, issue 23)
  expect(results.preflight100.store.query).toBe(0);
  expect(getPagesCalls(results.preflight100)).toBe(1 + 2);
  expect(results.preflight100.confluence.total - getPagesCalls(results.preflight100)).toBeLessThanOrEqual(100 + 2);
  // submit: pages in batches (at most one transaction per page) + the changeset.submitted record, one getPages
  expect(getPagesCalls(results.submit100)).toBe(1);
  expect(results.submit100.store.transact).toBeLessThanOrEqual(100 + 1);
  // per page: approval, page state, history and two pending indexes, its audit record and feed event; per batch the change set
  const submitted = { action: 'approval.submitted', details: {} } as const;
  const csSubmitted = { action: 'changeset.submitted', details: {} } as const;
  expect(results.submit100.store.writeOps).toBeLessThanOrEqual(100 * (5 + 1 + auditOpsFor([submitted])) + auditOpsFor([csSubmitted]));
  // no per-page re-read: at most the audit head once per transaction (the change set's version is carried on),
  // plus the space's Automation label bridge setting once per invocation (SPEC 3a)
  expect(results.submit100.store.get).toBeLessThanOrEqual(results.submit100.store.transact + 2);
  // getPages + edit checks, plus O(1) for the caller's view of the space; the comments are queued, not posted in the request
  expect(results.submit100.confluence.total).toBeLessThanOrEqual(1 + 100 + 2);
  // one follow-up job per SUBMISSION_FOLLOW_UP_BATCH pages (the first also sequences), not one per page
  // + ONE roll-up job for the set (SPEC 3a changeset.rollup_changed), not one per batch
  expect(submitJobs.filter((j) => j.kind === 'changeset.rollup')).toEqual([{ kind: 'changeset.rollup', pageIds: [], changeSetIds: [expect.any(String)] }]);
  expect(submitJobs.filter((j) => j.kind === 'submission.followUp')).toHaveLength(Math.ceil(100 / SUBMISSION_FOLLOW_UP_BATCH));
  expect(submitJobs.flatMap((j) => (j.kind === 'submission.followUp' ? j.approvalIds : []))).toHaveLength(100);
  // a decision: O(1) everything
  expect(results.decision.store.transact).toBe(1);
  expect(results.decision.store.get + results.decision.store.getMany).toBeLessThanOrEqual(4);
  // one Confluence call: the decider's view of the page (an approval on a page they cannot view answers as a
  // missing one, audit A#5); the reply comment is queued in the decision's transaction, not posted in the request
  expect(results.decision.confluence.total).toBe(1);
  expect(jobs.filter((j) => j.kind === 'notify.comment')).toHaveLength(1);
  expect(results.pageStatus.store.get + results.pageStatus.store.getMany).toBeLessThanOrEqual(2);
});
