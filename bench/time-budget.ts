/**
 * Section 3 (SPEC §8 "Every request finishes well inside Forge's 25 s limit for the largest allowed
 * change set"): wall time of each REST request on a 100-page change set through the real handler
 * path (createLocalApp → apiRoute handler → engine → store + Confluence REST client), with and
 * without simulated Forge round-trip latency. The zero-latency run is the baseline.
 */
import { createLocalApp } from '../local/app';
import { CountingStore } from '../src/adapters/store/counting-store';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { MANIFEST_APP_ID, invokeRoute } from './forge-request';
import type { InvokeResult } from './forge-request';
import { LatencyStore, SlowLocalSite } from './latency';
import type { BenchOptions } from './support';
import { BOB, ENG, fmtMs, heading, pageRefs, seedWithExtraPages, table, wallTime } from './support';

const FORGE_LIMIT_MS = 25_000;
const PAGES = 100; // SPEC 2.5: the largest allowed change set

interface Latency {
  storeMs: number;
  confluenceMs: number;
}

interface Step {
  request: string;
  ms: number;
  storeCalls: number;
  confluenceCalls: number;
}

async function scenario(latency: Latency): Promise<Step[]> {
  const site = new SlowLocalSite({ seed: seedWithExtraPages(PAGES, 4001) }, latency.confluenceMs);
  const counting = new CountingStore(new MemoryStore());
  const app = createLocalApp({ store: new LatencyStore(counting, latency.storeMs), site, appId: MANIFEST_APP_ID });
  await app.ready;
  const steps: Step[] = [];
  const caller = { accountId: BOB, clientId: 'bench-ci' };
  const run = async (request: string, routeKey: string, input: { body?: unknown; query?: Record<string, string> }, expectStatus: number): Promise<InvokeResult> => {
    counting.reset();
    site.resetCalls();
    const { ms, value } = await wallTime(() => invokeRoute(app.api, routeKey, { ...caller, ...input }));
    if (value.status !== expectStatus) throw new Error(`${request}: HTTP ${value.status} ${JSON.stringify(value.json).slice(0, 300)}`);
    const c = counting.counts;
    steps.push({ request, ms, storeCalls: c.get + c.getMany + c.query + c.transact, confluenceCalls: site.calls.total });
    return value;
  };

  const created = await run('POST /changeSets (100 pages)', 'changeset-create', { body: { spaceId: ENG, title: 'Release 42', summary: 'Bench', pageRefs: pageRefs(4001, PAGES) } }, 201);
  const changeSetId: string = created.json.changeSet.id;
  await run('GET /changeSets/detail', 'changeset-detail', { query: { changeSetId } }, 200);
  const preflight = await run('POST /changeSets/preflight', 'changeset-preflight', { body: { changeSetId } }, 200);
  if (preflight.json.summary.submittable !== PAGES) throw new Error(`preflight: ${preflight.json.summary.submittable} submittable`);
  const submit = await run('POST /changeSets/submit', 'changeset-submit', { body: { changeSetId } }, 200);
  if (submit.json.submittedCount !== PAGES) throw new Error(`submit: ${submit.json.submittedCount} submitted`);
  await run('GET /changeSets (list)', 'changesets-list', { query: { spaceId: ENG } }, 200);
  await run('GET /pages/status', 'page-status', { query: { pageId: '4050' } }, 200);
  await app.idle();
  return steps;
}

export async function runTimeBudget(options: BenchOptions): Promise<void> {
  heading('3. Time budget: 100-page change set through the REST handler path');
  // The pessimistic case alone takes ~18 s, so --quick leaves it out.
  const latencies: Latency[] = [
    { storeMs: 0, confluenceMs: 0 },
    { storeMs: 20, confluenceMs: 100 },
    ...(options.quick ? [] : [{ storeMs: 50, confluenceMs: 300 }]),
  ];
  const results: Step[][] = [];
  for (const latency of latencies) results.push(await scenario(latency));
  const [base, ...latent] = results;
  const pct = (ms: number) => `${((100 * ms) / FORGE_LIMIT_MS).toFixed(1)}%`;
  const out: (string | number)[][] = [
    ['request', 'store calls', 'Confl. calls', ...latencies.flatMap((l, i) => [`${l.storeMs}/${l.confluenceMs} ms`, ...(i > 0 ? ['% of 25 s'] : [])]), 'Forge limit'],
  ];
  base.forEach((b, i) => {
    const worst = Math.max(...latent.map((steps) => steps[i].ms));
    out.push([b.request, b.storeCalls, b.confluenceCalls, fmtMs(b.ms), ...latent.flatMap((steps) => [fmtMs(steps[i].ms), pct(steps[i].ms)]), worst < FORGE_LIMIT_MS ? 'OK' : 'OVER']);
  });
  console.log('createLocalApp + apiRoute handlers (Forge-shaped request/context, Idempotency-Key on writes), MemoryStore.');
  console.log('Latency wrappers (bench/latency.ts) add a delay to every store call / every Confluence request: "store/Confl. ms".');
  console.log('Baseline = no added latency (same run). Times are wall ms of one request; calls are per request.');
  console.log(table(out));
}
