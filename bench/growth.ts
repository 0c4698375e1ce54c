/**
 * Section 2 (SPEC §8 "List and audit queries stay flat as data grows"): latency of one page of
 * audit.list (several filters) and of a change-set list page as the data grows, on the in-memory
 * store and on a SQLite file. Baseline = the smallest size, in the same run. Store calls per query
 * (what a Forge invocation pays in round trips) are counted alongside.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalSite } from '../local/site';
import { RestConfluenceSite } from '../src/adapters/confluence/rest-confluence';
import { CountingStore } from '../src/adapters/store/counting-store';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { SqliteStore } from '../src/adapters/store/sqlite-store';
import { AuditTrail } from '../src/core/audit';
import type { AuditFilter } from '../src/core/domain/model';
import type { KeyValueStore } from '../src/core/ports/store';
import { createEngine } from '../src/core/services';
import { AUDIT_STEP_MS, AUDIT_T0, AuditSeeder, seedChangeSets } from './seed-data';
import type { BenchOptions } from './support';
import { BOB, CounterIds, ENG, apiCaller, fmtMs, fmtRatio, heading, percentile, record, table, timeIt, wallTime } from './support';

/** "Same order" = within 10x of the baseline (informational only). */
const SAME_ORDER = 10;
/** Enough untimed calls that the baseline (measured first) is not the one paying for JIT warm-up. */
const WARMUP = 10;

interface StoreUnderTest {
  name: string;
  store: KeyValueStore;
  close(): void;
}

/** A fresh in-memory store, or a fresh SQLite file (WAL, as the local runtime opens it). */
function openStore(dir: string, name: 'memory' | 'sqlite', label: string): StoreUnderTest {
  if (name === 'memory') return { name, store: new MemoryStore(), close: () => undefined };
  const sqlite = new SqliteStore({ file: join(dir, `${label}.sqlite`) });
  return { name, store: sqlite, close: () => sqlite.close() };
}

/**
 * The filters of one audit page; time windows are the middle 40% of the chain at its current size,
 * so every filter fills the page of 50 at every size (at 1k records, 20% held only 40 of one actor's
 * records, and a short page is less work than the full one it is compared with).
 */
function auditQueries(size: number): { name: string; filter: AuditFilter }[] {
  const from = AUDIT_T0 + Math.floor(size * 0.3) * AUDIT_STEP_MS;
  const to = AUDIT_T0 + Math.floor(size * 0.7) * AUDIT_STEP_MS;
  return [
    { name: 'no filter', filter: {} },
    { name: 'spaceId', filter: { spaceId: 'sp-3' } },
    { name: 'actor', filter: { actor: 'acc-carol' } },
    { name: 'time range (middle 40%)', filter: { from, to } },
    { name: 'actor + time range', filter: { actor: 'acc-carol', from, to } },
  ];
}

interface Row {
  store: string;
  query: string;
  size: number;
  medianMs: number;
  p95Ms: number;
  calls: string;
}

function callsOf(counting: CountingStore): string {
  const c = counting.counts;
  return `${c.get}g ${c.getMany}gm ${c.query}q ${c.getEntities}ge ${c.queryEntity}qe`;
}

interface AuditTrial {
  s: StoreUnderTest;
  size: number;
}

/**
 * Every size has its own store, and the runs are interleaved (run i of every size before run i + 1
 * of any), so the sizes are timed under the same process state: a heap that has grown to hold the
 * 100k stores slows every call, and timing the 1k store before it grew would credit the difference
 * to the data size.
 */
async function measureAudit(trials: AuditTrial[], runs: number, rows: Row[]): Promise<void> {
  const ids = new CounterIds('q');
  const trailOf = (store: KeyValueStore) => new AuditTrail({ store, clock: { now: () => Date.now() }, ids });
  const queryCount = auditQueries(1_000).length;
  for (let qi = 0; qi < queryCount; qi++) {
    const setups = await Promise.all(
      trials.map(async ({ s, size }) => {
        const q = auditQueries(size)[qi];
        const trail = trailOf(s.store);
        const page = await trail.list(q.filter, { limit: 50 });
        if (page.items.length !== 50) throw new Error(`audit query "${q.name}" returned ${page.items.length} records at ${size}, not a full page of 50`);
        const counting = new CountingStore(s.store);
        await trailOf(counting).list(q.filter, { limit: 50 });
        return { name: q.name, run: () => trail.list(q.filter, { limit: 50 }), counting, samples: [] as number[] };
      }),
    );
    for (let i = 0; i < WARMUP; i++) for (const t of setups) await t.run();
    for (let i = 0; i < runs; i++) {
      for (const t of setups) t.samples.push((await timeIt(t.run, 1, 0)).medianMs);
    }
    setups.forEach((t, i) => {
      const { s, size } = trials[i];
      rows.push({ store: s.name, query: `audit.list ${t.name}`, size, medianMs: percentile(t.samples, 0.5), p95Ms: percentile(t.samples, 0.95), calls: callsOf(t.counting) });
    });
  }
  rows.sort((a, b) => a.store.localeCompare(b.store) || a.size - b.size);
}

async function measureChangeSetList(s: StoreUnderTest, size: number, runs: number, rows: Row[]): Promise<void> {
  const site = createLocalSite();
  const counting = new CountingStore(s.store);
  const deps = (store: KeyValueStore) => ({ store, confluence: new RestConfluenceSite(site.transport()), clock: { now: () => Date.now() }, ids: new CounterIds('l') });
  const engine = createEngine(deps(s.store), { log: () => undefined });
  const counted = createEngine(deps(counting), { log: () => undefined });
  const query = { spaceId: ENG, limit: 50 };
  const first = await engine.changeSets.list(apiCaller(BOB), query);
  if (first.items.length !== 50) throw new Error(`change-set list returned ${first.items.length} items at ${size}`);
  counting.reset();
  await counted.changeSets.list(apiCaller(BOB), query);
  const t = await timeIt(() => engine.changeSets.list(apiCaller(BOB), query), runs, WARMUP);
  rows.push({ store: s.name, query: 'changeSets.list page of 50', size, medianMs: t.medianMs, p95Ms: t.p95Ms, calls: callsOf(counting) });
}

/** auditList.worstRatio100kTo1k: the worst (store, filter) median at 100k records over the same at 1k. */
function recordWorstAuditRatio(rows: Row[]): void {
  const at = (size: number) => new Map(rows.filter((r) => r.size === size).map((r) => [`${r.store}|${r.query}`, r.medianMs]));
  const small = at(1_000);
  const large = at(100_000);
  const ratios = [...large].flatMap(([key, ms]) => (small.has(key) ? [ms / small.get(key)!] : []));
  if (ratios.length > 0) record('auditList.worstRatio100kTo1k', Math.max(...ratios));
}

function printRows(rows: Row[]): void {
  const baseline = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.store}|${r.query}`;
    if (!baseline.has(key)) baseline.set(key, r.medianMs);
  }
  const out: (string | number)[][] = [['store', 'query', 'records', 'median ms', 'p95 ms', 'vs smallest', 'store calls', 'SPEC §8 (same order)']];
  for (const r of rows) {
    const ratio = r.medianMs / baseline.get(`${r.store}|${r.query}`)!;
    out.push([r.store, r.query, r.size.toLocaleString('en-US'), fmtMs(r.medianMs), fmtMs(r.p95Ms), fmtRatio(ratio), r.calls, ratio <= SAME_ORDER ? 'OK' : 'OVER']);
  }
  console.log(table(out));
}

export async function runGrowth(options: BenchOptions): Promise<void> {
  heading('2. List and audit query latency as data grows');
  const runs = options.quick ? 7 : 31;
  const auditSizes: Record<string, number[]> = options.quick
    ? { memory: [1_000, 10_000], sqlite: [1_000, 10_000] }
    : { memory: [1_000, 10_000, 100_000], sqlite: [1_000, 10_000, 100_000] };
  const csSizes = [1_000, 10_000];
  const dir = mkdtempSync(join(tmpdir(), 'approvalflow-bench-'));
  const seedNotes: string[] = [];
  try {
    const auditRows: Row[] = [];
    const trials: AuditTrial[] = [];
    for (const name of ['memory', 'sqlite'] as const) {
      for (const size of auditSizes[name] ?? []) {
        const s = openStore(dir, name, `audit-${size}`);
        const seeded = await wallTime(() => new AuditSeeder(s.store).growTo(size));
        seedNotes.push(`${s.name}: grew a chain to ${size.toLocaleString('en-US')} records in ${(seeded.ms / 1000).toFixed(1)} s`);
        trials.push({ s, size });
      }
    }
    try {
      await measureAudit(trials, runs, auditRows);
    } finally {
      for (const { s } of trials) s.close();
    }
    console.log(`Audit records: 5 actors, 10 spaces, half API; one store per size; page of 50, ${runs} timed runs interleaved across sizes after ${WARMUP} warm-ups; store calls: g = get, gm = getMany, q = query, ge = entity batch get, qe = entity index query.`);
    printRows(auditRows);
    recordWorstAuditRatio(auditRows);

    const csRows: Row[] = [];
    for (const s of [openStore(dir, 'memory', 'changesets'), openStore(dir, 'sqlite', 'changesets')]) {
      let seededCount = 0;
      for (const size of csSizes) {
        const seeded = await wallTime(() => seedChangeSets(s.store, ENG, seededCount, size, BOB));
        seededCount = size;
        seedNotes.push(`${s.name}: ${size.toLocaleString('en-US')} change sets in space ${ENG} (seeded in ${(seeded.ms / 1000).toFixed(1)} s)`);
        await measureChangeSetList(s, size, runs, csRows);
      }
      s.close();
    }
    console.log('\nChange sets in one space (each with the same 5 pages), list page of 50 as Bob through the engine:');
    printRows(csRows);
    console.log(`\nSeeding: ${seedNotes.join('; ')}.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
