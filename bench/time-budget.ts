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
import { loadPlatformProfile } from '../local/profile';
import { CountingStore } from '../src/adapters/store/counting-store';
import { DEFAULT_PLATFORM_PROFILE } from '../src/adapters/platform-profile';
import type { PlatformProfile } from '../src/adapters/platform-profile';
import { ForgeMeter } from './forge-meter';
import { MANIFEST_APP_ID, invokeRoute } from './forge-request';
import type { InvokeResult } from './forge-request';
import { SlowLocalSite, seededLognormal, sleep } from './latency';
import type { BenchOptions } from './support';
import { BOB, ENG, fmtMs, heading, pageRefs, record, seedWithExtraPages, table, wallTime, withoutCallCap } from './support';

const FORGE_LIMIT_MS = 25_000;
const PAGES = 100; // SPEC 2.5: the largest allowed change set
/**
 * A slow day (issue 23): medians of 50 ms per storage request and 300 ms per Confluence request with
 * a lognormal tail (σ 0.5: mean 1.13 ×, p95 2.3 × the median), every job-queue push a storage-like
 * round trip, and a cold start charged to every request (Forge's Node runtime: ~0.5–2 s).
 */
export const PESSIMISTIC: Latency = { storeMs: 50, confluenceMs: 300, sigma: 0.5, coldStartMs: 1500 };
/** Fixed seeds: the same run draws the same latencies. */
const SEEDS = { store: 23, confluence: 2023, queue: 1023 };

export interface Latency {
  /** median ms per Forge storage request (every HTTP request, the store's own pre-reads included) */
  storeMs: number;
  /** median ms per Confluence request */
  confluenceMs: number;
  /** lognormal spread of each call around its median; 0 or absent: constant */
  sigma?: number;
  /** added to each request's wall time: the invocation's cold start */
  coldStartMs?: number;
}

const label = (l: Latency) => `${l.storeMs}/${l.confluenceMs} ms${l.sigma ? ` σ ${l.sigma}` : ''}${l.coldStartMs ? ` +${l.coldStartMs / 1000} s cold` : ''}`;

export interface Step {
  request: string;
  ms: number;
  storeCalls: number;
  /** Forge storage round trips (the store's own pre-reads included) */
  forgeRoundTrips: number;
  confluenceCalls: number;
  /** jobs the request queued, and what running them cost after the response */
  jobs: number;
  deferredMs: number;
  deferredTx: number;
}

export async function scenario(latency: Latency, pages = PAGES, profile: PlatformProfile = DEFAULT_PLATFORM_PROFILE): Promise<Step[]> {
  const meter = new ForgeMeter();
  try {
    return await scenarioOn(meter, latency, pages, profile);
  } finally {
    meter.uninstall();
  }
}

async function scenarioOn(meter: ForgeMeter, latency: Latency, pages: number, profile: PlatformProfile): Promise<Step[]> {
  const sigma = latency.sigma ?? 0;
  const site = new SlowLocalSite({ seed: seedWithExtraPages(pages, 4001), profile }, seededLognormal(latency.confluenceMs, sigma, SEEDS.confluence));
  const clock = { now: () => Date.now() };
  const counting = new CountingStore(meter.storeFor(profile, clock));
  const app = createLocalApp({ store: counting, site, clock, appId: MANIFEST_APP_ID, profile });
  await app.ready;
  await app.idle();
  // Latency from here on: every storage request Forge receives, and every push to the job queue.
  meter.setLatency(seededLognormal(latency.storeMs, sigma, SEEDS.store));
  const pushDelay = seededLognormal(latency.storeMs, sigma, SEEDS.queue);
  const push = app.queue.push.bind(app.queue);
  app.queue.push = async (events) => {
    await sleep(pushDelay());
    return push(events);
  };
  const steps: Step[] = [];
  const caller = { accountId: BOB, clientId: 'bench-ci', profile };
  const run = async (request: string, routeKey: string, input: { body?: unknown; query?: Record<string, string> }, expectStatus: number): Promise<InvokeResult> => {
    counting.reset();
    meter.reset();
    site.resetCalls();
    const delivered = app.queue.deliveries.length;
    const timed = await wallTime(() => invokeRoute(app.api, routeKey, { ...caller, ...input }));
    const { value } = timed;
    const ms = timed.ms + (latency.coldStartMs ?? 0);
    if (value.status !== expectStatus) throw new Error(`${request}: HTTP ${value.status} ${JSON.stringify(value.json).slice(0, 300)}`);
    const c = counting.counts;
    const step = { request, ms, storeCalls: c.get + c.getMany + c.query + c.getEntities + c.queryEntity + c.transact, forgeRoundTrips: meter.counts.roundTrips, confluenceCalls: site.calls.total };
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
  // The slow-day cases take a while, so --quick leaves them out. 50/300 constant is the model of
  // issue 13 (kept to compare); PESSIMISTIC adds the tail, cold starts and queue pushes (issue 23).
  const CONSTANT_50_300: Latency = { storeMs: 50, confluenceMs: 300 };
  const latencies: Latency[] = [{ storeMs: 0, confluenceMs: 0 }, { storeMs: 20, confluenceMs: 100 }, ...(options.quick ? [] : [CONSTANT_50_300, PESSIMISTIC])];
  const results: Step[][] = [];
  for (const latency of latencies) results.push(await scenario(latency));
  const [base, ...latent] = results;
  const out: (string | number)[][] = [
    [
      'request',
      'store calls',
      'Forge RT',
      'Confl. calls',
      ...latencies.flatMap((l, i) => [label(l), ...(i > 0 ? ['% of 25 s'] : [])]),
      'Forge limit',
      'jobs queued',
      'deferred tx',
      `deferred ms (${label(latencies.at(-1)!)})`,
    ],
  ];
  base.forEach((b, i) => {
    const worst = Math.max(...latent.map((steps) => steps[i].ms));
    const last = results.at(-1)![i];
    out.push([
      b.request,
      b.storeCalls,
      b.forgeRoundTrips,
      b.confluenceCalls,
      fmtMs(b.ms),
      ...latent.flatMap((steps) => [fmtMs(steps[i].ms), `${pct(steps[i].ms).toFixed(1)}%`]),
      worst < FORGE_LIMIT_MS ? 'OK' : 'OVER',
      b.jobs,
      b.deferredTx,
      fmtMs(last.deferredMs),
    ]);
  });
  console.log('createLocalApp + apiRoute handlers (Forge-shaped request/context as the gateway builds it, documented profile), ForgeKvsStore over');
  console.log('the fake KVS API (bench/forge-meter.ts). Every storage request Forge receives (the store\'s own pre-reads included) and every');
  console.log('Confluence request waits a delay: "store/Confl. ms" medians; "σ" = seeded lognormal tail (else constant); with σ every job-queue push');
  console.log('also waits a storage-like delay; "+x s cold" is a cold start added to each request. "store calls" = calls the code makes,');
  console.log('"Forge RT" = storage requests Forge receives. Baseline = no added latency (same run). "jobs queued" / "deferred": what the');
  console.log('request left to the job consumer (runs after the response; not in the request time).');
  console.log(table(out));
  record('submit100.pctOfBudgetBaseline', pct(submitOf(base).ms));
  record('submit100.deferredJobs', submitOf(base).jobs);
  record('submit100.deferredTx', submitOf(base).deferredTx);
  if (options.quick) return;
  record('submit100.pctOfBudgetPessimistic', pct(submitOf(results.at(-1)!).ms));
  record('submit100.pctOfBudgetPessimisticConstant', pct(submitOf(results.at(-2)!).ms));
  record('submit100.deferredMsPessimistic', submitOf(results.at(-1)!).deferredMs);
  // Who the caller is and whether index queries lag depend on the platform profile: the slow day under strict too
  // (without its 99-call cap, under which a 100-page set answers 413 at once: U25)
  const strict = await scenario(PESSIMISTIC, PAGES, withoutCallCap(loadPlatformProfile('strict')));
  console.log(`\nStrict profile at ${label(PESSIMISTIC)}: ${strict.map((s) => `${s.request} ${fmtMs(s.ms)} ms (${pct(s.ms).toFixed(1)}%)`).join('; ')}.`);
  record('submit100.pctOfBudgetPessimisticStrict', pct(submitOf(strict).ms));
  // U24 unconfirmed: the slow day if the batched page list states the caller's operations (no edit check per page)
  const listOps = await scenario(PESSIMISTIC, PAGES, loadPlatformProfile('page-list-operations'));
  console.log(`Profile page-list-operations at ${label(PESSIMISTIC)}: ${listOps.map((s) => `${s.request} ${fmtMs(s.ms)} ms (${pct(s.ms).toFixed(1)}%, ${s.confluenceCalls} Confluence calls)`).join('; ')}.`);
  record('submit100.pctOfBudgetPessimisticListOps', pct(submitOf(listOps).ms));
  record('submit100.confluenceCallsListOps', submitOf(listOps).confluenceCalls);

  const steps250 = run250();
  const s250 = submitOf(steps250);
  console.log(
    `\n250-page change set (bench-only limit) at ${label(PESSIMISTIC)}: ` +
      steps250.map((s) => `${s.request} ${fmtMs(s.ms)} ms (${pct(s.ms).toFixed(1)}%)`).join('; ') +
      `; the submit then left ${s250.jobs} jobs (${fmtMs(s250.deferredMs)} ms after the response).`,
  );
  record('submit250.pctOfBudgetPessimistic', pct(s250.ms));
  record('submit250.preflightPctOfBudgetPessimistic', pct(steps250.find((s) => s.request === 'POST /changeSets/preflight')!.ms));
}
