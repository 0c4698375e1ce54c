/**
 * The submission follow-up within the consumer's time (issue 23, branch f-com): its comments are
 * posted concurrently but never more than SPEC §4's 10 at a time, and a job whose time runs short
 * records what it posted and hands the rest to a continuation, so running everything to the end
 * posts each comment exactly once (a job timed out before its record would have its comments posted
 * again by the redelivery).
 */
import { CallGate } from '../../src/adapters/confluence/call-gate';
import { confluenceAccess } from '../../src/adapters/confluence/access';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import type { ConfluenceRequest, ConfluenceResponse, ConfluenceTransport } from '../../src/adapters/confluence/transport';
import { DEFAULT_PLATFORM_PROFILE } from '../../src/adapters/platform-profile';
import { MAX_CONFLUENCE_IN_FLIGHT } from '../../src/core/domain/call-limit';
import type { Job } from '../../src/core/ports/jobs';
import type { EngineDeps } from '../../src/core/services';
import { createJobHandlers } from '../../src/core/services/jobs';
import { keys } from '../../src/core/services/keys';
import { FOLLOW_UP_BUDGET_MS, FOLLOW_UP_RESERVE_MS } from '../../src/core/services/submission-follow-up';
import { JOB_RETRY, createQueueConsumer } from '../../src/transport/queue/consumer';
import { composeApp } from '../../src/composition/compose';
import { BOB, ENG, api, setup } from '../engine/helpers';

const PAGES = Array.from({ length: 25 }, (_, i) => String(4001 + i));
type FollowUp = Extract<Job, { kind: 'submission.followUp' }>;

/** A 25-page change set submitted with its jobs collected, not run: the env, the one follow-up job, the approval ids in page order, and the queue. */
async function submittedSet() {
  const pushed: Job[] = [];
  const env = await setup({ extraPages: PAGES.length, jobs: { push: (jobs) => Promise.resolve(void pushed.push(...jobs)) } });
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release 12', pageRefs: PAGES.map((pageId) => ({ pageId })) });
  const ids = (await env.engine.changeSets.submit(api(BOB), cs.id)).results.map((r) => r.approvalId!);
  const followUps = pushed.filter((j): j is FollowUp => j.kind === 'submission.followUp');
  expect(followUps.map((j) => j.approvalIds)).toEqual([ids]);
  pushed.length = 0;
  const record = keys.submissionComments(((await env.store.get(keys.pageState(PAGES[0])))!.value as { followUp: string }).followUp);
  return { env, job: { ...followUps[0], sequenceAudit: false }, ids, pushed, record };
}

/** The consumer over `deps`; the engine's log lines (names and counts only) go to `logs`. */
const consumerOver = (deps: EngineDeps, logs: string[] = []) =>
  createQueueConsumer({
    handlers: () => createJobHandlers(deps, { 'audit.sequence': () => Promise.resolve() }, (message, fields) => void logs.push(`${message} ${JSON.stringify(fields)}`)),
    retry: (s) => ({ retryAfterSeconds: s }),
    log: () => undefined,
  });

/** Holds each comment post until no other arrives for a moment, so every post the engine runs at once is in flight together; counts them. */
class HeldPosts implements ConfluenceTransport {
  inFlight = 0;
  maxInFlight = 0;
  private held: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly inner: ConfluenceTransport) {}

  async request(r: ConfluenceRequest): Promise<ConfluenceResponse> {
    if (r.method !== 'POST' || r.path !== '/wiki/api/v2/footer-comments') return this.inner.request(r);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((resolve) => {
      this.held.push(resolve);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.held.splice(0).forEach((release) => release()), 20);
    });
    try {
      return await this.inner.request(r);
    } finally {
      this.inFlight -= 1;
    }
  }
}

it('posts the comments concurrently, never more than 10 in flight, even where the client would allow more', async () => {
  const { env, job, pushed } = await submittedSet();
  const transport = new HeldPosts(env.site.transport());
  // a gate wider than SPEC §4's bound: what the transport sees is the follow-up's own bound
  const confluence = new RestConfluenceSite(transport, confluenceAccess(DEFAULT_PLATFORM_PROFILE, {}, { gate: new CallGate({ maxInFlight: 100 }) }));
  expect(await consumerOver({ ...env.deps, confluence })({ body: job })).toBeUndefined();
  expect(transport.maxInFlight).toBe(MAX_CONFLUENCE_IN_FLIGHT);
  expect(PAGES.map((p) => env.site.listComments(p).length)).toEqual(PAGES.map(() => 1));
  expect(pushed).toEqual([]);
});

it('a job whose time runs short records what it posted (one write) and queues the rest; run to the end, each comment is posted exactly once', async () => {
  const { env, job, ids, pushed, record } = await submittedSet();
  const site = env.deps.confluence as RestConfluenceSite;
  let failOnce: string | undefined = PAGES[3];
  const slow = Object.create(site) as RestConfluenceSite;
  slow.createPageComment = async (input) => {
    // a slow Confluence: each post takes 20 s of the engine clock (the consumer's 25 s budget when the platform does not tell)
    env.tick(20_000);
    if (input.pageId === failOnce) throw ((failOnce = undefined), new Error('503'));
    return site.createPageComment(input);
  };
  const recordWrites: number[] = [];
  const counting = Object.create(env.deps.store) as typeof env.deps.store;
  counting.transact = (ops) => (ops.some((o) => o.key === record) && recordWrites.push(ops.length), env.deps.store.transact(ops));
  const logs: string[] = [];
  const consumer = consumerOver({ ...env.deps, store: counting, confluence: slow }, logs);

  expect(FOLLOW_UP_BUDGET_MS - 20_000).toBeLessThan(FOLLOW_UP_RESERVE_MS);
  expect(await consumer({ body: job })).toBeUndefined();
  // the first 10 started at once; after them no time was left to start another: 9 recorded, the failed one and 15 queued
  const first = Object.keys(((await env.store.get(record))!.value as { comments: Record<string, string> }).comments);
  expect(first.sort()).toEqual(ids.slice(0, 10).filter((_, i) => i !== 3).sort());
  expect(pushed).toEqual([{ kind: 'submission.followUp', approvalIds: [ids[3], ...ids.slice(10)], sequenceAudit: false }]);

  const sizes = [job.approvalIds.length];
  for (let next = pushed.shift(); next; next = pushed.shift()) {
    sizes.push((next as FollowUp).approvalIds.length);
    expect(await consumer({ body: next })).toBeUndefined();
  }
  expect(sizes).toEqual([25, 16, 6]);
  expect(recordWrites).toEqual([1, 1, 1]);
  expect(logs).toEqual(['submission follow-up continues in a new job: time ran short {"done":9,"left":16}', 'submission follow-up continues in a new job: time ran short {"done":10,"left":6}']);
  expect(PAGES.map((p) => env.site.listComments(p).length)).toEqual(PAGES.map(() => 1));
  const comments = ((await env.store.get(record))!.value as { comments: Record<string, string> }).comments;
  expect(PAGES.map((_, i) => comments[ids[i]])).toEqual(PAGES.map((p) => env.site.listComments(p)[0].id));
});

it('with the platform\'s remaining time too short to start any post, posts nothing and queues nothing: the redelivery posts each once', async () => {
  const { env, job, pushed } = await submittedSet();
  let remaining = FOLLOW_UP_RESERVE_MS - 1;
  const consumer = consumerOver({ ...env.deps, remainingMs: () => remaining });
  expect(await consumer({ body: job })).toEqual({ retryAfterSeconds: JOB_RETRY.firstDelaySeconds });
  expect(PAGES.map((p) => env.site.listComments(p).length)).toEqual(PAGES.map(() => 0));
  expect(pushed).toEqual([]);
  remaining = FOLLOW_UP_BUDGET_MS;
  expect(await consumer({ body: job, retryContext: { retryCount: 1 } })).toBeUndefined();
  expect(PAGES.map((p) => env.site.listComments(p).length)).toEqual(PAGES.map(() => 1));
  expect(pushed).toEqual([]);
});

it('the Forge consumer paces the posts by the platform\'s remaining time (composition)', async () => {
  const { env, job, pushed } = await submittedSet();
  const app = (remainingMs: number) =>
    composeApp({
      store: env.store,
      jobs: { push: (jobs) => Promise.resolve(void pushed.push(...jobs)) },
      clock: env.deps.clock,
      ids: env.deps.ids,
      profile: DEFAULT_PLATFORM_PROFILE,
      confluenceTransport: () => env.site.transport(),
      remainingMs: () => () => remainingMs,
      retry: (seconds) => ({ retryAfterSeconds: seconds }),
      appIds: {},
    });
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  expect(await app(FOLLOW_UP_RESERVE_MS - 1).jobConsumer({ body: job })).toEqual({ retryAfterSeconds: JOB_RETRY.firstDelaySeconds });
  expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(['[approvalflow] job failed, will be retried']);
  warn.mockRestore();
  expect(PAGES.map((p) => env.site.listComments(p).length)).toEqual(PAGES.map(() => 0));
  expect(await app(FOLLOW_UP_BUDGET_MS).jobConsumer({ body: job, retryContext: { retryCount: 1 } })).toBeUndefined();
  expect(PAGES.map((p) => env.site.listComments(p).length)).toEqual(PAGES.map(() => 1));
  expect(pushed).toEqual([]);
});
