/**
 * Section 7, the queue's "waiting for me" at scale (issue 23 item 5): 10,000 approvals pending in a
 * space, 10 of them waiting for the caller. Before the approver index "mine" paged the space's
 * pending approvals and filtered (200 pages of 50 to see all 10); now a page asks the index of each
 * (workflow, step) that names the caller. Counts are deterministic (CountingStore, the local site).
 * The 9,990 others are written as the engine writes a submitted approval (approvalRecordOps), copies
 * of one real submission, so setting up takes seconds rather than 10,000 submits.
 */
import { createLocalSite } from '../local/site';
import { localSeedWorkflows } from '../local/app';
import { RestConfluenceSite } from '../src/adapters/confluence/rest-confluence';
import { DEFAULT_PLATFORM_PROFILE } from '../src/adapters/platform-profile';
import { CountingStore } from '../src/adapters/store/counting-store';
import { MemoryStore } from '../src/adapters/store/memory-store';
import type { Job } from '../src/core/ports/jobs';
import type { TxOp } from '../src/core/ports/store';
import { createEngine, seedWorkflows, type EngineDeps } from '../src/core/services';
import { continueIndexBackfill, startIndexBackfill } from '../src/core/services/approvals/index-backfill';
import { approvalRecordOps } from '../src/core/services/approvals/stored';
import { createContext } from '../src/core/services/context';
import { BOB, CounterIds, ENG, record, seedWithExtraPages, uiCaller } from './support';

const DAVE = 'acc-dave';
const ERIN = 'acc-erin';
const ADMIN = 'acc-alice';
const PENDING = 10_000;
const MINE = 10;
const FIRST_PAGE = 20_001;
const PAGE = 50;

export async function mineAtScale(rows: (string | number)[][]): Promise<void> {
  const site = createLocalSite({ seed: seedWithExtraPages(PENDING, FIRST_PAGE) });
  // a second per submission, so the caller's 10 lie spread over the space's submission order
  const t0 = Date.now();
  let now = t0;
  const counting = new CountingStore(new MemoryStore());
  const ids = new CounterIds('m');
  const depsFor = (accountId: string): EngineDeps => ({
    store: counting,
    confluence: new RestConfluenceSite(site.transport(), { impersonation: DEFAULT_PLATFORM_PROFILE.apiRouteImpersonation, appUserIsConfluenceAdmin: DEFAULT_PLATFORM_PROFILE.appUserIsConfluenceAdmin, actingAccountId: accountId }),
    clock: { now: () => now },
    ids,
    jobs: { push: () => Promise.resolve() },
  });
  const engineAs = (accountId: string) => createEngine(depsFor(accountId), { log: () => undefined });
  await seedWorkflows(depsFor(ADMIN), localSeedWorkflows(Date.now()));
  const others = await engineAs(ADMIN).workflows.create(uiCaller(ADMIN), ENG, { name: 'Others', steps: [{ approvers: [ERIN], mode: 'any' }] });
  // the caller's 10 (wf-eng-review names DAVE), spread over the space's submission order
  const template = await engineAs(BOB).approvals.submitPage(uiCaller(BOB), String(FIRST_PAGE), others.id);
  let ops: TxOp[] = [];
  for (let i = 1; i < PENDING; i++) {
    const pageId = String(FIRST_PAGE + i);
    now = t0 + i * 1000;
    if (i % (PENDING / MINE) === PENDING / MINE - 1) {
      await engineAs(BOB).approvals.submitPage(uiCaller(BOB), pageId, 'wf-eng-review');
      continue;
    }
    ops.push(...approvalRecordOps({ ...template, id: ids.next('apr'), pageId, submittedAt: now }, { created: true }));
    if (ops.length === 25) {
      await counting.transact(ops);
      ops = [];
    }
  }
  if (ops.length > 0) await counting.transact(ops);
  const dave = engineAs(DAVE);

  // before: the back-fill has not run, so "mine" pages the space
  counting.reset();
  let cursor: string | undefined;
  let pages = 0;
  let seen = 0;
  do {
    const page = await dave.approvals.queue(uiCaller(DAVE), ENG, { mine: true, limit: PAGE, ...(cursor ? { cursor } : {}) });
    seen += page.items.length;
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor);
  if (seen !== MINE) throw new Error(`the old path found ${seen} of ${MINE}`);
  rows.push([`queue "mine", ${PENDING} pending, ${MINE} mine: old path (pages to see all →)`, PENDING, counting.counts.queryEntity, `${pages} pages`]);

  // the back-fill (nothing to rewrite here: every item carries its step), slice after slice
  const queued: Job[] = [];
  const ctx = { ...createContext(depsFor(ADMIN), () => undefined), jobs: { push: (jobs: Job[]) => Promise.resolve(void queued.push(...jobs)) } };
  await startIndexBackfill(ctx);
  while (queued.shift()) await continueIndexBackfill(ctx);

  counting.reset();
  site.resetCalls();
  const page = await dave.approvals.queue(uiCaller(DAVE), ENG, { mine: true, limit: PAGE });
  if (page.items.length !== MINE || page.nextCursor) throw new Error(`the index path answered ${page.items.length} items${page.nextCursor ? ' and a cursor' : ''}`);
  rows.push([`queue "mine", ${PENDING} pending, ${MINE} mine: approver index (one page; Confluence calls →)`, PENDING, counting.counts.queryEntity, site.calls.total]);
  record('queue.mineIndexQueriesPerPage', counting.counts.queryEntity);
}
