/**
 * Section 1 (SPEC §8 "Cost per operation"): store calls (CountingStore) and Confluence calls (the
 * local site's counter) of each engine operation, at two sizes in the same run, with the SPEC bound
 * next to each. Counts are deterministic: they are what a Forge invocation pays in round trips.
 */
import { AUDIT_ENTITY } from '../src/core/ports/entities';
import { createLocalSite } from '../local/site';
import type { LocalSite } from '../local/site';
import { RestConfluenceSite } from '../src/adapters/confluence/rest-confluence';
import { CallGate, INVOCATION_BUDGET_MS } from '../src/adapters/confluence/call-gate';
import { DEFAULT_PLATFORM_PROFILE } from '../src/adapters/platform-profile';
import { CountingStore } from '../src/adapters/store/counting-store';
import type { StoreCounts } from '../src/adapters/store/counting-store';
import { StoreDecorator } from '../src/adapters/store/store-decorator';
import type { TxOp } from '../src/core/ports/store';
import { localSeedWorkflows } from '../local/app';
import { createEngine, seedWorkflows } from '../src/core/services';
import type { Engine, EngineDeps } from '../src/core/services';
import type { ChangeSetView } from '../src/core/domain/model';
import type { Job } from '../src/core/ports/jobs';
import { dispatchJob } from '../src/core/services/jobs';
import { queueJobHandlers } from '../src/composition/jobs';
import { DiagnosticsLog } from '../src/transport/diagnostics/diagnostics-log';
import { sequencePendingAudit } from '../src/core/audit';
import { ForgeMeter } from './forge-meter';
import type { ForgeCounts } from './forge-meter';
import type { BenchOptions } from './support';
import { BOB, CAROL, CounterIds, ENG, apiCaller, heading, pageRefs, record, seedWithExtraPages, table, uiCaller } from './support';

const DOCS = '1002';
const GET_PAGES = 'GET /wiki/api/v2/pages';
/** Confluence's batch size for GET /wiki/api/v2/pages?id=…: SPEC bound is ⌈N/250⌉ such calls. */
const CONFLUENCE_BATCH = 250;
const STORE_BATCH = 25;
/** Approvers of the ENG workflow (Carol, Dave): preflight reads the pages once as each of them. */
const APPROVERS = 2;

interface Cost {
  store: StoreCounts;
  /** what Forge saw: every HTTP request of @forge/kvs, the store's own pre-reads included */
  forge: ForgeCounts;
  getPages: number;
  /** every Confluence call other than the batched page read */
  other: number;
  byEndpoint: Record<string, number>;
}

interface Row {
  operation: string;
  n: number | '';
  cost: Cost;
  bound: string;
  ok: boolean;
}

/**
 * Counts writes by key family (an entity's name, else the key up to its first ':', `audit:*` up to
 * the second), to tell the page's own writes from the audit's and to show where each write goes.
 */
class WriteFamilies extends StoreDecorator {
  byFamily = new Map<string, number>();
  override transact(ops: TxOp[]): Promise<void> {
    for (const op of ops) if (op.op !== 'check') this.byFamily.set(familyOf(op), (this.byFamily.get(familyOf(op)) ?? 0) + 1);
    return this.inner.transact(ops);
  }
  /** the audit's own keys (`audit:*`) and its record entity (af-audit) */
  get audit(): number {
    return [...this.byFamily].filter(([f]) => f.startsWith('audit') || f === AUDIT_ENTITY).reduce((n, [, k]) => n + k, 0);
  }
  reset(): Map<string, number> {
    const before = this.byFamily;
    this.byFamily = new Map();
    return before;
  }
}

function familyOf(op: TxOp): string {
  if (op.entity) return op.entity;
  const parts = op.key.split(':');
  return parts[0] === 'audit' ? parts.slice(0, 2).join(':') : parts[0];
}

const perPageFamilies = (families: Map<string, number>, n: number) =>
  [...families]
    .sort((a, b) => b[1] - a[1])
    .map(([f, k]) => `${f} ${(k / n).toFixed(2)}`)
    .join(', ');

async function measure(counting: CountingStore, meter: ForgeMeter, site: LocalSite, fn: () => Promise<unknown>): Promise<Cost> {
  counting.reset();
  meter.reset();
  site.resetCalls();
  await fn();
  const byEndpoint = { ...site.calls.byEndpoint };
  const getPages = byEndpoint[GET_PAGES] ?? 0;
  return { store: { ...counting.counts }, forge: meter.reset(), getPages, other: site.calls.total - getPages, byEndpoint };
}

/** Store calls the code made (CountingStore); Forge's round trips minus these are the store's own pre-reads. */
const visibleCalls = (s: StoreCounts) => s.get + s.getMany + s.query + s.getEntities + s.queryEntity + s.transact;

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
const reads = (c: Cost) => c.store.get + c.store.getMany;

function printRows(rows: Row[]): void {
  const out: (string | number)[][] = [
    ['operation', 'N', 'get', 'getMany', 'query', 'tx', 'writes', 'Forge RT', 'pre-reads', 'W units', 'getPages', 'other Confl.', 'other/page', 'SPEC §8 bound', ''],
  ];
  for (const r of rows) {
    const s = r.cost.store;
    const perPage = typeof r.n === 'number' && r.n > 0 ? (r.cost.other / r.n).toFixed(2) : '';
    const f = r.cost.forge;
    out.push([r.operation, r.n, s.get, s.getMany, s.query, s.transact, s.writeOps, f.roundTrips, f.roundTrips - visibleCalls(s), f.writeUnits, r.cost.getPages, r.cost.other, perPage, r.bound, r.ok ? 'OK' : 'OVER']);
  }
  console.log(table(out));
}

async function createMany(engine: Engine, spaceId: string, from: number, to: number, refs: { pageId: string }[]): Promise<void> {
  for (let i = from; i < to; i++) await engine.changeSets.create(apiCaller(BOB), { spaceId, title: `List bench ${i}`, pageRefs: refs });
}

export async function runCosts(_options: BenchOptions): Promise<void> {
  const meter = new ForgeMeter();
  try {
    await costs(meter);
  } finally {
    meter.uninstall();
  }
}

async function costs(meter: ForgeMeter): Promise<void> {
  heading('1. Cost per operation (store calls and Confluence calls)');
  const site = createLocalSite({ seed: seedWithExtraPages(110, 4001) });
  const families = new WriteFamilies(meter.store);
  const counting = new CountingStore(families);
  // Jobs are collected, then run by the REAL consumer's handlers (the sequencer included) after the
  // request: deferred work, counted apart. Each delivered job is one consumer invocation on Forge.
  const queued: Job[] = [];
  const deps: EngineDeps = {
    store: counting,
    // Each measured operation stands for its own invocation: the gate's 25 s budget must not run
    // out over the whole section (one process, one gate), which would fail late calls as "busy".
    confluence: new RestConfluenceSite(site.transport(), {
      impersonation: DEFAULT_PLATFORM_PROFILE.apiRouteImpersonation,
      appUserIsConfluenceAdmin: DEFAULT_PLATFORM_PROFILE.appUserIsConfluenceAdmin,
      gate: new CallGate({ remainingMs: () => INVOCATION_BUDGET_MS }),
    }),
    clock: { now: () => Date.now() },
    ids: new CounterIds('c'),
    jobs: { push: (jobs) => Promise.resolve(void queued.push(...jobs)) },
  };
  const consumer = queueJobHandlers(deps, new DiagnosticsLog(deps.store), () => undefined);
  let invocations = 0;
  const drain = async () => {
    // jobs may queue jobs: drain until nothing is left
    while (queued.length > 0) {
      for (const job of queued.splice(0)) {
        invocations += 1;
        await dispatchJob(consumer, job);
      }
    }
  };
  await seedWorkflows(deps, localSeedWorkflows(Date.now()));
  const engine = createEngine(deps, { log: () => undefined });
  const bob = apiCaller(BOB);
  const rows: Row[] = [];

  const sets: Record<10 | 100, ChangeSetView> = {} as Record<10 | 100, ChangeSetView>;
  for (const [n, first] of [
    [10, 4001],
    [100, 4011],
  ] as const) {
    const cost = await measure(counting, meter, site, async () => {
      sets[n] = await engine.changeSets.create(bob, { spaceId: ENG, title: `Bench ${n} pages`, pageRefs: pageRefs(first, n) });
    });
    rows.push({
      operation: 'create change set',
      n,
      cost,
      bound: `getPages ⌈N/250⌉=${ceilDiv(n, CONFLUENCE_BATCH)}; other Confl. O(1)/page; O(1) tx + ⌈N/25⌉ index tx`,
      ok: cost.getPages === ceilDiv(n, CONFLUENCE_BATCH) && cost.other <= n + 1 && cost.store.transact <= 3 + ceilDiv(n, STORE_BATCH),
    });
  }

  for (const n of [10, 100] as const) {
    const cost = await measure(counting, meter, site, () => engine.changeSets.get(bob, sets[n].id));
    rows.push({
      operation: 'read change set',
      n,
      cost,
      bound: `O(1) store reads: 1 get + ⌈N/25⌉=${ceilDiv(n, STORE_BATCH)} getMany, 0 query; getPages ⌈N/250⌉=${ceilDiv(n, CONFLUENCE_BATCH)}`,
      ok: cost.store.get <= 1 && cost.store.getMany <= ceilDiv(n, STORE_BATCH) && cost.store.query === 0 && cost.getPages === ceilDiv(n, CONFLUENCE_BATCH),
    });
  }

  // List and "change sets of a page" with 10, then 1,000 change sets in DOCS: every change set has the
  // same 4 pages (3001-3004); page 3005 is in the first one only, so only the space's size changes.
  const docsRefs = pageRefs(3001, 4);
  await engine.changeSets.create(bob, { spaceId: DOCS, title: 'The one with 3005', pageRefs: [{ pageId: '3005' }, { pageId: '3001' }] });
  const listCosts: Cost[] = [];
  const forPageCosts: Cost[] = [];
  for (const [from, to] of [
    [1, 10],
    [10, 1000],
  ]) {
    await createMany(engine, DOCS, from, to, docsRefs);
    const cost = await measure(counting, meter, site, () => engine.changeSets.list(bob, { spaceId: DOCS, limit: 50 }));
    listCosts.push(cost);
    rows.push({
      operation: `list page (${to} change sets in space)`,
      n: '',
      cost,
      bound: '1 query whatever the number of change sets; getPages 1',
      ok: cost.store.query === 1 && cost.getPages === 1 && reads(cost) <= reads(listCosts[0]) && cost.other <= listCosts[0].other,
    });
    const forPage = await measure(counting, meter, site, async () => {
      const sets = (await engine.changeSets.forPage(bob, '3005')).items;
      if (sets.length !== 1) throw new Error(`forPage(3005) found ${sets.length} change sets`);
    });
    forPageCosts.push(forPage);
    rows.push({
      operation: `change sets of a page (${to} in space)`,
      n: '',
      cost: forPage,
      bound: 'O(1) queries whatever the number of change sets in the space',
      ok: forPage.store.query <= forPageCosts[0].store.query && reads(forPage) <= reads(forPageCosts[0]),
    });
  }

  const perPage = (c: Cost, n: number) => c.other / n;
  const preflight: Record<number, Cost> = {};
  for (const n of [10, 100] as const) {
    const cost = await measure(counting, meter, site, () => engine.changeSets.preflight(bob, sets[n].id));
    preflight[n] = cost;
    rows.push({
      operation: 'change-set preflight',
      n,
      cost,
      bound: `getPages ⌈N/250⌉ × (1 + approvers)=${ceilDiv(n, CONFLUENCE_BATCH) * (1 + APPROVERS)}; other Confl. O(1)/page; O(1) queries; 0 writes`,
      ok:
        cost.getPages === ceilDiv(n, CONFLUENCE_BATCH) * (1 + APPROVERS) &&
        cost.store.transact === 0 &&
        cost.store.query <= 2 &&
        (n === 10 || perPage(cost, n) <= perPage(preflight[10], 10)),
    });
  }

  const submit: Record<number, Cost> = {};
  const deferred: Record<number, Cost & { jobs: number }> = {};
  // What earlier rows left behind is not the submits': their jobs, and the audit records of the
  // 1,000 creates, which the 5-minute sweep would have linked into the chain by now.
  await drain();
  while ((await sequencePendingAudit({ store: counting, clock: deps.clock })).remaining > 0);
  let approvalId = '';
  const submitFamilies: Record<'request' | 'deferred', Map<string, number>> = { request: new Map(), deferred: new Map() };
  for (const n of [10, 100] as const) {
    families.reset();
    const cost = await measure(counting, meter, site, async () => {
      const result = await engine.changeSets.submit(bob, sets[n].id);
      if (result.submittedCount !== n) throw new Error(`submit of ${n} pages submitted ${result.submittedCount}`);
      approvalId = result.results[1].approvalId ?? '';
    });
    if (n === 100) record('submit100.auditWritesPerPage', families.audit / 100);
    const requestFamilies = families.reset();
    invocations = 0;
    const after = await measure(counting, meter, site, drain);
    if (n === 100) Object.assign(submitFamilies, { request: requestFamilies, deferred: families.reset() });
    deferred[n] = { ...after, jobs: invocations };
    submit[n] = cost;
    rows.push({
      operation: 'change-set submit',
      n,
      cost,
      bound: `getPages ⌈N/250⌉=${ceilDiv(n, CONFLUENCE_BATCH)}; other Confl. O(1)/page; ≤ 1 tx/page (+O(1))`,
      ok:
        cost.getPages === ceilDiv(n, CONFLUENCE_BATCH) &&
        cost.store.transact <= n + 1 &&
        (n === 10 || perPage(cost, n) <= perPage(submit[10], 10)),
    });
  }

  // Page 4012 is pending from the 100-page submit, without decisions yet (the costliest status read).
  const status = await measure(counting, meter, site, () => engine.approvals.pageStatus(bob, '4012'));
  rows.push({ operation: 'page status (pending)', n: '', cost: status, bound: 'O(1) store reads (≤ 2); getPages 1', ok: reads(status) <= 2 && status.store.query === 0 && status.getPages <= 1 });

  const decision = await measure(counting, meter, site, () => engine.approvals.decide(uiCaller(CAROL), approvalId, 'approve'));
  rows.push({
    operation: 'one decision (approve)',
    n: '',
    cost: decision,
    bound: 'O(1): ≤ 4 store reads, 1 tx, ≤ 2 Confl. calls',
    ok: reads(decision) <= 4 && decision.store.query === 0 && decision.store.transact === 1 && decision.getPages + decision.other <= 2,
  });

  const pagePreflight = await measure(counting, meter, site, () => engine.approvals.preflightPage(bob, '2006'));
  rows.push({
    operation: 'page preflight',
    n: 1,
    cost: pagePreflight,
    bound: `O(1); 0 writes; getPages 1 + approvers=${1 + APPROVERS}`,
    ok: pagePreflight.store.transact === 0 && pagePreflight.getPages === 1 + APPROVERS,
  });
  const pageSubmit = await measure(counting, meter, site, () => engine.approvals.submitPage(bob, '2006'));
  rows.push({ operation: 'page submit', n: 1, cost: pageSubmit, bound: 'O(1); getPages 1; tx ≤ 2', ok: pageSubmit.store.transact <= 2 && pageSubmit.getPages === 1 });

  console.log('Engine over CountingStore(ForgeKvsStore) on the real @forge/kvs client and the fake KVS HTTP API (bench/forge-meter.ts), and the');
  console.log('local site (in-process transport). "writes" = put/delete ops in all transactions; "Forge RT" = HTTP requests Forge storage');
  console.log('received, of which "pre-reads" are the store\'s own (not asked for by the code); "W units" = Forge 10 KB write units;');
  console.log('"other Confl." = every Confluence call except the batched GET /wiki/api/v2/pages.');
  printRows(rows);
  const endpoints = (c: Cost) =>
    Object.entries(c.byEndpoint)
      .map(([e, k]) => `${k}× ${e}`)
      .join(', ');
  for (const n of [10, 100] as const) {
    const d = deferred[n];
    console.log(
      `Deferred after the ${n}-page submit (real job consumer, sequencer included, after the response): ${d.jobs} consumer invocations, ` +
        `${d.store.transact} tx, ${d.store.writeOps} writes, ${visibleCalls(d.store) - d.store.transact} reads; Forge: ${d.forge.roundTrips} round trips ` +
        `(${d.forge.roundTrips - visibleCalls(d.store)} pre-reads), ${d.forge.writeUnits} write units, ${(d.forge.bytesWritten / 1024).toFixed(1)} KB written; ` +
        `${d.getPages + d.other} Confluence calls (${endpoints(d)}).`,
    );
  }
  console.log(`Writes per page of the 100-page submit by key family: request ${perPageFamilies(submitFamilies.request, 100)}; deferred ${perPageFamilies(submitFamilies.deferred, 100)}.`);
  const s100 = submit[100];
  const d100 = deferred[100];
  record('submit100.writesPerPage', s100.store.writeOps / 100);
  record('submit100.totalWritesPerPage', (s100.store.writeOps + d100.store.writeOps) / 100);
  record('submit100.deferredInvocationsPerPage', d100.jobs / 100);
  record('submit100.forgeRoundTripsPerPage', (s100.forge.roundTrips + d100.forge.roundTrips) / 100);
  record('submit100.hiddenPreReads', s100.forge.roundTrips - visibleCalls(s100.store) + d100.forge.roundTrips - visibleCalls(d100.store));
  record('submit100.writeUnits', s100.forge.writeUnits + d100.forge.writeUnits);
  record('submit100.totalKbWrittenPerPage', (s100.forge.bytesWritten + d100.forge.bytesWritten) / 1024 / 100);
  record('submit100.txPerPage', submit[100].store.transact / 100);
  record('submit100.deferredJobsPerPage', deferred[100].jobs / 100);
  record('submit100.deferredWritesPerPage', deferred[100].store.writeOps / 100);
  record('submit100.deferredTxPerPage', deferred[100].store.transact / 100);
  record('preflight100.confluenceCallsPerPage', perPage(preflight[100], 100));
  record('preflight100.batchedPageReads', preflight[100].getPages);
  record('submit100.confluenceCallsPerPage', perPage(submit[100], 100));
  console.log(`\nConfluence calls, 100-page preflight: ${endpoints(preflight[100])}`);
  console.log(`Confluence calls, 100-page submit:    ${endpoints(submit[100])}`);
  console.log(
    `Flat list: queries ${listCosts.map((c) => c.store.query).join(' → ')}, store reads ${listCosts.map(reads).join(' → ')}, Confluence calls ${listCosts
      .map((c) => c.getPages + c.other)
      .join(' → ')}; change sets of a page: queries ${forPageCosts.map((c) => c.store.query).join(' → ')} (10 → 1,000 change sets).`,
  );
  console.log(
    `Per-page Confluence calls (excl. getPages): preflight ${perPage(preflight[10], 10).toFixed(2)} → ${perPage(preflight[100], 100).toFixed(2)}, submit ${perPage(submit[10], 10).toFixed(2)} → ${perPage(submit[100], 100).toFixed(2)} (N = 10 → 100).`,
  );
}
