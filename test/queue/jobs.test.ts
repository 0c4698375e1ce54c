/**
 * Work deferred past the response: the submission comment job (posted once, however often it is
 * delivered), the consumer's retry policy, the push limits of Forge async events (adapter and the
 * local twin), and the local runtime delivering jobs after the request answered.
 */
import { EventQueueJobs, pushPayloadBytes, pushRequests } from '../../src/adapters/queue/event-queue-jobs';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import type { Job, JobHandlers } from '../../src/core/ports/jobs';
import { QUEUE_LIMITS, SUBMISSION_FOLLOW_UP_BATCH } from '../../src/core/ports/jobs';
import type { PageApproval } from '../../src/core/domain/model';
import { submissionJobs } from '../../src/core/services/notifications';
import { createJobHandlers } from '../../src/core/services/jobs';
import { keys } from '../../src/core/services/keys';
import { JOB_RETRY, createQueueConsumer } from '../../src/transport/queue/consumer';
import { createLocalApp } from '../../local/app';
import { createLocalSite } from '../../local/site';
import { LocalEventQueue } from '../../local/server/job-queue';
import { call } from '../api/helpers';
import { BOB, CAROL, ENG, api, setup, ui } from '../engine/helpers';
import { APPROVAL_ENTITY } from '../../src/core/ports/entities';
import { approvalIndexValue } from '../../src/core/services/keys';
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

/** A per-page change set of `pages` in ENG submitted by BOB; its approval ids in page order. */
async function submitSet(env: Awaited<ReturnType<typeof setup>>, pages: string[]): Promise<string[]> {
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release 12', pageRefs: pages.map((pageId) => ({ pageId })) });
  return (await env.engine.changeSets.submit(api(BOB), cs.id)).results.map((r) => r.approvalId!);
}

const commentsOn = (env: Awaited<ReturnType<typeof setup>>, pageId: string) => env.site.listComments(pageId).length;

describe('the submission.followUp job', () => {
  it('is queued by the submit, not run in it (one job: sequencing and the comment), and posts the comment once however often it is delivered', async () => {
    const { env, approval, jobs } = await submitted();
    expect(jobs).toEqual([{ kind: 'submission.followUp', approvalIds: [approval.id], sequenceAudit: true }]);
    const before = commentsOn(env, '2001');
    const consumer = createQueueConsumer({ handlers: () => createJobHandlers(env.deps, noSequencing), retry: (s) => ({ retryAfterSeconds: s }) });
    expect(await consumer({ body: jobs[0] })).toBeUndefined();
    expect(await consumer({ body: jobs[0], retryContext: { retryCount: 1 } })).toBeUndefined();
    expect(commentsOn(env, '2001')).toBe(before + 1);
    expect((await env.store.get(keys.submissionComments(approval.id)))?.value).toEqual({ comments: { [approval.id]: expect.any(String) } });
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

  it('carries SUBMISSION_FOLLOW_UP_BATCH approvals per job; only the first job sequences', () => {
    const approvals = Array.from({ length: 2 * SUBMISSION_FOLLOW_UP_BATCH + 3 }, (_, i) => ({ id: `apr-${i}` }) as PageApproval);
    const jobs = submissionJobs(approvals, { sequenceAudit: true });
    expect(jobs.map((j) => (j.kind === 'submission.followUp' ? [j.approvalIds.length, j.sequenceAudit] : j.kind))).toEqual([
      [SUBMISSION_FOLLOW_UP_BATCH, true],
      [SUBMISSION_FOLLOW_UP_BATCH, false],
      [3, false],
    ]);
    expect(jobs.flatMap((j) => (j.kind === 'submission.followUp' ? j.approvalIds : []))).toEqual(approvals.map((a) => a.id));
    expect(submissionJobs([], { sequenceAudit: false })).toEqual([]);
  });

  it('puts the approvals of one follow-up in one job, however the batches committed them (their ids are recorded in one write)', () => {
    const approval = (i: number, followUp: string) => ({ id: `apr-${i}`, followUp }) as PageApproval;
    // two follow-ups of 20, committed interleaved by parallel batches
    const approvals = Array.from({ length: 40 }, (_, i) => approval(i, i % 2 === 0 ? 'apr-0' : 'apr-1'));
    const jobs = submissionJobs(approvals, { sequenceAudit: false });
    expect(jobs.map((j) => (j.kind === 'submission.followUp' ? j.approvalIds.map((id) => approvals.find((a) => a.id === id)!.followUp) : []))).toEqual([
      Array(20).fill('apr-0'),
      Array(20).fill('apr-1'),
    ]);
  });

  it('posts the other comments when one fails, then asks for a redelivery that posts only the missing one', async () => {
    const jobs: Job[] = [];
    const env = await setup({ jobs: { push: (pushed) => Promise.resolve(void jobs.push(...pushed)) } });
    const first = await env.engine.approvals.submitPage(ui(BOB), '2001');
    const second = await env.engine.approvals.submitPage(ui(BOB), '2002');
    const job: Job = { kind: 'submission.followUp', approvalIds: [first.id, second.id], sequenceAudit: false };
    let failures = 1;
    const flaky = Object.create(env.deps.confluence) as RestConfluenceSite;
    flaky.createPageComment = (input) => (input.pageId === '2001' && failures-- > 0 ? Promise.reject(new Error('503')) : (env.deps.confluence as RestConfluenceSite).createPageComment(input));
    const consumer = createQueueConsumer({ handlers: () => createJobHandlers({ ...env.deps, confluence: flaky }, noSequencing), retry: (s) => ({ retryAfterSeconds: s }), log: () => undefined });
    const before = [commentsOn(env, '2001'), commentsOn(env, '2002')];
    expect(await consumer({ body: job })).toEqual({ retryAfterSeconds: JOB_RETRY.firstDelaySeconds });
    expect([commentsOn(env, '2001'), commentsOn(env, '2002')]).toEqual([before[0], before[1] + 1]);
    expect(await consumer({ body: job, retryContext: { retryCount: 1 } })).toBeUndefined();
    expect([commentsOn(env, '2001'), commentsOn(env, '2002')]).toEqual([before[0] + 1, before[1] + 1]);
  });

  it('records the ids of all its comments in one write (its follow-up record); ids a redelivered twin recorded first stay as they are', async () => {
    const jobs: Job[] = [];
    const env = await setup({ jobs: { push: (pushed) => Promise.resolve(void jobs.push(...pushed)) } });
    const ids = await submitSet(env, ['2001', '2002', '2003']);
    expect(jobs.filter((j) => j.kind === 'submission.followUp')).toHaveLength(1);
    const followUp = keys.submissionComments(((await env.store.get(keys.pageState('2001')))!.value as { followUp: string }).followUp);
    // a twin of the job recorded the third's comment meanwhile
    await env.store.transact([{ op: 'put', key: followUp, value: { comments: { [ids[2]]: 'twin' } }, condition: { kind: 'absent' } }]);
    const commentOps: string[][] = [];
    const counting = Object.create(env.deps.store) as typeof env.deps.store;
    counting.transact = (ops) => (ops.some((o) => o.key.startsWith('submission-comments:')) && commentOps.push(ops.map((o) => o.key)), env.deps.store.transact(ops));
    const consumer = createQueueConsumer({ handlers: () => createJobHandlers({ ...env.deps, store: counting }, noSequencing), retry: (s) => ({ retryAfterSeconds: s }) });
    const before = commentsOn(env, '2003');
    expect(await consumer({ body: { kind: 'submission.followUp', approvalIds: ids, sequenceAudit: false } })).toBeUndefined();
    expect(commentOps).toEqual([[followUp]]);
    // the twin's id is not overwritten, and its comment is not posted again
    expect(commentsOn(env, '2003')).toBe(before);
    expect((await env.store.get(followUp))?.value).toEqual({ comments: { [ids[0]]: expect.any(String), [ids[1]]: expect.any(String), [ids[2]]: 'twin' } });
  });

  it('merges with a twin that records between its read and its write: the conditioned put fails, it re-reads and keeps the twin\'s ids beside its own', async () => {
    const jobs: Job[] = [];
    const env = await setup({ jobs: { push: (pushed) => Promise.resolve(void jobs.push(...pushed)) } });
    const ids = await submitSet(env, ['2001', '2002', '2003']);
    const followUp = keys.submissionComments(((await env.store.get(keys.pageState('2001')))!.value as { followUp: string }).followUp);
    const attempts: string[] = [];
    const racing = Object.create(env.deps.store) as typeof env.deps.store;
    racing.transact = async (ops) => {
      if (ops.some((o) => o.key === followUp)) {
        // the twin's put lands after this job read the record (absent) and before its own put
        if (attempts.length === 0) await env.deps.store.transact([{ op: 'put', key: followUp, value: { comments: { [ids[2]]: 'twin', 'apr-elsewhere': 'other' } }, condition: { kind: 'absent' } }]);
        attempts.push(JSON.stringify(ops[0]?.condition));
      }
      return env.deps.store.transact(ops);
    };
    const consumer = createQueueConsumer({ handlers: () => createJobHandlers({ ...env.deps, store: racing }, noSequencing), retry: (s) => ({ retryAfterSeconds: s }) });
    expect(await consumer({ body: { kind: 'submission.followUp', approvalIds: ids, sequenceAudit: false } })).toBeUndefined();
    // first conditioned on "absent" (as read), then on the twin's version after the re-read
    expect(attempts).toEqual([JSON.stringify({ kind: 'absent' }), JSON.stringify({ kind: 'version', version: 1 })]);
    expect((await env.store.get(followUp))?.value).toEqual({ comments: { [ids[0]]: expect.any(String), [ids[1]]: expect.any(String), [ids[2]]: 'twin', 'apr-elsewhere': 'other' } });
  });

  it('never overwrites a follow-up record it cannot parse: it logs (no values) and leaves the record as it is', async () => {
    const jobs: Job[] = [];
    const env = await setup({ jobs: { push: (pushed) => Promise.resolve(void jobs.push(...pushed)) } });
    const ids = await submitSet(env, ['2001', '2002']);
    const followUp = keys.submissionComments(((await env.store.get(keys.pageState('2001')))!.value as { followUp: string }).followUp);
    const unreadable = { comments: { 'apr-other': 'secret-comment-id' }, extra: 'not in the schema' };
    await env.store.transact([{ op: 'put', key: followUp, value: unreadable, condition: { kind: 'absent' } }]);
    const logs: string[] = [];
    const log = (message: string, fields: Record<string, unknown>) => void logs.push(`${message} ${JSON.stringify(fields)}`);
    const consumer = createQueueConsumer({ handlers: () => createJobHandlers(env.deps, noSequencing, log), retry: (s) => ({ retryAfterSeconds: s }) });
    expect(await consumer({ body: { kind: 'submission.followUp', approvalIds: ids, sequenceAudit: false } })).toBeUndefined();
    expect((await env.store.get(followUp))?.value).toEqual(unreadable);
    expect(logs).toEqual([expect.stringContaining('submission comment record unreadable')]);
    expect(logs.join()).not.toContain('secret-comment-id');
  });

  it('reads an approval submitted before follow-up records: its comment id at approval-comment:<id> is found and not posted again', async () => {
    const { env, approval, jobs } = await submitted();
    // the old shape: no followUp on the approval, its comment id under its own key
    const old = { ...approval } as Partial<PageApproval>;
    delete old.followUp;
    await env.store.transact([
      { op: 'put', entity: APPROVAL_ENTITY, key: approval.id, value: { ...approvalIndexValue(approval), rec: old } },
      { op: 'put', key: keys.pageState('2001'), value: old },
      { op: 'put', key: keys.approvalComment(approval.id), value: { commentId: 'old-root' } },
    ]);
    const consumer = createQueueConsumer({ handlers: () => createJobHandlers(env.deps, noSequencing), retry: (s) => ({ retryAfterSeconds: s }), log: () => undefined });
    const before = commentsOn(env, '2001');
    expect(await consumer({ body: jobs[0] })).toBeUndefined();
    expect(commentsOn(env, '2001')).toBe(before);
    jobs.length = 0;
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    const reply = jobs.find((j) => j.kind === 'notify.comment');
    if (reply?.kind !== 'notify.comment') throw new Error('no reply queued');
    expect((await env.store.get(reply.key))?.value).toMatchObject({ parentCommentId: 'old-root' });
  });

  it('runs the sequencing it asks for before the comments, and a sequencing failure neither stops them nor fails the job', async () => {
    const { env, jobs } = await submitted();
    const order: string[] = [];
    const site = Object.create(env.deps.confluence) as RestConfluenceSite;
    site.createPageComment = (input) => (order.push('comment'), (env.deps.confluence as RestConfluenceSite).createPageComment(input));
    const sequencing = { 'audit.sequence': () => (order.push('sequence'), Promise.reject(new Error('store down'))) };
    const logs: string[] = [];
    const consumer = createQueueConsumer({
      handlers: () => createJobHandlers({ ...env.deps, confluence: site }, sequencing, (message) => void logs.push(message)),
      retry: (s) => ({ retryAfterSeconds: s }),
      log: () => undefined,
    });
    expect(await consumer({ body: jobs[0] })).toBeUndefined();
    expect(order).toEqual(['sequence', 'comment']);
    expect(logs).toEqual(['audit sequencing failed; the sweep links the records']);
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
    expect(await env.store.get(keys.submissionComments(approval.id))).toBeUndefined();
  });
});

describe('the notify.comment job (decision and cancel replies)', () => {
  /** A submitted page 2001 whose submission comment is posted, then decided by Carol; jobs collected, not run. */
  async function decided() {
    const { env, approval, jobs } = await submitted();
    const consumer = createQueueConsumer({ handlers: () => createJobHandlers(env.deps, noSequencing), retry: (s) => ({ retryAfterSeconds: s }), log: () => undefined });
    await consumer({ body: jobs[0] });
    jobs.length = 0;
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    return { env, approval, jobs, consumer };
  }

  it('is written with the decision, posts nothing in the request, and replies once however often it is delivered', async () => {
    const { env, approval, jobs, consumer } = await decided();
    const [job] = jobs;
    expect(job).toEqual({ kind: 'notify.comment', key: expect.stringContaining(approval.id) });
    if (job?.kind !== 'notify.comment') throw new Error('no reply queued');
    expect(await env.store.get(job.key)).toBeDefined(); // committed with the decision
    const before = env.site.listComments('2001');
    expect(await consumer({ body: job })).toBeUndefined();
    expect(await consumer({ body: job, retryContext: { retryCount: 1 } })).toBeUndefined();
    const replies = env.site.listComments('2001').slice(before.length);
    const root = (await env.store.get(keys.submissionComments(approval.id)))?.value as { comments: Record<string, string> };
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ parentCommentId: root.comments[approval.id] });
    expect(replies[0]?.body).toContain('Approved');
    expect(await env.store.get(job.key)).toBeUndefined();
  });

  it('asks for a redelivery when Confluence refused the reply, and the redelivery posts it', async () => {
    const { env, jobs } = await decided();
    let failures = 1;
    const flaky = Object.create(env.deps.confluence) as RestConfluenceSite;
    flaky.createPageComment = (input) => (failures-- > 0 ? Promise.reject(new Error('503')) : (env.deps.confluence as RestConfluenceSite).createPageComment(input));
    const consumer = createQueueConsumer({ handlers: () => createJobHandlers({ ...env.deps, confluence: flaky }, noSequencing), retry: (s) => ({ retryAfterSeconds: s }), log: () => undefined });
    const before = commentsOn(env, '2001');
    expect(await consumer({ body: jobs[0] })).toEqual({ retryAfterSeconds: JOB_RETRY.firstDelaySeconds });
    expect(commentsOn(env, '2001')).toBe(before);
    expect(await consumer({ body: jobs[0], retryContext: { retryCount: 1 } })).toBeUndefined();
    expect(commentsOn(env, '2001')).toBe(before + 1);
  });

  it('a cancel queues its reply the same way', async () => {
    const { env, approval, jobs } = await submitted();
    jobs.length = 0;
    await env.engine.approvals.cancel(ui(BOB), approval.id);
    expect(jobs).toEqual([{ kind: 'notify.comment', key: expect.stringContaining(approval.id) }]);
  });
});

describe('the consumer', () => {
  const failing: JobHandlers = {
    'notify.submitted': () => Promise.reject(new Error('down')),
    'notify.set': () => Promise.resolve(),
    'notify.setInvalidated': () => Promise.resolve(),
    'notify.comment': () => Promise.reject(new Error('down')),
    'submission.followUp': () => Promise.reject(new Error('down')),
    'audit.sequence': () => Promise.resolve(),
    'page.updated': () => Promise.resolve(),
    'labels.sync': () => Promise.resolve(),
    'changeset.rollup': () => Promise.resolve(),
    'lifecycle.continue': () => Promise.resolve(),
    'audit.verify': () => Promise.resolve(),
    'approvals.indexBackfill': () => Promise.resolve(),
  };

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
    const handlers: JobHandlers = {
      'notify.submitted': async () => void ran.push('notify'),
      'notify.set': async () => void ran.push('set'),
      'notify.setInvalidated': async () => void ran.push('setInvalidated'),
      'notify.comment': async () => void ran.push('comment'),
      'submission.followUp': async () => void ran.push('followUp'),
      'audit.sequence': async () => void ran.push('sequence'),
      'page.updated': async () => void ran.push('page'),
      'labels.sync': async () => void ran.push('labels'),
      'changeset.rollup': async () => void ran.push('rollup'),
      'lifecycle.continue': async () => void ran.push('continue'),
      'audit.verify': async () => void ran.push('verify'),
      'approvals.indexBackfill': async () => void ran.push('backfill'),
    };
    const logs: string[] = [];
    const consumer = createQueueConsumer({ handlers: () => handlers, retry: () => 'retry', log: (m) => logs.push(m) });
    const followUp = (approvalIds: unknown) => ({ kind: 'submission.followUp', approvalIds, sequenceAudit: true });
    const invalid = [
      undefined,
      {},
      { kind: 'notify.submitted' },
      { kind: 'notify.submitted', approvalId: 'a', extra: 1 },
      { kind: 'other' },
      { kind: 'notify.comment', key: 'approval:apr-1' },
      followUp([]),
      followUp(Array.from({ length: SUBMISSION_FOLLOW_UP_BATCH + 1 }, (_, i) => `apr-${i}`)),
      { kind: 'submission.followUp', approvalIds: ['a'] },
    ];
    for (const body of invalid) {
      expect(await consumer({ body })).toBeUndefined();
    }
    expect(ran).toEqual([]);
    expect(logs).toEqual(Array(invalid.length).fill('job dropped: not a valid job'));
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
    expect(app.queue.deliveries.map((d) => [d.body.kind, d.outcome])).toEqual([['submission.followUp', 'done']]);
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
