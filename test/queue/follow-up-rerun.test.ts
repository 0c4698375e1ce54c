/**
 * A keyed change-set submit re-run after its first run died part-way: the re-run's follow-ups are
 * named afresh, so no follow-up record collects the comment ids of both runs (a record named by the
 * first eligible page's approval id did: 25 of one run plus those of the other under one name).
 * Every approval's comment id is then found, and a redelivered job posts nothing again.
 */
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import type { KeyValueStore, TxOp } from '../../src/core/ports/store';
import type { Job } from '../../src/core/ports/jobs';
import { SUBMISSION_FOLLOW_UP_BATCH } from '../../src/core/ports/jobs';
import { createJobHandlers } from '../../src/core/services/jobs';
import { keys } from '../../src/core/services/keys';
import { createQueueConsumer } from '../../src/transport/queue/consumer';
import { BOB, ENG, api, setup } from '../engine/helpers';

const PAGES = Array.from({ length: 50 }, (_, i) => String(4001 + i));

/** Fails (as a dying process would) every transaction that submits one of `failing`, while armed. */
class FailingBatches extends StoreDecorator {
  failing = new Set<string>();
  override transact(ops: TxOp[]): Promise<void> {
    if (ops.some((o) => o.op === 'put' && this.failing.has(o.key))) return Promise.reject(new Error('process killed'));
    return this.inner.transact(ops);
  }
}

it('a keyed re-run names its follow-ups afresh: no record holds more than one job\'s ids, every comment id is found, redelivery posts nothing', async () => {
  const jobs: Job[] = [];
  let store!: FailingBatches;
  const env = await setup({ extraPages: PAGES.length, wrap: (s: KeyValueStore) => (store = new FailingBatches(s)), jobs: { push: (pushed) => Promise.resolve(void jobs.push(...pushed)) } });
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Big PR', pageRefs: PAGES.map((pageId) => ({ pageId })) });
  const token = 'a'.repeat(32);
  // the first run commits only (some of) the pages after the first and before the 25th
  store.failing = new Set(PAGES.filter((_, i) => i === 0 || i >= 24).map((pageId) => keys.pageState(pageId)));
  await expect(env.engine.changeSets.submit(api(BOB), cs.id, { requestToken: token })).rejects.toThrow('process killed');
  const firstRun = (await Promise.all(PAGES.map((p) => env.store.get(keys.pageState(p))))).filter((item) => item !== undefined).length;
  expect(firstRun).toBeGreaterThan(0);
  store.failing.clear();
  const rerun = await env.engine.changeSets.submit(api(BOB), cs.id, { requestToken: token });
  expect(rerun.submittedCount).toBe(PAGES.length);

  const consumer = createQueueConsumer({ handlers: () => createJobHandlers(env.deps, { 'audit.sequence': () => Promise.resolve() }), retry: (s) => ({ retryAfterSeconds: s }) });
  for (const job of jobs) expect(await consumer({ body: job })).toBeUndefined();
  const posted = PAGES.map((p) => env.site.listComments(p).length);
  // redelivered: every comment is found recorded, none is posted again
  for (const job of jobs) expect(await consumer({ body: job })).toBeUndefined();
  expect(PAGES.map((p) => env.site.listComments(p).length)).toEqual(posted);

  const states = await Promise.all(PAGES.map(async (p) => (await env.store.get(keys.pageState(p)))!.value as { id: string; followUp: string }));
  const records = new Map<string, Record<string, string>>();
  for (const followUp of new Set(states.map((s) => s.followUp))) records.set(followUp, ((await env.store.get(keys.submissionComments(followUp)))!.value as { comments: Record<string, string> }).comments);
  for (const s of states) expect(records.get(s.followUp)?.[s.id]).toEqual(expect.any(String));
  for (const comments of records.values()) expect(Object.keys(comments).length).toBeLessThanOrEqual(SUBMISSION_FOLLOW_UP_BATCH);
});
