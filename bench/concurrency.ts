/**
 * Section 4 (SPEC §8 "Under 50 concurrent clients the local runtime loses no write and no audit
 * record"). 50 clients, each with its own token and client id: wave 1 = 50 concurrent change-set
 * creates, wave 2 = 50 concurrent page submits on 50 distinct pages. A: over HTTP through the real
 * local runtime (gateway, dev tokens, SQLite file in a temp dir), checked after reopening the file.
 * B: the same waves on the handlers with Forge-like latency. Every acknowledged write, its audit
 * record and the hash chain are checked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalRuntime } from '../local/server';
import { SqliteStore } from '../src/adapters/store/sqlite-store';
import { AuditTrail } from '../src/core/audit';
import { HEAD_KEY, SEQUENCER_LEASE_KEY } from '../src/core/audit/keys';
import type { AuditFilter, AuditRecord, PageApproval } from '../src/core/domain/model';
import { StoreError, type KeyValueStore, type TxOp } from '../src/core/ports/store';
import { keys } from '../src/core/services/keys';
import { approvalOfItem } from '../src/core/services/approvals/stored';
import { APPROVAL_ENTITY } from '../src/core/ports/entities';
import { createLocalApp } from '../local/app';
import { StoreDecorator } from '../src/adapters/store/store-decorator';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { MANIFEST_APP_ID, invokeRoute } from './forge-request';
import { LatencyStore, SlowLocalSite } from './latency';
import type { BenchOptions } from './support';
import { BOB, CounterIds, ENG, copyOfPage2001, fmtMs, heading, percentile, record, seedWithExtraPages, table } from './support';
import { loadPlatformProfile } from '../local/profile';
import { DEFAULT_PLATFORM_PROFILE } from '../src/adapters/platform-profile';
import { DEFAULT_INDEX_LAG_MS, storeForProfile } from '../src/adapters/store/eventual-index-store';
import { itemsWithPrefix } from '../test/support/store-prefix';

const CLIENTS = 50;
const FIRST_PAGE = 5001;
const SCOPES = ['read:forge-app:confluence', 'write:change-set:custom', 'write:approval:custom'];

interface Outcome {
  client: number;
  status: number;
  ms: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON answer of the app
  json: any;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** All `n` requests are started together; returns when every one has answered. */
async function wave(n: number, request: (i: number) => Promise<{ status: number; json: unknown }>): Promise<{ outcomes: Outcome[]; wallMs: number }> {
  const t0 = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: n }, async (_, client) => {
      const start = performance.now();
      const { status, json } = await request(client);
      return { client, status, ms: performance.now() - start, json };
    }),
  );
  return { outcomes, wallMs: performance.now() - t0 };
}


async function auditRecords(trail: AuditTrail, filter: AuditFilter): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await trail.list(filter, { limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

function statusSummary(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const key = o.status >= 200 && o.status < 300 ? String(o.status) : `${o.status} ${(o.json as { code?: string } | undefined)?.code ?? ''}`.trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, v]) => `${v}× ${k}`).join(', ');
}

interface Wave {
  outcomes: Outcome[];
  wallMs: number;
  /** store transactions tried per acknowledged request, on the request path (part B only; NaN: none acknowledged), unrounded */
  txPerCommit?: number;
  /** per acknowledged request: the platform-diagnostics record's transactions, and the job consumer's (after the response) */
  diagnosticsTx?: number;
  deferredTx?: number;
  /** the audit sequencer's transactions (moving the chain head) in the wave and its jobs: tried, and refused by the head's condition */
  sequencerTx?: { tried: number; failed: number };
  /** request-path transactions refused by a condition, by key family (see TxByKind) */
  conflicts?: Map<string, number>;
}

interface Waves {
  clients: number;
  creates: Wave;
  submits: Wave;
  /** checkWrites report, when asked for */
  report?: string;
}

/**
 * Tells a request's own transactions from the platform-diagnostics record (diag:, written beside
 * every apiRoute invocation) and from the job consumer's (submission-comments:, after the response).
 */
class TxByKind extends StoreDecorator {
  tx = { request: 0, diagnostics: 0, deferred: 0 };
  sequencer = { tried: 0, failed: 0 };
  /** request-path transactions refused by a condition, by the family (key up to its first ':') of the key that failed */
  conflicts = new Map<string, number>();
  reset(): void {
    this.tx = { request: 0, diagnostics: 0, deferred: 0 };
    this.sequencer = { tried: 0, failed: 0 };
    this.conflicts = new Map();
  }
  override async transact(ops: TxOp[]): Promise<void> {
    // after the response: the comment job records its comment id; the audit.sequence job moves the chain head
    const sequencer = ops.some((o) => o.key === HEAD_KEY);
    // the sequencer's lease (sequence-alone.ts) is the consumer's too
    const deferred = ops.every((o) => o.key.startsWith('submission-comments:') || o.key === SEQUENCER_LEASE_KEY) || sequencer;
    const kind = ops.every((o) => o.key.startsWith('diag:')) ? 'diagnostics' : deferred ? 'deferred' : 'request';
    this.tx[kind] += 1;
    if (sequencer) this.sequencer.tried += 1;
    try {
      await this.inner.transact(ops);
    } catch (error) {
      if (sequencer) this.sequencer.failed += 1;
      if (kind === 'request') this.noteConflict(error);
      throw error;
    }
  }

  private noteConflict(error: unknown): void {
    // the stores name the key whose condition failed: `The condition on "<key>" does not hold`
    const key = error instanceof StoreError && error.code === 'CONDITION_FAILED' ? /"([^"]+)"/.exec(error.message)?.[1] : undefined;
    const family = key ? key.split(':').slice(0, key.startsWith('rl:') ? 2 : 1).join(':') : 'other';
    this.conflicts.set(family, (this.conflicts.get(family) ?? 0) + 1);
  }
}

/** The approval as its af-approval item holds it (approvals/stored.ts). */
async function storedApproval(store: KeyValueStore, approvalId: string): Promise<PageApproval | undefined> {
  const [item] = await store.getEntities(APPROVAL_ENTITY, [approvalId]);
  return item && approvalOfItem(item);
}

/** Checks every acknowledged write against the store, its audit record and the chain; returns the report. */
async function checkWrites(store: KeyValueStore, { creates, submits }: Waves): Promise<string> {
  const trail = new AuditTrail({ store, clock: { now: () => Date.now() }, ids: new CounterIds('v') });
  const createdOk = creates.outcomes.filter((o) => o.status === 201);
  const submittedOk = submits.outcomes.filter((o) => o.status === 201);

  const storedSets = await itemsWithPrefix(store, 'changeset:');
  const storedSetIds = new Set(storedSets.map((i) => i.key.slice('changeset:'.length)));
  const lostCreates = createdOk.filter((o) => !storedSetIds.has(o.json.changeSet.id)).length;
  let lostSubmits = 0;
  for (const o of submittedOk) {
    const approval = await storedApproval(store, o.json.approvalId);
    // the page state is the per-page lock: it must name this approval
    const state = await store.get<{ id: string }>(keys.pageState(o.json.pageId));
    if (approval?.status !== 'pending' || state?.value.id !== o.json.approvalId) lostSubmits += 1;
  }

  // Link what the writers committed, as the sweep and the admin read paths do, then verify the whole chain.
  while ((await trail.sequence()).remaining > 0);
  const verify = await trail.verify();
  const createdRecords = await auditRecords(trail, { action: 'changeset.created' });
  const submittedRecords = await auditRecords(trail, { action: 'approval.submitted' });
  const allRecords = await auditRecords(trail, {});
  const recordOfSet = new Map(createdRecords.map((r) => [r.changeSetId, r]));
  const recordOfApproval = new Map(submittedRecords.map((r) => [r.approvalId, r]));
  const missingAudit =
    createdOk.filter((o) => !recordOfSet.has(o.json.changeSet.id)).length + submittedOk.filter((o) => !recordOfApproval.has(o.json.approvalId)).length;
  // no record without its change: every changeset.created / approval.submitted record points at stored state
  let orphanRecords = createdRecords.filter((r) => !storedSetIds.has(r.changeSetId ?? '')).length;
  for (const r of submittedRecords) if (!(await storedApproval(store, r.approvalId ?? ''))) orphanRecords += 1;
  // attribution: each record carries the client id of the token that made the call
  const misattributed =
    createdOk.filter((o) => recordOfSet.get(o.json.changeSet.id)?.clientId !== `bench-client-${o.client}`).length +
    submittedOk.filter((o) => recordOfApproval.get(o.json.approvalId)?.clientId !== `bench-client-${o.client}`).length;

  const lost = lostCreates + lostSubmits;
  const pendingStates = (await itemsWithPrefix(store, 'page-state:')).filter((i) => (i.value as { status?: string }).status === 'pending').length;
  return [
    table([
      ['check', 'value'],
      ['change sets acknowledged (201) / stored', `${createdOk.length} / ${storedSets.length}`],
      ['page submits acknowledged (201) / pages in pending state', `${submittedOk.length} / ${pendingStates}`],
      ['audit records (whole chain, incl. 3 seeded workflow.created)', `${allRecords.length}`],
      ['changeset.created / approval.submitted records', `${createdRecords.length} / ${submittedRecords.length}`],
      ['audit chain verify', `${verify.ok ? 'ok' : `BROKEN at seq ${verify.firstBadSeq}`} (${verify.checked} records checked)`],
      ['records without their change', `${orphanRecords}`],
      ['records with the wrong client id', `${misattributed}`],
    ]),
    `\nlost writes: ${lost}, missing audit records: ${missingAudit}  ${lost === 0 && missingAudit === 0 && verify.ok ? 'OK' : 'OVER'} (SPEC §8: none lost)`,
  ].join('\n');
}

const fmt = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(1));
/** transactions per request to 2 decimals (the contention ratios use the unrounded figure) */
const fmtTx = (n: number | undefined): string => (n === undefined ? '' : Number.isNaN(n) ? 'n/a' : n.toFixed(2));

/** One row per wave; the 1-client run is the baseline of the 50-client run. */
function printWaves(sets: Waves[]): void {
  const withTx = sets.some((w) => w.creates.txPerCommit !== undefined);
  const row = (label: string, w: Wave) => {
    const ms = w.outcomes.map((o) => o.ms);
    return [label, statusSummary(w.outcomes), fmtMs(percentile(ms, 0.5)), fmtMs(percentile(ms, 0.95)), fmtMs(Math.max(...ms)), fmtMs(w.wallMs), ...(withTx ? [fmtTx(w.txPerCommit), fmt(w.diagnosticsTx), fmt(w.deferredTx)] : [])];
  };
  console.log(
    table([
      ['wave', 'answers', 'p50 ms', 'p95 ms', 'max ms', 'wave wall ms', ...(withTx ? ['tx tried / request', '+ diagnostics tx', '+ deferred tx (jobs)'] : [])],
      ...sets.flatMap((w) => [row(`${w.clients} × POST /changeSets`, w.creates), row(`${w.clients} × POST /pages/submit`, w.submits)]),
    ]),
  );
}

const createBody = (i: number) => ({ spaceId: ENG, title: `Concurrent PR ${i}`, pageRefs: [{ pageId: String(FIRST_PAGE + i) }, { pageId: '2001' }] });
const submitBody = (i: number) => ({ pageId: String(FIRST_PAGE + i) });

/** Part A: over HTTP through the real local runtime; `check` runs on the reopened SQLite file. */
async function overHttp(clients: number, check: boolean): Promise<Waves> {
  const dir = mkdtempSync(join(tmpdir(), 'approvalflow-bench-rt-'));
  try {
    // The default `documented` profile delivers the client id in the request context (docs/forge-platform.md
    // U3), so attribution is checkable; `strict` records "unavailable".
    const runtime = await startLocalRuntime({ port: 0, dataDir: dir, profile: loadPlatformProfile('documented') });
    let waves: Waves;
    try {
      // Distinct pages to submit: copies of seed page 2001 (the runtime has no seed option; see docs/benchmarks.md).
      const template = runtime.site.getPage('2001');
      if (!template) throw new Error('seed page 2001 is missing');
      for (let i = 0; i < clients; i++) runtime.site.pages.set(String(FIRST_PAGE + i), copyOfPage2001(template, String(FIRST_PAGE + i)));

      const tokens: string[] = [];
      for (let i = 0; i < clients; i++) {
        const issued = await postJson(`${runtime.url}/local/oauth/dev-token`, { accountId: BOB, clientId: `bench-client-${i}`, scopes: SCOPES });
        if (issued.status !== 200) throw new Error(`dev-token: HTTP ${issued.status}`);
        tokens.push((issued.json as { access_token: string }).access_token);
      }
      // Half the clients use each public base-URL form.
      const base = (i: number) => runtime.info.apiBaseUrls[i % 2];
      const auth = (i: number) => ({ authorization: `Bearer ${tokens[i]}`, 'idempotency-key': `bench-${process.pid}-${i}-${performance.now()}` });
      const creates = await wave(clients, (i) => postJson(`${base(i)}/changeSets`, createBody(i), auth(i)));
      const submits = await wave(clients, (i) => postJson(`${base(i)}/pages/submit`, submitBody(i), auth(i)));
      waves = { clients, creates, submits };
      await runtime.app.idle();
    } finally {
      await runtime.close();
    }
    if (check) {
      const store = new SqliteStore({ file: join(dir, 'approvalflow.sqlite') });
      try {
        waves.report = `After closing the runtime and reopening its SQLite file:\n${await checkWrites(store, waves)}`;
      } finally {
        store.close();
      }
    }
    return waves;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Part B: the same waves in-process on the apiRoute handlers with Forge-like round trips (20 ms per
 * store call, 100 ms per Confluence call). Latency widens the window between reading the audit
 * chain head and committing, so this shows what contention on that one key costs.
 */
async function withForgeLatency(clients: number, check: boolean, profile = DEFAULT_PLATFORM_PROFILE): Promise<Waves> {
  const site = new SlowLocalSite({ seed: seedWithExtraPages(clients, FIRST_PAGE), profile }, 100);
  const inner = new MemoryStore();
  const counting = new TxByKind(inner);
  const clock = { now: () => Date.now() };
  const store = storeForProfile(new LatencyStore(counting, 20), profile, { clock, lagMs: DEFAULT_INDEX_LAG_MS });
  const app = createLocalApp({ store, site, clock, appId: MANIFEST_APP_ID, profile });
  await app.ready;
  await app.idle();
  const handlerWave = async (routeKey: string, body: (i: number) => unknown): Promise<Wave> => {
    counting.reset();
    const w = await wave(clients, (i) => invokeRoute(app.api, routeKey, { accountId: BOB, clientId: `bench-client-${i}`, body: body(i), profile }));
    await app.idle();
    const acknowledged = w.outcomes.filter((o) => o.status === 201).length;
    const per = (n: number) => (acknowledged > 0 ? n / acknowledged : NaN);
    return {
      ...w,
      txPerCommit: per(counting.tx.request),
      diagnosticsTx: per(counting.tx.diagnostics),
      deferredTx: per(counting.tx.deferred),
      sequencerTx: { ...counting.sequencer },
      conflicts: new Map(counting.conflicts),
    };
  };
  const waves: Waves = { clients, creates: await handlerWave('changeset-create', createBody), submits: await handlerWave('page-submit', submitBody) };
  await app.idle();
  if (check) waves.report = await checkWrites(inner, waves);
  return waves;
}

export async function runConcurrency(options: BenchOptions): Promise<void> {
  heading(`4. ${CLIENTS} concurrent clients: no lost write, no lost audit record`);
  await runConcurrencyOverHttp();
  await runConcurrencyWithLatency(options);
}

/** `--only=4b`: part B alone (no SQLite needed). */
export async function runConcurrencyB(options: BenchOptions): Promise<void> {
  heading(`4 B. ${CLIENTS} concurrent clients on the handlers with Forge-like latency`);
  await runConcurrencyWithLatency(options);
}

async function runConcurrencyOverHttp(): Promise<void> {
  console.log(`A. Local runtime over HTTP (port 0), SQLite file in a temp dir, one dev token per client (acc-bob, own client id), both base-URL forms, platform profile client-id-in-context.`);
  console.log('   Baseline = 1 client in the same run.\n');
  const httpBaseline = await overHttp(1, false);
  const http = await overHttp(CLIENTS, true);
  printWaves([httpBaseline, http]);
  console.log(`\n${http.report}`);
}

async function runConcurrencyWithLatency(_options: BenchOptions): Promise<void> {
  console.log('\nB. Same waves in-process on the apiRoute handlers, +20 ms per store call, +100 ms per Confluence call (MemoryStore).');
  console.log('   "tx tried / request" = store transactions tried per acknowledged request on the request path (idempotency records + conflict retries');
  console.log('   included; the diagnostics record of each invocation and the job consumer\'s transactions after the response are shown apart).\n');
  const latentBaseline = await withForgeLatency(1, false);
  const latent = await withForgeLatency(CLIENTS, true);
  printWaves([latentBaseline, latent]);
  printConflicts(latent);
  console.log(`\n${latent.report}`);
  // ratios of the unrounded figures (the table shows them to 2 decimals)
  const tx = (w: Wave) => w.txPerCommit ?? NaN;
  record('single.createTx', tx(latentBaseline.creates));
  record('single.submitTx', tx(latentBaseline.submits));
  record('single.diagnosticsTxPerRequest', latentBaseline.creates.diagnosticsTx ?? NaN);
  record('single.submitDeferredTx', latentBaseline.submits.deferredTx ?? NaN);
  record('concurrency.createContentionRatio50', tx(latent.creates) / tx(latentBaseline.creates));
  record('concurrency.submitContentionRatio50', tx(latent.submits) / tx(latentBaseline.submits));
  console.log(`\nContention ratios (${CLIENTS} clients ÷ 1, unrounded): creates ${(tx(latent.creates) / tx(latentBaseline.creates)).toFixed(3)}, page submits ${(tx(latent.submits) / tx(latentBaseline.submits)).toFixed(3)}`);
  printSequencer('documented', [latentBaseline, latent]);
  record('concurrency.sequencerFailedTxShare50', failedShare(latent.submits));
  record('concurrency.sequencerTxTried50', latent.submits.sequencerTx?.tried ?? NaN);
  // The strict profile's index queries lag writes (the sequencer's pending query among them): the same burst there.
  const strict = await withForgeLatency(CLIENTS, false, loadPlatformProfile('strict'));
  printSequencer('strict', [strict]);
  record('concurrency.sequencerFailedTxShare50Strict', failedShare(strict.submits));
  record('concurrency.sequencerTxTried50Strict', strict.submits.sequencerTx?.tried ?? NaN);
}

/** Which keys the refused request-path transactions lost on: where the contention is. */
function printConflicts(w: Waves): void {
  const line = (label: string, wave: Wave) => `${label}: ${[...(wave.conflicts ?? [])].map(([family, n]) => `${family} ${n}`).join(', ') || 'none'}`;
  console.log(`\nRequest-path transactions refused by a condition, by key family (${w.clients} clients):`);
  console.log(`  ${line('creates', w.creates)}\n  ${line('page submits', w.submits)}`);
}

const failedShare = (w: Wave): number => (w.sequencerTx && w.sequencerTx.tried > 0 ? w.sequencerTx.failed / w.sequencerTx.tried : 0);

/** The audit sequencer's transactions in each wave (with its jobs): a failed one lost the race for the chain head. */
function printSequencer(profile: string, sets: Waves[]): void {
  console.log(`\nAudit sequencer transactions (moving audit:head), profile ${profile}, per wave including the jobs it left:`);
  const row = (label: string, w: Wave) => [label, String(w.sequencerTx?.tried ?? ''), String(w.sequencerTx?.failed ?? ''), `${(100 * failedShare(w)).toFixed(0)} %`];
  console.log(
    table([
      ['wave', 'sequencer tx tried', 'failed (head moved)', 'failed share'],
      ...sets.flatMap((w) => [row(`${w.clients} × POST /changeSets`, w.creates), row(`${w.clients} × POST /pages/submit`, w.submits)]),
    ]),
  );
}
