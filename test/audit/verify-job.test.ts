/**
 * Audit verification as a resumable consumer job (issue 23 item 6): the admin starts it, each
 * `audit.verify` job runs one bounded slice from the saved checkpoint, and the result is the one the
 * synchronous verify gives. Store calls move the fake clock (SimulatedLatencyStore), so slices stop
 * where they would on Forge.
 */
import { SimulatedLatencyStore } from '../../src/adapters/store/simulated-latency-store';
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import { StoreError, type EntityItem, type EntityPage, type EntityQuery, type KeyValueStore } from '../../src/core/ports/store';
import type { Job } from '../../src/core/ports/jobs';
import { createJobHandlers } from '../../src/core/services/jobs';
import { VERIFY_JOB_KEY } from '../../src/core/audit/keys';
import { recordOfEntity } from '../../src/core/audit/records';
import { VERIFY_SLICE_MS, VERIFY_STALL_MS } from '../../src/core/audit/verify-job';
import { skAt } from './support';
import { API_ROUTES } from '../../src/transport/api/routes';
import { ALICE, BOB, ENG, codeOf, setup, ui, type TestEnv } from '../engine/helpers';

/** Simulated time per store call: a slice of 15 s makes about 5 calls, so a trail of 600 records takes several slices. */
const MS_PER_CALL = 3_000;
const RECORDS = 600;

/** Fails every record read while armed, as an invocation that crashes mid-slice. */
class CrashingStore extends StoreDecorator {
  armedAfter: number | undefined;
  private fail(): void {
    if (this.armedAfter === undefined) return;
    if (this.armedAfter-- <= 0) throw new StoreError('UNAVAILABLE', 'simulated crash');
  }
  override getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    this.fail();
    return super.getEntities<T>(entity, keys);
  }
  override queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    this.fail();
    return super.queryEntity<T>(query);
  }
}

interface Rig {
  env: TestEnv;
  queue: Job[];
  crashing: CrashingStore;
  /** runs queued verification slices until none is left; answers the simulated ms of each */
  drain: () => Promise<number[]>;
}

async function rig(records = RECORDS): Promise<Rig> {
  const queue: Job[] = [];
  let advance = (ms: number): void => void ms;
  let crashing: CrashingStore | undefined;
  const env = await setup({
    jobs: { push: async (jobs) => void queue.push(...jobs) },
    wrap: (base) => new SimulatedLatencyStore((crashing = new CrashingStore(base)), (ms) => advance(ms), MS_PER_CALL),
  });
  for (let i = 0; i < records; i += 8) {
    env.tick();
    const entries = Array.from({ length: Math.min(8, records - i) }, (_, k) => ({ actor: BOB, action: 'approval.submitted' as const, spaceId: ENG, pageId: '2001', source: 'ui' as const, details: { n: i + k } }));
    await env.deps.store.transact(env.audit.prepareAppend(entries));
  }
  while ((await env.audit.sequence({ maxBatches: 100 })).remaining > 0);
  advance = (ms) => env.tick(ms);
  const handlers = createJobHandlers(env.deps, { 'audit.sequence': async () => undefined }, () => undefined);
  const drain = async (): Promise<number[]> => {
    const slices: number[] = [];
    for (let job = queue.shift(); job; job = queue.shift()) {
      if (job.kind !== 'audit.verify') continue;
      const before = env.deps.clock.now();
      await handlers['audit.verify'](job);
      slices.push(env.deps.clock.now() - before);
    }
    return slices;
  };
  return { env, queue, crashing: crashing!, drain };
}

async function status(env: TestEnv) {
  return (await env.engine.audit.verificationStatus(ui(ALICE))).job;
}

async function entityAt(store: KeyValueStore, seq: number): Promise<EntityItem> {
  return (await store.getEntities(AUDIT_ENTITY, [await skAt(store, seq)]))[0];
}

describe('audit verification job', () => {
  it('verifies a trail slice by slice, every invocation within the slice budget, with the synchronous verify’s result', async () => {
    const { env, queue, drain } = await rig();
    const expected = await env.audit.verify();
    const started = await env.engine.audit.startVerification(ui(ALICE));
    expect(started).toMatchObject({ state: 'running', phase: 'chain', verified: 0, startedBy: ALICE });
    expect(queue).toEqual([{ kind: 'audit.verify', jobId: started.jobId }]);
    const slices = await drain();
    expect(slices.length).toBeGreaterThanOrEqual(4);
    // a slice stops starting steps at its budget: past it only the step under way (≤ 5 calls here), the job read and the save
    expect(Math.max(...slices)).toBeLessThanOrEqual(VERIFY_SLICE_MS + 7 * MS_PER_CALL);
    const done = await status(env);
    expect(done).toMatchObject({ jobId: started.jobId, state: 'done', phase: 'done', verified: expected.checked, total: expected.checked });
    expect(done?.result).toEqual({ ...expected, unsequenced: { count: 1, oldestAt: expect.any(Number) } }); // its own start record, not linked yet
    expect(expected.checked).toBeGreaterThanOrEqual(RECORDS);
  });

  it('resumes after a crash mid-slice from the last checkpoint and ends with the same result', async () => {
    const { env, queue, crashing, drain } = await rig();
    const expected = await env.audit.verify();
    await env.engine.audit.startVerification(ui(ALICE));
    const handlers = createJobHandlers(env.deps, { 'audit.sequence': async () => undefined }, () => undefined);
    const first = queue.shift()!;
    await handlers['audit.verify'](first as Extract<Job, { kind: 'audit.verify' }>);
    const checkpoint = (await env.store.get(VERIFY_JOB_KEY))!;
    const second = queue.shift() as Extract<Job, { kind: 'audit.verify' }>;
    crashing.armedAfter = 1; // the invocation dies after its first page of records
    await expect(handlers['audit.verify'](second)).rejects.toThrow('simulated crash');
    crashing.armedAfter = undefined;
    expect(await env.store.get(VERIFY_JOB_KEY)).toEqual(checkpoint); // nothing of the crashed slice was saved
    expect(queue).toEqual([]);
    queue.push(second); // the queue redelivers the failed job
    await drain();
    const done = await status(env);
    expect(done?.state).toBe('done');
    expect({ ...done?.result, unsequenced: undefined }).toEqual({ ...expected, unsequenced: undefined });
  });

  it('finds a record tampered with in a later slice, with its seq, and records who started and the outcome', async () => {
    const { env, queue } = await rig();
    const target = RECORDS - 40;
    const victim = await entityAt(env.store, target);
    const rec = victim.value.rec as Record<string, unknown>;
    await env.store.transact([{ op: 'put', entity: AUDIT_ENTITY, key: victim.key, value: { ...victim.value, rec: { ...rec, details: { n: -1 } } } }]);
    const started = await env.engine.audit.startVerification(ui(ALICE));
    const handlers = createJobHandlers(env.deps, { 'audit.sequence': async () => undefined }, () => undefined);
    // slice by slice: once the single pass meets the damage, the passes that name it count the chain again from 0, and the status says so
    const seen: Array<{ phase: string; naming: boolean; verified: number }> = [];
    for (let job = queue.shift(); job; job = queue.shift()) {
      await handlers['audit.verify'](job as Extract<Job, { kind: 'audit.verify' }>);
      const { phase, naming, verified } = (await status(env))!;
      seen.push({ phase, naming, verified });
    }
    // the first slice verified part of the chain, short of the damage
    expect(seen[0]).toMatchObject({ phase: 'chain', naming: false });
    expect(seen[0].verified).toBeLessThan(target - 100);
    const first = seen.findIndex((s) => s.naming);
    expect(first).toBeGreaterThan(0);
    expect(seen.slice(first).every((s) => s.naming)).toBe(true);
    expect(seen[first].verified).toBeLessThan(seen[first - 1].verified); // what would read as a restart without `naming`
    expect(seen.slice(first).some((s) => s.phase === 'chain')).toBe(true);
    expect((await status(env))?.result).toMatchObject({ ok: false, firstBadSeq: target, checked: target - 1, reason: 'RECORD_ALTERED' });
    const records = (await env.auditRecords()).filter((r) => r.action.startsWith('audit.verif'));
    expect(records.map((r) => [r.action, r.actor])).toEqual([
      ['audit.verify_started', ALICE],
      ['audit.verified', 'system'],
    ]);
    expect(records[1].details).toMatchObject({ jobId: started.jobId, startedBy: ALICE, ok: false, firstBadSeq: target, reason: 'RECORD_ALTERED' });
  });

  it('a retention purge while the job runs: it starts over from the new checkpoint instead of reporting the purged records', async () => {
    const { env, queue, drain } = await rig();
    await env.engine.audit.startVerification(ui(ALICE));
    const handlers = createJobHandlers(env.deps, { 'audit.sequence': async () => undefined }, () => undefined);
    await handlers['audit.verify'](queue.shift() as Extract<Job, { kind: 'audit.verify' }>);
    const before = (await status(env))!.verified;
    // the purge removes records the first slice has not reached yet
    const cut = recordOfEntity(await entityAt(env.store, 480));
    const { removed } = await env.audit.purge(cut.at, 'system');
    expect(removed).toBeGreaterThan(before + 100);
    await drain();
    const expected = await env.audit.verify();
    expect(expected).toMatchObject({ ok: true });
    expect({ ...(await status(env))?.result, unsequenced: undefined }).toEqual({ ...expected, unsequenced: undefined });
  });

  it('a second start while one runs answers the running job and queues nothing; a stalled job is resumed, not restarted', async () => {
    const { env, queue, drain } = await rig(80);
    const first = await env.engine.audit.startVerification(ui(ALICE));
    env.tick(1_000);
    const again = await env.engine.audit.startVerification(ui(ALICE));
    expect(again).toMatchObject({ jobId: first.jobId, state: 'running', stalled: false });
    expect(queue).toHaveLength(1);
    // the message is lost: past the stall time the job shows as stalled, and a start takes it up again
    queue.length = 0;
    env.tick(VERIFY_STALL_MS);
    expect(await status(env)).toMatchObject({ jobId: first.jobId, stalled: true });
    const resumed = await env.engine.audit.startVerification(ui(ALICE));
    expect(resumed).toMatchObject({ jobId: first.jobId, stalled: false });
    expect(queue).toEqual([{ kind: 'audit.verify', jobId: first.jobId }]);
    await drain();
    expect((await status(env))?.result).toMatchObject({ ok: true });
    expect((await env.auditRecords()).filter((r) => r.action === 'audit.verify_started')).toHaveLength(1);
  });

  it('a damaged job record shows as no job and does not block the next start', async () => {
    const { env, drain } = await rig(8);
    await env.store.transact([{ op: 'put', key: VERIFY_JOB_KEY, value: { id: 'x', progress: 'garbage' } }]);
    expect(await status(env)).toBeNull();
    await env.engine.audit.startVerification(ui(ALICE));
    await drain();
    expect((await status(env))?.result).toMatchObject({ ok: true });
  });

  it('a duplicate delivery of a slice saves once and continues once', async () => {
    const { env, queue } = await rig(80);
    await env.engine.audit.startVerification(ui(ALICE));
    const handlers = createJobHandlers(env.deps, { 'audit.sequence': async () => undefined }, () => undefined);
    const job = queue.shift() as Extract<Job, { kind: 'audit.verify' }>;
    await Promise.all([handlers['audit.verify'](job), handlers['audit.verify'](job)]);
    expect(queue).toEqual([job]);
  });

  it('refuses non-admins like every admin call (FORBIDDEN, audited) and has no REST route', async () => {
    const { env } = await rig(8);
    expect(await codeOf(env.engine.audit.startVerification(ui(BOB)))).toBe('FORBIDDEN');
    expect(await codeOf(env.engine.audit.verificationStatus(ui(BOB)))).toBe('FORBIDDEN');
    const denied = (await env.auditRecords()).filter((r) => r.action === 'access.denied').map((r) => r.details.operation);
    expect(denied).toEqual(['audit.verifyJob.start', 'audit.verifyJob.status']);
    expect(await env.store.get(VERIFY_JOB_KEY)).toBeUndefined();
    expect(API_ROUTES.filter((r) => /audit|verif/i.test(`${r.key} ${r.path}`))).toEqual([]);
  });

  it('the synchronous verify refuses a trail longer than one call verifies', async () => {
    const { env } = await rig(16);
    const { checked } = await env.audit.verify(); // the 16 and the seeded workflows' records
    expect(await codeOf(env.audit.verify({ maxRecords: checked - 1 }))).toBe('AUDIT_VERIFY_TOO_LARGE');
    expect(await env.audit.verify({ maxRecords: checked })).toMatchObject({ ok: true, checked });
  });
});
