/**
 * Section 5 (issue 11): what one daily lifecycle run costs, with nothing due and with 1,000 pages
 * due for review: store calls (CountingStore), Confluence calls (the local site's counter) and wall
 * time on the embedded store. From the per-chunk cost it extrapolates what one Forge invocation can
 * do (docs/lifecycle.md "A 100k-page site").
 */
import { performance } from 'node:perf_hooks';
import { createLocalSite } from '../local/site';
import { RestConfluenceSite } from '../src/adapters/confluence/rest-confluence';
import { CountingStore } from '../src/adapters/store/counting-store';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { runDailyJob } from '../src/core/lifecycle/daily-job';
import type { JobResult } from '../src/core/lifecycle/daily-job';
import { DAY_MS } from '../src/core/domain/time';
import { RUN_BUDGET_MS } from '../src/transport/scheduled/lifecycle';
import { createEngine, seedWorkflows } from '../src/core/services';
import { createContext } from '../src/core/services/context';
import type { Workflow } from '../src/core/domain/model';
import type { BenchOptions } from './support';
import { BOB, CAROL, CounterIds, ENG, heading, pageRefs, seedWithExtraPages, table, uiCaller } from './support';

const FIRST = 4001;
const STORE_MS = 100;
const COMMENT_MS = 500;

function recertWorkflow(now: number): Workflow {
  return {
    id: 'wf-bench-recert', spaceId: ENG, name: 'Bench recertification', enabled: true, owners: [], allowSelfApproval: false,
    steps: [{ approvers: [CAROL], mode: 'any' }], reviewPeriodDays: 90, reminderWindowDays: 14,
    createdAt: now, createdBy: 'system', updatedAt: now, updatedBy: 'system', version: 1,
  };
}

export async function runLifecycle(options: BenchOptions): Promise<void> {
  const pages = options.quick ? 200 : 1000;
  heading(`5. Daily lifecycle run: nothing due vs ${pages} pages due (issue 11)`);
  let now = Date.UTC(2026, 0, 5, 9);
  const clock = { now: () => now };
  const site = createLocalSite({ now: () => new Date(now), seed: seedWithExtraPages(pages, FIRST) });
  const base = new MemoryStore();
  const counting = new CountingStore(base);
  const deps = { store: counting, confluence: new RestConfluenceSite(site.transport()), clock, ids: new CounterIds('l') };
  await seedWorkflows({ ...deps, store: base }, [recertWorkflow(now)]);
  const engine = createEngine(deps, { log: () => undefined });
  for (const { pageId } of pageRefs(FIRST, pages)) {
    const approval = await engine.approvals.submitPage(uiCaller(BOB), pageId, 'wf-bench-recert');
    await engine.approvals.decide(uiCaller(CAROL), approval.id, 'approve');
  }
  const ctx = createContext(deps, () => undefined);

  const measure = async (label: string): Promise<(string | number)[]> => {
    counting.reset();
    site.resetCalls();
    const t0 = performance.now();
    const result: JobResult = await runDailyJob.execute(ctx, { deadline: now + 600_000 });
    const ms = performance.now() - t0;
    const c = counting.counts;
    const comments = site.calls.byEndpoint['POST /wiki/api/v2/footer-comments'] ?? 0;
    return [label, result.processed, c.get, c.getMany, c.query, c.transact, c.writeOps, site.calls.total, comments, ms.toFixed(0)];
  };

  const rows: (string | number)[][] = [['run', 'processed', 'get', 'getMany', 'query', 'tx', 'writes', 'Confluence calls', 'comments', 'ms']];
  now += 10 * DAY_MS;
  rows.push(await measure('day 10: nothing due'));
  now += 67 * DAY_MS;
  rows.push(await measure(`day 77: ${pages} due`));
  rows.push(await measure('day 77 again: repeated run'));
  console.log(table(rows));
  const due = rows[2];
  const storeCalls = Number(due[2]) + Number(due[3]) + Number(due[4]) + Number(due[5]);
  // Forge: store calls are sequential (each task appends to the one audit chain); comments go 10 at a time
  const forgeMsPerPage = (storeCalls / pages) * STORE_MS + COMMENT_MS / 10;
  console.log(
    `\nPer due page: ${(storeCalls / pages).toFixed(2)} store calls (${(Number(due[5]) / pages).toFixed(2)} transactions), ` +
      `${(Number(due[7]) / pages).toFixed(2)} Confluence calls; ${(Number(due[9]) / pages).toFixed(2)} ms on the embedded store.` +
      `\nOn Forge at a pessimistic ${STORE_MS} ms per store call and ${COMMENT_MS} ms per comment: ~${forgeMsPerPage.toFixed(0)} ms per page, ` +
      `so one run (budget ${RUN_BUDGET_MS / 1000} s) handles ~${Math.floor(RUN_BUDGET_MS / forgeMsPerPage)} due pages; the rest waits for the next run.`,
  );
}
