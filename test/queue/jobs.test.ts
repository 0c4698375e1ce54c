/**
 * Work deferred past the response: the submission comment job (posted once, however often it is
 * delivered), the consumer's retry policy, the push limits of Forge async events (adapter and the
 * local twin), and the local runtime delivering jobs after the request answered.
 */
import { EventQueueJobs, pushPayloadBytes, pushRequests } from '../../src/adapters/queue/event-queue-jobs';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import type { Job, JobHandlers } from '../../src/core/ports/jobs';
import { QUEUE_LIMITS } from '../../src/core/ports/jobs';
import { createJobHandlers } from '../../src/core/services/jobs';
import { keys } from '../../src/core/services/keys';
import { JOB_RETRY, createQueueConsumer } from '../../src/transport/queue/consumer';
import { createLocalApp } from '../../local/app';
import { createLocalSite } from '../../local/site';
import { LocalEventQueue } from '../../local/server/job-queue';
import { call } from '../api/helpers';
import { BOB, setup, ui } from '../engine/helpers';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { JOB_QUEUE_KEY } from '../../src/adapters/forge/forge-queue';

const noSequencing = { 'audit.sequence': () => Promise.resolve() };

/** Submits page 2001 with jobs collected, not run; returns the env and the queued jobs. */
async function submitted() {
  const jobs: Job[] = [];
  const env = await setup({ jobs: { push: (pushed) => Promise.resolve(void jobs.push(...pushed)) } });
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001');
  return { env, approval, jobs };
}

const commentsOn = (env: Awaited<ReturnType<typeof setup>>, pageId: string) => env.site.listComments(pageId).length;

describe('the notify.submitted job', () => {
  it('is queued by the submit, not run in it, and posts the comment once however often it is delivered', async () => {
    const { env, approval, jobs } = await submitted();
    expect(jobs).toEqual([{ kind: 'notify.submitted', approvalId: approval.id }, { kind: 'audit.sequence' }]);
    const before = commentsOn(env, '2001');
    const consumer = createQueueConsumer({ handlers: () => createJobHandlers(env.deps, noSequencing), retry: (s) => ({ retryAfterSeconds: s }) });
    expect(await consumer({ body: jobs[0] })).toBeUndefined();
    expect(await consumer({ body: jobs[0], retryContext: { retryCount: 1 } })).toBeUndefined();
    expect(commentsOn(env, '2001')).toBe(before + 1);
    expect((await env.store.get(keys.approvalComment(approval.id)))?.value).toEqual({ commentId: expect.any(String) });
  });

  it('asks for a redelivery when Confluence refused the comment, and the redelivery posts it', async () => {
    const { env, jobs } = await submitted();
    let failures = 1;
    const flaky = Object.create(env.deps.confluence) as RestConfluenceSite;
    flaky.createPageComment = (input) => (failures-- > 0 ? Promise.reject(new Error('503')) : (env.deps.confluence as RestConfluenceSite).createPageComment(input));
    const before = commentsOn(env, '2001');
    const consumer = createQueueConsumer({
      handlers: () => createJobHandlers({ ...env.deps, confluence: flaky }, noSequencing),
      retry: (s) => ({ retryAfterSeconds: s }),
      log: () => undefined,
    });
    expect(await consumer({ body: jobs[0] })).toEqual({ retryAfterSeconds: JOB_RETRY.firstDelaySeconds });
    expect(commentsOn(env, '2001')).toBe(before);
    expect(await consumer({ body: jobs[0], retryContext: { retryCount: 1 } })).toBeUndefined();
    expect(commentsOn(env, '2001')).toBe(before + 1);
  });

  it('finishes without a redelivery or a log line on a page restricted without the app (no retry could post it)', async () => {
    const jobs: Job[] = [];
    const env = await setup({ jobs: { push: (pushed) => Promise.resolve(void jobs.push(...pushed)) } });
    // 2012 is restricted to alice and bob; the app user is in no page restriction
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2012');
    const logs: string[] = [];
    const consumer = createQueueConsumer({
      handlers: () => createJobHandlers(env.deps, noSequencing, (message) => void logs.push(message)),
      retry: (s) => ({ retryAfterSeconds: s }),
      log: (message) => void logs.push(message),
    });
    expect(await consumer({ body: jobs[0] })).toBeUndefined();
    expect(logs).toEqual([]);
    expect(commentsOn(env, '2012')).toBe(0);
    expect(await env.store.get(keys.approvalComment(approval.id))).toBeUndefined();
  });
});

describe('the consumer', () => {
  const failing: JobHandlers = { 'notify.submitted': () => Promise.reject(new Error('down')), 'audit.sequence': () => Promise.resolve(), 'page.updated': () => Promise.resolve(), 'labels.sync': () => Promise.resolve(), 'lifecycle.continue': () => Promise.resolve() };

  it('backs off between redeliveries and gives up after the last one, logging kind and count only', async () => {
    const logs: string[] = [];
    const consumer = createQueueConsumer({ handlers: () => failing, retry: (s) => ({ retryAfterSeconds: s }), log: (m, f) => logs.push(`${m} ${JSON.stringify(f)}`) });
    const job = { kind: 'notify.submitted', approvalId: 'apr-1' };
    const answers = [];
    for (let retryCount = 0; retryCount <= JOB_RETRY.maxRetries; retryCount++) answers.push(await consumer({ body: job, ...(retryCount ? { retryContext: { retryCount } } : {}) }));
    expect(answers).toEqual([5, 10, 20, 40].map((s) => ({ retryAfterSeconds: s })).concat([undefined as never]));
    expect(logs.at(-1)).toBe(`job failed for good {"kind":"notify.submitted","retries":${JOB_RETRY.maxRetries}}`);
    expect(logs.join('\n')).not.toContain('apr-1');
  });

  it('drops a body that is not a job without asking for a redelivery', async () => {
    const ran: string[] = [];
    const handlers: JobHandlers = { 'notify.submitted': async () => void ran.push('notify'), 'audit.sequence': async () => void ran.push('sequence'), 'page.updated': async () => void ran.push('page'), 'labels.sync': async () => void ran.push('labels'), 'lifecycle.continue': async () => void ran.push('continue') };
    const logs: string[] = [];
    const consumer = createQueueConsumer({ handlers: () => handlers, retry: () => 'retry', log: (m) => logs.push(m) });
    for (const body of [undefined, {}, { kind: 'notify.submitted' }, { kind: 'notify.submitted', approvalId: 'a', extra: 1 }, { kind: 'other' }]) {
      expect(await consumer({ body })).toBeUndefined();
    }
    expect(ran).toEqual([]);
    expect(logs).toEqual(Array(5).fill('job dropped: not a valid job'));
    expect(await consumer({ body: { kind: 'audit.sequence' } })).toBeUndefined();
    expect(ran).toEqual(['sequence']);
  });
});

describe('push limits (Forge async events: 50 events and 200 KB per push)', () => {
  it('the adapter splits jobs into pushes within both limits', async () => {
    const pushes: number[] = [];
    const queue = new EventQueueJobs(async (events) => void pushes.push(events.length));
    await queue.push(Array.from({ length: 120 }, (_, i): Job => ({ kind: 'notify.submitted', approvalId: `apr-${i}` })));
    expect(pushes).toEqual([50, 50, 20]);
    const big = { body: { blob: 'x'.repeat(70 * 1024) } };
    expect(pushRequests([big, big, big, big]).map((r) => r.length)).toEqual([2, 2]);
    expect(() => pushRequests([{ body: { blob: 'x'.repeat(QUEUE_LIMITS.maxPushBytes) } }])).toThrow(RangeError);
  });

  it('measures a push as @forge/events does: the whole array as JSON, wrappers and commas included', () => {
    // two events whose bodies alone fit in 200 KiB, but whose pushed array does not
    const event = { body: { b: 'x'.repeat(QUEUE_LIMITS.maxPushBytes / 2 - 10) } };
    const bodies = 2 * Buffer.byteLength(JSON.stringify(event.body));
    expect(bodies).toBeLessThanOrEqual(QUEUE_LIMITS.maxPushBytes);
    expect(pushPayloadBytes([event, event])).toBeGreaterThan(QUEUE_LIMITS.maxPushBytes);
    expect(pushRequests([event, event]).map((r) => r.length)).toEqual([1, 1]);
    for (const request of pushRequests(Array.from({ length: 7 }, () => ({ body: { b: 'y'.repeat(60 * 1024) } })))) {
      expect(pushPayloadBytes(request)).toBeLessThanOrEqual(QUEUE_LIMITS.maxPushBytes);
    }
  });

  it('the local twin refuses what Forge refuses', async () => {
    const queue = new LocalEventQueue((work) => work);
    queue.connect(async () => undefined);
    await expect(queue.push([])).rejects.toThrow('NoEventsToPushError');
    await expect(queue.push(Array.from({ length: 51 }, () => ({ body: { kind: 'audit.sequence' } })))).rejects.toThrow('TooManyEventsError');
    await expect(queue.push([{ body: { blob: 'x'.repeat(QUEUE_LIMITS.maxPushBytes) } }])).rejects.toThrow('PayloadTooBigError');
  });

  it('the local twin redelivers when the consumer asks for a retry', async () => {
    const pending: Promise<unknown>[] = [];
    const queue = new LocalEventQueue((work) => (pending.push(work), work));
    let calls = 0;
    queue.connect(async () => (++calls < 3 ? { retryAfterSeconds: 1 } : undefined));
    await queue.push([{ body: { kind: 'audit.sequence' } }]);
    while (pending.length) await pending.shift();
    expect(queue.deliveries.map((d) => [d.retryCount, d.outcome])).toEqual([
      [0, 'retry'],
      [1, 'retry'],
      [2, 'done'],
    ]);
  });
});

describe('the local runtime', () => {
  it('answers the submit before the comment is posted; the comment arrives once the queue drains', async () => {
    const site = createLocalSite();
    const app = createLocalApp({ store: new MemoryStore(), site });
    await app.ready;
    const before = site.listComments('2001').length;
    const res = await call(app.api, 'page-submit', { accountId: BOB, body: { pageId: '2001' } });
    expect(res.status).toBe(201);
    expect(site.listComments('2001')).toHaveLength(before);
    await app.idle();
    expect(site.listComments('2001')).toHaveLength(before + 1);
    expect(app.queue.deliveries.map((d) => [d.body.kind, d.outcome])).toEqual([
      ['notify.submitted', 'done'],
      ['audit.sequence', 'done'],
    ]);
  });
});

describe('the manifest', () => {
  it('declares the consumer of the queue the app pushes to, on the exported consumer function', () => {
    const manifest = parse(readFileSync(`${__dirname}/../../manifest.yml`, 'utf8')) as {
      modules: { consumer: { key: string; queue: string; function: string }[]; function: { key: string; handler: string }[] };
    };
    const [consumer] = manifest.modules.consumer;
    expect(consumer.queue).toBe(JOB_QUEUE_KEY);
    expect(manifest.modules.function.find((f) => f.key === consumer.function)?.handler).toBe('index.jobConsumer');
  });
});
