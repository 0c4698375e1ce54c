/**
 * Section 3 (SPEC §8 "Every request finishes well inside Forge's 25 s limit for the largest allowed
 * change set"): wall time of each REST request on a 100-page change set through the real handler
 * path (createLocalApp → apiRoute handler → engine → store + Confluence REST client), with and
 * without simulated Forge round-trip latency. The zero-latency run is the baseline. Work the
 * request hands to the job queue (comments, audit sequencing) runs after the response, as on
 * Forge: it is drained (untimed for the request) before the next request and shown apart.
 * A 250-page change set (past the product's 100-page limit, in a child process that raises the
 * limit for the bench only: bench/submit250.ts) shows whether that limit could rise.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLocalApp } from '../local/app';
import { CountingStore } from '../src/adapters/store/counting-store';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { MANIFEST_APP_ID, invokeRoute } from './forge-request';
import type { InvokeResult } from './forge-request';
import { LatencyStore, SlowLocalSite } from './latency';
import type { BenchOptions } from './support';
import { BOB, ENG, fmtMs, heading, pageRefs, record, seedWithExtraPages, table, wallTime } from './support';

const FORGE_LIMIT_MS = 25_000;
const PAGES = 100; // SPEC 2.5: the largest allowed change set
export const PESSIMISTIC = { storeMs: 50, confluenceMs: 300 };

export interface Latency {
  storeMs: number;
  confluenceMs: number;
}

export interface Step {
  request: string;
  ms: number;
  storeCalls: number;
  confluenceCalls: number;
  /** jobs the request queued, and what running them cost after the response */
  jobs: number;
  deferredMs: number;
  deferredTx: number;
}

export async function scenario(latency: Latency, pages = PAGES): Promise<Step[]> {
  const site = new SlowLocalSite({ seed: seedWithExtraPages(pages, 4001) }, latency.confluenceMs);
  const counting = new CountingStore(new MemoryStore());
  const app = createLocalApp({ store: new LatencyStore(counting, latency.storeMs), site, appId: MANIFEST_APP_ID });
  await app.ready;
  const steps: Step[] = [];
  const caller = { accountId: BOB, clientId: 'bench-ci' };
  const run = async (request: string, routeKey: string, input: { body?: unknown; query?: Record<string, string> }, expectStatus: number): Promise<InvokeResult> => {
    counting.reset();
    site.resetCalls();
    const delivered = app.queue.deliveries.length;
    const { ms, value } = await wallTime(() => invokeRoute(app.api, routeKey, { ...caller, ...input }));
    if (value.status !== expectStatus) throw new Error(`${request}: HTTP ${value.status} ${JSON.stringify(value.json).slice(0, 300)}`);
    const c = counting.counts;
    const step = { request, ms, storeCalls: c.get + c.getMany + c.query + c.transact, confluenceCalls: site.calls.total };
    const t0 = performance.now();
    const txBefore = counting.counts.transact;
    await app.idle();
    const jobs = app.queue.deliveries.slice(delivered).filter((d) => d.retryCount === 0).length;
    steps.push({ ...step, jobs, deferredMs: performance.now() - t0, deferredTx: counting.counts.transact - txBefore });
    return value;
  };

  const created = await run(`POST /changeSets (${pages} pages)`, 'changeset-create', { body: { spaceId: ENG, title: 'Release 42', summary: 'Bench', pageRefs: pageRefs(4001, pages) } }, 201);
  const changeSetId: string = created.json.changeSet.id;
  await run('GET /changeSets/detail', 'changeset-detail', { query: { changeSetId } }, 200);
  const preflight = await run('POST /changeSets/preflight', 'changeset-preflight', { body: { changeSetId } }, 200);
  if (preflight.json.summary.submittable !== pages) throw new Error(`preflight: ${preflight.json.summary.submittable} submittable`);
  const submit = await run('POST /changeSets/submit', 'changeset-submit', { body: { changeSetId } }, 200);
  if (submit.json.submittedCount !== pages) throw new Error(`submit: ${submit.json.submittedCount} submitted`);
  await run('GET /changeSets (list)', 'changesets-list', { query: { spaceId: ENG } }, 200);
  await run('GET /pages/status', 'page-status', { query: { pageId: '4050' } }, 200);
  return steps;
}

const pct = (ms: number) => (100 * ms) / FORGE_LIMIT_MS;
const submitOf = (steps: Step[]) => steps.find((s) => s.request === 'POST /changeSets/submit')!;

/** The 250-page run, in a child process (the bench-only limit must be raised before any schema loads). */
function run250(): Step[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'submit250.ts')], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Step[];
}

export async function runTimeBudget(options: BenchOptions): Promise<void> {
  heading('3. Time budget: 100-page change set through the REST handler path');
  // The pessimistic case alone takes a while, so --quick leaves it out.
  const latencies: Latency[] = [{ storeMs: 0, confluenceMs: 0 }, { storeMs: 20, confluenceMs: 100 }, ...(options.quick ? [] : [PESSIMISTIC])];
  const results: Step[][] = [];
  for (const latency of latencies) results.push(await scenario(latency));
  const [base, ...latent] = results;
  const out: (string | number)[][] = [
    [
      'request',
      'store calls',
      'Confl. calls',
      ...latencies.flatMap((l, i) => [`${l.storeMs}/${l.confluenceMs} ms`, ...(i > 0 ? ['% of 25 s'] : [])]),
      'Forge limit',
      'jobs queued',
      'deferred tx',
      `deferred ms (${latencies.at(-1)!.storeMs}/${latencies.at(-1)!.confluenceMs})`,
    ],
  ];
  base.forEach((b, i) => {
    const worst = Math.max(...latent.map((steps) => steps[i].ms));
    const last = results.at(-1)![i];
    out.push([
      b.request,
      b.storeCalls,
      b.confluenceCalls,
      fmtMs(b.ms),
      ...latent.flatMap((steps) => [fmtMs(steps[i].ms), `${pct(steps[i].ms).toFixed(1)}%`]),
      worst < FORGE_LIMIT_MS ? 'OK' : 'OVER',
      b.jobs,
      b.deferredTx,
      fmtMs(last.deferredMs),
    ]);
  });
  console.log('createLocalApp + apiRoute handlers (Forge-shaped request/context, Idempotency-Key on writes), MemoryStore.');
  console.log('Latency wrappers (bench/latency.ts) add a delay to every store call / every Confluence request: "store/Confl. ms".');
  console.log('Baseline = no added latency (same run). Times are wall ms of one request; calls are per request.');
  console.log('"jobs queued" / "deferred": what the request left to the job consumer (runs after the response; not in the request time).');
  console.log(table(out));
  record('submit100.pctOfBudgetBaseline', pct(submitOf(base).ms));
  record('submit100.deferredJobs', submitOf(base).jobs);
  record('submit100.deferredTx', submitOf(base).deferredTx);
  if (options.quick) return;
  record('submit100.pctOfBudgetPessimistic', pct(submitOf(results.at(-1)!).ms));
  record('submit100.deferredMsPessimistic', submitOf(results.at(-1)!).deferredMs);

  const steps250 = run250();
  const s250 = submitOf(steps250);
  console.log(
    `\n250-page change set (bench-only limit) at ${PESSIMISTIC.storeMs}/${PESSIMISTIC.confluenceMs} ms: ` +
      steps250.map((s) => `${s.request} ${fmtMs(s.ms)} ms (${pct(s.ms).toFixed(1)}%)`).join('; ') +
      `; the submit then left ${s250.jobs} jobs (${fmtMs(s250.deferredMs)} ms after the response).`,
  );
  record('submit250.pctOfBudgetPessimistic', pct(s250.ms));
  record('submit250.preflightPctOfBudgetPessimistic', pct(steps250.find((s) => s.request === 'POST /changeSets/preflight')!.ms));
}
