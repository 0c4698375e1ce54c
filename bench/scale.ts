/**
 * Section 7 (issue 23 items 5-7): costs at large-customer scale that grow with the data rather than
 * the request. Counts are deterministic (CountingStore, the local site's call counter); times are
 * simulated from them (+20 ms per store call), never measured on this machine.
 *  - change-set list page: 50 change sets of 100 different pages each (5,000 pages on one list page)
 *  - approval queue: a page of 50 pending approvals; "waiting for me" among 10,000 pending (bench/queue-mine.ts)
 *  - big groups: a decision (2,000 members) and a status read (20,000 members) in a group step, and a
 *    status read when nobody of a 2,000-member group can view the page (the bounded stuck check)
 *  - rate limiter: store calls of the write that fills a client's window to 600
 */
import { createLocalSite } from '../local/site';
import { RestConfluenceSite } from '../src/adapters/confluence/rest-confluence';
import { DEFAULT_PLATFORM_PROFILE } from '../src/adapters/platform-profile';
import { CountingStore } from '../src/adapters/store/counting-store';
import { SimulatedLatencyStore } from '../src/adapters/store/simulated-latency-store';
import { EntityReadCounter } from '../src/adapters/store/entity-read-counter';
import { AUDIT_ENTITY } from '../src/core/ports/entities';
import { readVerifyJob } from '../src/core/audit/verify-job';
import { startAuditVerification } from '../src/core/services/audit-verify/start';
import { continueVerification } from '../src/core/services/audit-verify/continue';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { localSeedWorkflows } from '../local/app';
import { createEngine, seedWorkflows } from '../src/core/services';
import type { EngineDeps } from '../src/core/services';
import { RateLimiter } from '../src/transport/shared/rate-limit';
import { AuditTrail, runAuditRetention } from '../src/core/audit';
import { createContext } from '../src/core/services/context';
import { AUDIT_PURGE_PER_RUN, runDailyJob } from '../src/core/lifecycle/daily-job';
import { CONTINUATION_BUDGET_MS } from '../src/core/lifecycle/continue-run';
import type { Workflow } from '../src/core/domain/model';
import type { Job } from '../src/core/ports/jobs';
import type { BenchOptions } from './support';
import { mineAtScale } from './queue-mine';
import { BOB, CAROL, CounterIds, ENG, apiCaller, heading, pageRefs, record, seedWithExtraPages, table, uiCaller } from './support';

const FIRST = 4001;
const PAGES_PER_SET = 100;
const SETS = 50;
const PROFILE_ACCESS = { impersonation: DEFAULT_PLATFORM_PROFILE.apiRouteImpersonation, appUserIsConfluenceAdmin: DEFAULT_PLATFORM_PROFILE.appUserIsConfluenceAdmin };

const storeCalls = (c: CountingStore): number => c.counts.get + c.counts.getMany + c.counts.query + c.counts.transact + c.counts.getEntities + c.counts.queryEntity;

async function listAndQueue(rows: (string | number)[][]): Promise<void> {
  const site = createLocalSite({ seed: seedWithExtraPages(SETS * PAGES_PER_SET, FIRST) });
  const counting = new CountingStore(new MemoryStore());
  const ids = new CounterIds('s');
  // one engine per caller, its Confluence access acting as them (as a resolver or apiRoute invocation is)
  const engineFor = (accountId: string) => {
    const deps: EngineDeps = {
      store: counting,
      confluence: new RestConfluenceSite(site.transport(), { ...PROFILE_ACCESS, actingAccountId: accountId }),
      clock: { now: () => Date.now() },
      ids,
      jobs: { push: () => Promise.resolve() },
    };
    return { deps, engine: createEngine(deps, { log: () => undefined }) };
  };
  const { deps, engine } = engineFor(BOB);
  await seedWorkflows(deps, localSeedWorkflows(Date.now()));
  const bob = apiCaller(BOB);
  let firstSetId = '';
  // 50 change sets of 100 different pages each: 5,000 pages on one list page
  for (let i = 0; i < SETS; i++) {
    const cs = await engine.changeSets.create(bob, { spaceId: ENG, title: `Scale ${i}`, pageRefs: pageRefs(FIRST + i * PAGES_PER_SET, PAGES_PER_SET) });
    firstSetId ||= cs.id;
  }
  const measure = async (label: string, fn: () => Promise<number>): Promise<number> => {
    counting.reset();
    site.resetCalls();
    const shown = await fn();
    rows.push([label, shown, storeCalls(counting), site.calls.total]);
    return site.calls.total;
  };
  const list = await measure(`change-set list page (${SETS} sets × ${PAGES_PER_SET} different pages)`, async () => {
    const page = await engine.changeSets.list(bob, { spaceId: ENG, limit: SETS });
    if (page.items.length !== SETS) throw new Error(`list showed ${page.items.length} change sets`);
    return page.items.length;
  });
  record('changeSetList.confluenceCallsPerListPage', list);
  await measure(`change-set detail (${PAGES_PER_SET} pages)`, async () => (await engine.changeSets.get(bob, firstSetId)).pages.length);

  const submitted = await engine.changeSets.submit(bob, firstSetId);
  if (submitted.submittedCount !== PAGES_PER_SET) throw new Error(`submit submitted ${submitted.submittedCount}`);
  const carol = engineFor(CAROL).engine;
  const queue = await measure('approval queue page (50 pending)', async () => {
    const page = await carol.approvals.queue(uiCaller(CAROL), ENG, { limit: 50 });
    if (page.items.length !== 50) throw new Error(`queue showed ${page.items.length}`);
    return page.items.length;
  });
  record('queue.confluenceCallsPerPage', queue);
  await measure('approval queue, mine (50 pending)', async () => (await carol.approvals.queue(uiCaller(CAROL), ENG, { limit: 50, mine: true })).items.length);
}

const BIG_GROUP = 2_000;

/** The local site with `size` extra accounts in the seed's eng-reviewers group. */
function siteWithCrowd(size: number): { site: ReturnType<typeof createLocalSite>; group: { id: string } } {
  const seed = seedWithExtraPages(0);
  const crowd = Array.from({ length: size }, (_, i) => `acc-crowd-${i}`);
  seed.users.push(...crowd.map((accountId) => ({ accountId, displayName: accountId, email: `${accountId}@example.com` })));
  const group = seed.groups.find((g) => g.name === 'eng-reviewers');
  if (!group) throw new Error('the seed has no eng-reviewers group');
  group.members.push(...crowd);
  return { site: createLocalSite({ seed }), group };
}

/**
 * A decision in a step of one Confluence group of 2,000 members ("any" of the group): Confluence
 * calls of the decision, its preview included. Before issue 23 item 5 both listed the whole group
 * (200 a page; a group over 10,000 members failed); now each asks the decider's groups once.
 */
async function groupDecision(rows: (string | number)[][]): Promise<void> {
  const { site, group } = siteWithCrowd(BIG_GROUP);
  const deps = { store: new MemoryStore(), confluence: new RestConfluenceSite(site.transport(), PROFILE_ACCESS), clock: { now: () => Date.now() }, ids: new CounterIds('g') };
  await seedWorkflows(deps, localSeedWorkflows(Date.now()));
  const engine = createEngine(deps, { log: () => undefined });
  await engine.workflows.update(uiCaller('acc-alice'), 'wf-eng-review', { steps: [{ approvers: [`group:${group.id}`], mode: 'any' }] });
  const approval = await engine.approvals.submitPage(uiCaller(BOB), '2001');
  site.resetCalls();
  await engine.approvals.decisionPreview(uiCaller(CAROL), approval.id);
  const decided = await engine.approvals.decide(uiCaller(CAROL), approval.id, 'approve');
  if (decided.status !== 'approved') throw new Error(`the decision left the approval ${decided.status}`);
  rows.push([`decision + preview, step of one ${BIG_GROUP}-member group`, BIG_GROUP, '-', site.calls.total]);
  record('decision.confluenceCallsBigGroup', site.calls.total);
}

const HUGE_GROUP = 20_000;

/**
 * Status of a page pending in a step that needs 2 approvals of one 20,000-member Confluence group,
 * after one of them: Confluence calls of the status read (progress, approvers, the stuck check).
 * Before, every group was listed to the end, and a group over 10,000 members failed with
 * CONFLUENCE_ERROR; now one page of members names the first 50 and the stuck check stops at enough.
 */
async function groupStatus(rows: (string | number)[][]): Promise<void> {
  const { site, group } = siteWithCrowd(HUGE_GROUP);
  const engineAs = (accountId: string) =>
    createEngine({ store, confluence: new RestConfluenceSite(site.transport(), { ...PROFILE_ACCESS, actingAccountId: accountId }), clock: { now: () => Date.now() }, ids }, { log: () => undefined });
  const store = new MemoryStore();
  const ids = new CounterIds('h');
  await seedWorkflows({ store, confluence: new RestConfluenceSite(site.transport(), PROFILE_ACCESS), clock: { now: () => Date.now() }, ids }, localSeedWorkflows(Date.now()));
  await engineAs('acc-alice').workflows.update(uiCaller('acc-alice'), 'wf-eng-review', { steps: [{ groups: [{ key: 'crowd', name: 'Crowd', approvers: [`group:${group.id}`], required: 2 }] }] });
  const approval = await engineAs(BOB).approvals.submitPage(uiCaller(BOB), '2001');
  await engineAs(CAROL).approvals.decide(uiCaller(CAROL), approval.id, 'approve');
  site.resetCalls();
  const status = await engineAs(BOB).approvals.pageStatus(uiCaller(BOB), '2001');
  if (!status.pending?.groups[0]?.waitingForMore) throw new Error('the status did not say more people are waited for');
  rows.push([`status read, step of one ${HUGE_GROUP}-member group`, HUGE_GROUP, '-', site.calls.total]);
  record('status.confluenceCallsBigGroup', site.calls.total);
}

/** The local site's page restricted to Alice and Bob (SPEC 7.1 seed): no member of the crowd can view it. */
const RESTRICTED_PAGE = '2012';

/**
 * Status of a page pending in a step that needs 2 approvals of one 2,000-member group, none of whose
 * members can view the page (issue 23, branch s-stuck): Confluence calls of one status read. Before,
 * the stuck check widened to every member (one page read each: past Forge's 25 s and a 99-call cap);
 * now a read looks at READ_STUCK_MEMBERS members and shows the daily job's verdict (second row: the
 * same read after the daily job judged the whole group).
 */
async function stuckGroupStatus(rows: (string | number)[][]): Promise<void> {
  const { site, group } = siteWithCrowd(BIG_GROUP);
  const store = new MemoryStore();
  const ids = new CounterIds('k');
  const deps = (accountId?: string) => ({ store, confluence: new RestConfluenceSite(site.transport(), { ...PROFILE_ACCESS, ...(accountId ? { actingAccountId: accountId } : {}) }), clock: { now: () => Date.now() }, ids });
  const engineAs = (accountId: string) => createEngine(deps(accountId), { log: () => undefined });
  await seedWorkflows(deps(), localSeedWorkflows(Date.now()));
  await engineAs('acc-alice').workflows.update(uiCaller('acc-alice'), 'wf-eng-review', { steps: [{ groups: [{ key: 'crowd', name: 'Crowd', approvers: [`group:${group.id}`], required: 2 }] }] });
  await engineAs(BOB).approvals.submitPage(uiCaller(BOB), RESTRICTED_PAGE, 'wf-eng-review');
  const read = async (): Promise<{ calls: number; stuck: boolean }> => {
    site.resetCalls();
    const status = await engineAs(BOB).approvals.pageStatus(uiCaller(BOB), RESTRICTED_PAGE);
    return { calls: site.calls.total, stuck: (status.pending?.stuck?.length ?? 0) > 0 };
  };
  const first = await read();
  rows.push([`status read, ${BIG_GROUP}-member group nobody can view the page (stuck: ${first.stuck ? 'yes' : 'not known'})`, BIG_GROUP, '-', first.calls]);
  record('status.confluenceCallsStuckBigGroup', first.calls);
  await runDailyJob.execute(createContext(deps(), () => undefined), { deadline: Date.now() + 600_000 });
  const judged = await read();
  rows.push([`  the same after the daily job (stuck: ${judged.stuck ? 'yes' : 'not known'})`, BIG_GROUP, '-', judged.calls]);
}

/** 600 writes of different accounts through one client id: the last one fills the client's window. */
async function rateLimit(rows: (string | number)[][]): Promise<void> {
  const counting = new CountingStore(new MemoryStore());
  const now = Date.UTC(2026, 11, 7, 6, 0, 0);
  const limiter = new RateLimiter(counting, undefined, { now: () => now });
  const perFill: Record<number, number> = {};
  for (let i = 1; i <= 600; i++) {
    counting.reset();
    await limiter.admit({ accountId: `acc-${i}`, clientId: 'ci-client' }, true);
    perFill[i] = storeCalls(counting);
  }
  for (const fill of [1, 100, 300, 600]) rows.push([`rate-limited write, client window at ${fill}`, fill, perFill[fill], 0]);
  record('rateLimit.storeCallsPerWrite600', perFill[600]);
}

/** Simulated Forge latency per store call (issue 23 table: "+20 ms per store call"). */
const STORE_CALL_MS = 20;
/** The local site's site admin (SPEC 7.1 seed): starts the verification job. */
const ADMIN = 'acc-alice';

/**
 * An audit trail of `count` sequenced records (realistic sizes: an approval's record with details),
 * then: the export in chunks (largest chunk in bytes) and verify as the resumable job (issue 23
 * item 6): every `audit.verify` job the admin's start causes runs through the real handler over a
 * store whose calls move the clock by 20 ms (SimulatedLatencyStore). The largest invocation does not
 * grow with the trail (each step reads a fixed-size page and the progress keeps no per-record state),
 * so it stands for 1M records; the job's total time and invocations are extrapolated linearly.
 */
async function auditAtScale(rows: (string | number)[][], count: number): Promise<void> {
  const counting = new CountingStore(new MemoryStore());
  let now = Date.UTC(2026, 0, 1);
  const trail = new AuditTrail({ store: counting, clock: { now: () => now }, ids: new CounterIds('a') });
  const PER_TX = 8; // approval records also write a feed event: 3 ops each, ≤ 25 per transaction
  for (let i = 0; i < count; i += PER_TX) {
    now += 1_000;
    const entries = Array.from({ length: Math.min(PER_TX, count - i) }, (_, k) => ({
      actor: k % 2 ? BOB : CAROL,
      action: k % 2 ? ('approval.submitted' as const) : ('approval.approved' as const),
      spaceId: ENG,
      pageId: String(FIRST + ((i + k) % 5000)),
      pageVersion: 3,
      approvalId: `ap-${i + k}`,
      workflowId: 'wf-eng-review',
      source: 'ui' as const,
      details: { comment: 'Looks good to me; checked the diagrams and the rollout plan.', workflowVersion: 1 },
    }));
    await counting.transact(trail.prepareAppend(entries));
  }
  while ((await trail.sequence({ maxBatches: 1_000 })).remaining > 0);

  counting.reset();
  let maxChunk = 0;
  let chunks = 0;
  let exported = 0;
  let cursor: string | undefined;
  do {
    const chunk = await trail.exportChunk({}, 'csv', { ...(cursor ? { cursor } : {}), namesOf: () => Promise.resolve(new Map()) });
    maxChunk = Math.max(maxChunk, Buffer.byteLength(chunk.content, 'utf8'));
    chunks += 1;
    exported += chunk.records;
    cursor = chunk.nextCursor;
  } while (cursor);
  if (exported !== count) throw new Error(`export answered ${exported} of ${count} records`);
  rows.push([`audit export, ${count} records (${chunks} chunks; largest in bytes →)`, count, storeCalls(counting), maxChunk]);
  record(`auditExport.maxChunkBytes${count / 1000}k`, maxChunk);

  await verifyJobAtScale(rows, counting, count, { now: () => now, advance: (ms) => void (now += ms) });
}

/** The verification job over the trail: the admin's start, then each queued slice through the real handler. */
async function verifyJobAtScale(rows: (string | number)[][], counting: CountingStore, count: number, time: { now: () => number; advance: (ms: number) => void }): Promise<void> {
  const queued: Job[] = [];
  const site = createLocalSite({ seed: seedWithExtraPages(0, FIRST) });
  const recordReads = new EntityReadCounter(counting, AUDIT_ENTITY);
  const ctx = createContext(
    { store: new SimulatedLatencyStore(recordReads, time.advance, STORE_CALL_MS), confluence: new RestConfluenceSite(site.transport()), clock: { now: time.now }, ids: new CounterIds('v') },
    () => undefined,
  );
  const queue = { ...ctx, jobs: { push: (jobs: Job[]) => Promise.resolve(void queued.push(...jobs)) } };
  counting.reset();
  await startAuditVerification.execute(queue, uiCaller(ADMIN));
  let slices = 0;
  let longest = 0;
  for (let job = queued.shift(); job; job = queued.shift()) {
    if (job.kind !== 'audit.verify') continue;
    const started = time.now();
    await continueVerification(queue, job.jobId);
    longest = Math.max(longest, time.now() - started);
    slices += 1;
  }
  const result = (await readVerifyJob(counting))?.job;
  if (!result || result.progress.phase !== 'done' || result.progress.chainProblem || result.progress.keyProblem) throw new Error('the verification job did not verify the trail');
  const calls = storeCalls(counting);
  const totalSeconds1M = ((calls * 1_000_000) / count) * (STORE_CALL_MS / 1000);
  // the job's whole time is what one invocation took before (the same reads), now spread over the slices
  rows.push([`audit verify job, ${count} records (${slices} invocations; largest s → whole job s at 1M)`, count, calls, `${(longest / 1000).toFixed(1)} → ${totalSeconds1M.toFixed(0)}`]);
  record('auditVerify.maxInvocationSeconds1M', longest / 1000);
  record('auditVerify.jobSeconds1M', totalSeconds1M);
  // every af-audit read of the start and the job's slices, per record read (issue 23 item 6: goal 1)
  if (recordReads.reads.size < count) throw new Error(`the verification read ${recordReads.reads.size} of ${count} records`);
  record('auditVerify.recordReadsPerRecord', recordReads.total() / recordReads.reads.size);
}

/** The pessimistic Forge model of section 5 (bench/lifecycle.ts): per store call, per comment (posted 10 at a time). */
const LIFECYCLE_STORE_MS = 100;
const LIFECYCLE_COMMENT_MS = 500;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Due pages: store calls per due page of one run (measured), turned into wall time with section 5's
 * model. Before issue 23 a run stopped at its 600 s budget and the rest waited a day; now every pass
 * enqueues the next at once (lifecycle.continue), so the hours are the work's own time.
 */
async function lifecycleAtScale(rows: (string | number)[][], pages: number): Promise<void> {
  let now = Date.UTC(2026, 0, 5, 9);
  const clock = { now: () => now };
  const site = createLocalSite({ now: () => new Date(now), seed: seedWithExtraPages(pages, FIRST) });
  const counting = new CountingStore(new MemoryStore());
  const deps = { store: counting, confluence: new RestConfluenceSite(site.transport()), clock, ids: new CounterIds('l') };
  const workflow: Workflow = {
    id: 'wf-scale-recert', spaceId: ENG, name: 'Scale recertification', enabled: true, owners: [], allowSelfApproval: false,
    steps: [{ approvers: [CAROL], mode: 'any' }], reviewPeriodDays: 90, reminderWindowDays: 14,
    createdAt: now, createdBy: 'system', updatedAt: now, updatedBy: 'system', version: 1,
  };
  await seedWorkflows(deps, [workflow]);
  const engine = createEngine(deps, { log: () => undefined });
  for (const { pageId } of pageRefs(FIRST, pages)) {
    const approval = await engine.approvals.submitPage(uiCaller(BOB), pageId, workflow.id);
    await engine.approvals.decide(uiCaller(CAROL), approval.id, 'approve');
  }
  now += 77 * DAY_MS;
  const pushed: Job[] = [];
  const ctx = { ...createContext(deps, () => undefined), jobs: { push: (jobs: Job[]) => Promise.resolve(void pushed.push(...jobs)) } };
  counting.reset();
  site.resetCalls();
  const result = await runDailyJob.execute(ctx, { deadline: now + CONTINUATION_BUDGET_MS });
  if (result.processed !== pages) throw new Error(`the run processed ${result.processed} of ${pages} due pages`);
  const msPerPage = (storeCalls(counting) / pages) * LIFECYCLE_STORE_MS + LIFECYCLE_COMMENT_MS / 10;
  const pagesPerPass = Math.floor(CONTINUATION_BUDGET_MS / msPerPage);
  const hoursBefore = Math.ceil(100_000 / pagesPerPass) * 24;
  const hoursAfter = (100_000 * msPerPage) / HOUR_MS;
  rows.push([`daily run, ${pages} due (store calls; h for 100k before → after)`, pages, storeCalls(counting), `${hoursBefore} → ${hoursAfter.toFixed(1)}`]);
  record('lifecycle.hoursFor100kDue', hoursAfter);
}

/**
 * Audit retention: store calls per purged record (measured over `count` records past the window),
 * and what that allows in a day of passes at section 5's 100 ms per store call. Before issue 23 a
 * day's run purged at most one chunk (600 records).
 */
async function retentionAtScale(rows: (string | number)[][], count: number): Promise<void> {
  const counting = new CountingStore(new MemoryStore());
  let now = Date.UTC(2025, 0, 1);
  const trail = new AuditTrail({ store: counting, clock: { now: () => now }, ids: new CounterIds('r') });
  for (let i = 0; i < count; i += 8) {
    const entries = Array.from({ length: Math.min(8, count - i) }, () => ({ actor: BOB, action: 'approval.submitted' as const, spaceId: ENG, pageId: String(FIRST), source: 'ui' as const, details: {} }));
    await counting.transact(trail.prepareAppend(entries));
  }
  while ((await trail.sequence({ maxBatches: 1_000 })).remaining > 0);
  now += 400 * DAY_MS;
  counting.reset();
  let removed = 0;
  for (;;) {
    const run = await runAuditRetention(trail, { now, maxDeletes: AUDIT_PURGE_PER_RUN });
    removed += run.removed;
    if (run.done) break;
  }
  if (removed < count) throw new Error(`retention removed ${removed} of ${count}`);
  const perDay = Math.floor(DAY_MS / ((storeCalls(counting) / removed) * LIFECYCLE_STORE_MS));
  rows.push([`audit retention, ${count} records past the window (records per day →)`, removed, storeCalls(counting), perDay]);
  record('retention.recordsPerDayCapacity', perDay);
}

export async function runScale(options: BenchOptions): Promise<void> {
  heading('7. Costs at large-customer scale (issue 23)');
  const rows: (string | number)[][] = [['operation', 'items', 'store calls', 'Confluence calls / other']];
  await listAndQueue(rows);
  await mineAtScale(rows);
  await groupDecision(rows);
  await groupStatus(rows);
  await stuckGroupStatus(rows);
  await rateLimit(rows);
  await auditAtScale(rows, options.quick ? 10_000 : 100_000);
  await retentionAtScale(rows, options.quick ? 2_000 : 10_000);
  await lifecycleAtScale(rows, options.quick ? 100 : 300);
  console.log(table(rows));
}
