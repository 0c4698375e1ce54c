/**
 * The queue's "waiting for me" through the approver index (issue 23 item 5): a page costs a few
 * index queries however many approvals of others are pending in the space; the current definition
 * governs an undecided approval and the snapshot a decided one; pages lose and repeat nothing; until
 * the one-off back-fill is done, the old path answers.
 */
import { CountingStore } from '../../src/adapters/store/counting-store';
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { runDailyJob } from '../../src/core/lifecycle/daily-job';
import type { Job } from '../../src/core/ports/jobs';
import type { KeyValueStore } from '../../src/core/ports/store';
import { MINE_QUERIES_PER_PAGE } from '../../src/core/services/approvals/queue-mine';
import { createContext } from '../../src/core/services/context';
import { engineJobHandlers } from '../../src/core/services/jobs';
import { keys } from '../../src/core/services/keys';
import { ALICE, BOB, CAROL, DAVE, DOCS, ENG, ERIN, setup, ui, type TestEnv } from './helpers';

/** The daily run starts the back-fill; its queued slices run through the consumer's handler until it is done. */
async function backfill(env: TestEnv): Promise<number> {
  const queued: Job[] = [];
  const ctx = { ...createContext(env.deps, () => undefined), jobs: { push: (jobs: Job[]) => Promise.resolve(void queued.push(...jobs)) } };
  await runDailyJob.execute(ctx, { deadline: env.deps.clock.now() + 60_000 });
  const handlers = engineJobHandlers(ctx);
  let slices = 0;
  for (let job = queued.shift(); job; job = queued.shift()) {
    if (job.kind !== 'approvals.indexBackfill') continue;
    await handlers['approvals.indexBackfill'](job);
    slices += 1;
  }
  return slices;
}

/** Every page of `accountId`'s "waiting for me", with the index queries each page made. */
async function allMine(env: TestEnv, counting: CountingStore, accountId: string, limit: number): Promise<{ ids: string[]; queriesPerPage: number[] }> {
  const ids: string[] = [];
  const queriesPerPage: number[] = [];
  let cursor: string | undefined;
  do {
    counting.reset();
    const page = await env.engine.approvals.queue(ui(accountId), ENG, { mine: true, limit, ...(cursor ? { cursor } : {}) });
    queriesPerPage.push(counting.counts.queryEntity);
    ids.push(...page.items.map((a) => a.id));
    cursor = page.nextCursor;
  } while (cursor);
  return { ids, queriesPerPage };
}

async function counted(wrap?: (s: KeyValueStore) => KeyValueStore): Promise<{ env: TestEnv; counting: CountingStore }> {
  let counting: CountingStore | undefined;
  const env = await setup({ extraPages: 40, wrap: (s) => (counting = new CountingStore(wrap ? wrap(s) : s)) });
  return { env, counting: counting! };
}

const pages = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

test("an approver's items are found among many others' in one index query, not by paging the space", async () => {
  const { env, counting } = await counted();
  const others = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Others', steps: [{ approvers: [ERIN], mode: 'any' }] });
  for (const p of pages(4001, 36)) await env.engine.approvals.submitPage(ui(BOB), p, others.id);
  const mine = [];
  for (const p of pages(4037, 3)) mine.push((await env.engine.approvals.submitPage(ui(BOB), p, 'wf-eng-review')).id);

  // before the back-fill: the old path pages the whole space (39 pending, pages of 10) to find them
  const before = await allMine(env, counting, DAVE, 10);
  expect(before.ids.sort()).toEqual([...mine].sort());
  expect(before.queriesPerPage).toHaveLength(4);

  await backfill(env);
  counting.reset();
  const page = await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true, limit: 10 });
  expect(page.items.map((a) => a.id)).toEqual(mine);
  expect(page.nextCursor).toBeUndefined();
  expect(counting.counts.queryEntity).toBe(1);
  // the whole queue (not "mine") still lists everyone's
  expect((await env.engine.approvals.queue(ui(DAVE), ENG, { limit: 100 })).items).toHaveLength(39);
});

test('a caller who approves nothing in the space gets an empty page without any index query', async () => {
  const { env, counting } = await counted();
  await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
  await backfill(env);
  counting.reset();
  expect(await env.engine.approvals.queue(ui(BOB), ENG, { mine: true })).toEqual({ items: [] });
  expect(counting.counts.queryEntity).toBe(0);
});

test('group approvers: members of the named group see the items, others do not', async () => {
  const { env } = await counted();
  const legal = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Legal', steps: [{ approvers: ['group:grp-legal-reviewers'], mode: 'any' }] });
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', legal.id);
  await env.engine.approvals.submitPage(ui(BOB), '2002', 'wf-eng-review');
  await backfill(env);
  expect((await env.engine.approvals.queue(ui(ERIN), ENG, { mine: true })).items.map((a) => a.id)).toEqual([approval.id]);
  expect((await env.engine.approvals.queue(ui(CAROL), ENG, { mine: true })).items.map((a) => a.workflowId)).toEqual(['wf-eng-review']);
});

describe('an edited workflow', () => {
  test('after a decision the snapshot governs: a removed approver still sees it, the new one does not', async () => {
    const { env } = await counted();
    const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Two steps', steps: [{ approvers: [CAROL], mode: 'any' }, { approvers: [DAVE], mode: 'any' }] });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', wf.id);
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    await backfill(env);
    env.tick();
    await env.engine.workflows.update(ui(ALICE), wf.id, { steps: [{ approvers: [CAROL], mode: 'any' }, { approvers: [ERIN], mode: 'any' }] });
    expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual([approval.id]);
    expect((await env.engine.approvals.queue(ui(ERIN), ENG, { mine: true })).items).toEqual([]);
    // and it stays so for a workflow whose steps are then cut to one
    env.tick();
    await env.engine.workflows.update(ui(ALICE), wf.id, { steps: [{ approvers: [ERIN], mode: 'any' }] });
    expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual([approval.id]);
  });

  test('before any decision the current definition governs: the new approver sees it, the removed one does not', async () => {
    const { env } = await counted();
    const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'One step', steps: [{ approvers: [CAROL], mode: 'any' }] });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', wf.id);
    await backfill(env);
    env.tick();
    await env.engine.workflows.update(ui(ALICE), wf.id, { steps: [{ approvers: [ERIN], mode: 'any' }] });
    expect((await env.engine.approvals.queue(ui(ERIN), ENG, { mine: true })).items.map((a) => a.id)).toEqual([approval.id]);
    expect((await env.engine.approvals.queue(ui(CAROL), ENG, { mine: true })).items).toEqual([]);
  });
});

test('pages across (workflow, step) pairs lose and repeat nothing, each within the query bound', async () => {
  const { env, counting } = await counted();
  // DAVE approves in 7 pairs: wf-eng-review's step and both steps of three two-step workflows
  const expected: string[] = [];
  let page = 4001;
  for (let w = 0; w < 3; w++) {
    const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: `Two steps ${w}`, steps: [{ approvers: [DAVE, CAROL], mode: 'any' }, { approvers: [DAVE], mode: 'any' }] });
    for (let i = 0; i < 3; i++) expected.push((await env.engine.approvals.submitPage(ui(BOB), String(page++), wf.id)).id);
    // one moves on to step 2 (decided by CAROL), still waiting for DAVE
    const moved = await env.engine.approvals.submitPage(ui(BOB), String(page++), wf.id);
    await env.engine.approvals.decide(ui(CAROL), moved.id, 'approve');
    expected.push(moved.id);
  }
  for (let i = 0; i < 2; i++) expected.push((await env.engine.approvals.submitPage(ui(BOB), String(page++), 'wf-eng-review')).id);
  // not DAVE's: ERIN's workflow
  const others = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Others', steps: [{ approvers: [ERIN], mode: 'any' }] });
  for (let i = 0; i < 5; i++) await env.engine.approvals.submitPage(ui(BOB), String(page++), others.id);
  await backfill(env);

  for (const limit of [2, 5, 100]) {
    const { ids, queriesPerPage } = await allMine(env, counting, DAVE, limit);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(Math.max(...queriesPerPage)).toBeLessThanOrEqual(MINE_QUERIES_PER_PAGE);
  }
  // 7 pairs cannot be walked in one page of 5 queries, even with room for every item
  expect((await allMine(env, counting, DAVE, 100)).queriesPerPage).toEqual([5, 2]);
});

test('a forged cursor is refused with INVALID_CURSOR, never a 500', async () => {
  const { env } = await counted();
  await backfill(env);
  const forged = `mine1.${Buffer.from('{"w":1}').toString('base64url')}`;
  await expect(env.engine.approvals.queue(ui(DAVE), ENG, { mine: true, cursor: forged })).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
  await expect(env.engine.approvals.queue(ui(DAVE), ENG, { cursor: forged })).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
});

test('a well-formed forged cursor only moves the position: it never yields an approval the caller does not approve', async () => {
  const { env } = await counted();
  const mine: string[] = [];
  for (const p of pages(4001, 3)) mine.push((await env.engine.approvals.submitPage(ui(BOB), p, 'wf-eng-review')).id);
  const others = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Others', steps: [{ approvers: [ERIN], mode: 'any' }] });
  const erins = (await env.engine.approvals.submitPage(ui(BOB), '4004', others.id)).id;
  const docs: string[] = [];
  for (const p of ['3002', '3003']) docs.push((await env.engine.approvals.submitPage(ui(BOB), p, 'wf-docs-quick')).id);
  await backfill(env);
  const cursorOf = (position: object) => `mine1.${Buffer.from(JSON.stringify(position)).toString('base64url')}`;
  const daveWith = async (cursor: string) => (await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true, cursor })).items.map((a) => a.id);

  // CAROL's cursor of the other space, past its first item there: in ENG it moves DAVE to his first pair, whole
  const carolDocs = await env.engine.approvals.queue(ui(CAROL), DOCS, { mine: true, limit: 1 });
  expect(carolDocs.items.map((a) => a.id)).toEqual([docs[0]]);
  expect(await daveWith(carolDocs.nextCursor!)).toEqual(mine);
  // ERIN's workflow and the other space's workflow, at any position: their partitions are never asked for DAVE
  for (const w of [others.id, 'wf-docs-quick']) expect((await daveWith(cursorOf({ w, k: 0, a: '0' }))).filter((id) => !mine.includes(id))).toEqual([]);
  // DAVE's own pair, past its last item: nothing
  expect(await daveWith(cursorOf({ w: 'wf-eng-review', k: 0, a: '9' }))).toEqual([]);
  // ERIN's cursor naming her pair keeps working for her
  expect((await env.engine.approvals.queue(ui(ERIN), ENG, { mine: true, cursor: cursorOf({ w: others.id, k: 0 }) })).items.map((a) => a.id)).toEqual([erins]);
});

test('under an eventually consistent index (strict profile) a submit shows once the index settles, and never twice', async () => {
  let eventual: EventualIndexStore | undefined;
  const { env } = await counted((s) => (eventual = new EventualIndexStore(s)));
  const first = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
  eventual!.settle();
  await backfill(env);
  const second = await env.engine.approvals.submitPage(ui(BOB), '2002', 'wf-eng-review');
  expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual([first.id]);
  eventual!.settle();
  expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual([first.id, second.id]);
  // a decision that ends one leaves "mine" once the index catches up (U22: until then the index may still list it as it
  // was, decisions.md m-idx 4), and acting on it meanwhile is refused by the decision's own strong read
  await env.engine.approvals.decide(ui(CAROL), first.id, 'approve');
  await expect(env.engine.approvals.decide(ui(DAVE), first.id, 'approve')).rejects.toMatchObject({ code: 'APPROVAL_NOT_PENDING' });
  eventual!.settle();
  expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual([second.id]);
});

test('the back-fill runs once: a later daily run finds it done and starts nothing', async () => {
  const { env } = await counted();
  await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
  expect(await backfill(env)).toBe(1);
  expect((await env.store.get<{ status: string }>(keys.approvalIndexBackfill))?.value.status).toBe('done');
  expect(await backfill(env)).toBe(0);
});

test('a "mine" paging begun before the back-fill finished continues on the old path, losing nothing', async () => {
  const { env } = await counted();
  const ids = [];
  for (const p of pages(4001, 5)) ids.push((await env.engine.approvals.submitPage(ui(BOB), p, 'wf-eng-review')).id);
  const first = await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true, limit: 2 });
  await backfill(env);
  const seen = first.items.map((a) => a.id);
  let cursor = first.nextCursor;
  while (cursor) {
    const page = await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true, limit: 2, cursor });
    seen.push(...page.items.map((a) => a.id));
    cursor = page.nextCursor;
  }
  expect(seen).toEqual(ids);
});
