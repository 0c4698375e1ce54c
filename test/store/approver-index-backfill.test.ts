/**
 * Upgrading a SQLite data file written before the approver index (issue 23 item 5): its approval
 * items lack `step` and have no rows in `pending-by-wf-step`. Until the one-off back-fill is done
 * "waiting for me" takes the old path; the back-fill, slice after slice, puts every pending one into
 * the index (an approval still at `approval:<id>` moves into its item on the way).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CountingStore } from '../../src/adapters/store/counting-store';
import { SqliteStore } from '../../src/adapters/store/sqlite-store';
import { APPROVAL_ENTITY } from '../../src/core/ports/entities';
import type { Job } from '../../src/core/ports/jobs';
import type { KeyValueStore, TxOp } from '../../src/core/ports/store';
import { continueIndexBackfill, startIndexBackfill } from '../../src/core/services/approvals/index-backfill';
import { approvalOfItem } from '../../src/core/services/approvals/stored';
import { createContext, type EngineLogger } from '../../src/core/services/context';
import { approvalIndex, approvalIndexValue, keys } from '../../src/core/services/keys';
import { ALICE, BOB, CAROL, DAVE, ENG, ERIN, setup, ui, type TestEnv } from '../engine/helpers';

const root = mkdtempSync(join(tmpdir(), 'af-backfill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What a file of the build before holds: no `step` on approval items, no rows in the index it did not declare. */
function toFileOfBefore(file: string): void {
  const db = new Database(file);
  db.prepare("UPDATE entity_items SET value = json_remove(value, '$.step') WHERE entity = ?").run(APPROVAL_ENTITY);
  db.prepare("DELETE FROM entity_index WHERE entity = ? AND idx = 'pending-by-wf-step'").run(APPROVAL_ENTITY);
  db.close();
}

/** The back-fill as the daily run starts it and the consumer runs its slices (`maxQueries` index queries each), until done. */
async function runBackfill(env: TestEnv, maxQueries: number, log: EngineLogger = () => undefined): Promise<number> {
  const queued: Job[] = [];
  const ctx = { ...createContext(env.deps, log), jobs: { push: (jobs: Job[]) => Promise.resolve(void queued.push(...jobs)) } };
  await startIndexBackfill(ctx);
  let slices = 0;
  for (let job = queued.shift(); job; job = queued.shift()) {
    await continueIndexBackfill(ctx, maxQueries);
    slices += 1;
  }
  return slices;
}

test('approvals written before the index reach it through the back-fill; "mine" answers by the old path until then', async () => {
  const file = join(root, 'data.sqlite');
  const sqlite = new SqliteStore({ file });
  let counting: CountingStore | undefined;
  const env = await setup({ store: sqlite, extraPages: 6, wrap: (s) => (counting = new CountingStore(s)) });
  const pending = [];
  for (const pageId of ['4001', '4002', '4003', '4004']) pending.push((await env.engine.approvals.submitPage(ui(BOB), pageId, 'wf-eng-review')).id);
  const decided = await env.engine.approvals.submitPage(ui(BOB), '4005', 'wf-eng-review');
  await env.engine.approvals.decide(ui(CAROL), decided.id, 'approve');
  // one of them from before approvals moved into their items: the record at approval:<id>, an item without it
  const [item] = await sqlite.getEntities(APPROVAL_ENTITY, [pending[0]]);
  // the legacy record is the whole approval (the item's `rec` leaves out what its key and attributes hold)
  const { rec: _rec, ...index } = item.value;
  await sqlite.transact([{ op: 'put', key: keys.approval(pending[0]), value: approvalOfItem(item) }, { op: 'put', entity: APPROVAL_ENTITY, key: pending[0], value: index }]);
  toFileOfBefore(file);

  expect((await sqlite.queryEntity({ ...approvalIndex.pendingAtStep('wf-eng-review', 0), limit: 100 })).items).toEqual([]);
  expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual(pending);

  // one index query per slice: every slice saves its position and enqueues the next
  expect(await runBackfill(env, 1)).toBeGreaterThan(3);
  expect((await sqlite.get<{ status: string; rewritten: number }>(keys.approvalIndexBackfill))?.value).toMatchObject({ status: 'done', rewritten: 4 });
  expect(await sqlite.get(keys.approval(pending[0]))).toBeUndefined();

  counting!.reset();
  expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual(pending);
  expect(counting!.counts.queryEntity).toBe(1);
  sqlite.close();
});

test('a decided approval whose approver an edit before the upgrade took out of its step stays in their "waiting for me"', async () => {
  const file = join(root, 'edited.sqlite');
  const sqlite = new SqliteStore({ file });
  const env = await setup({ store: sqlite });
  const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Two steps', steps: [{ approvers: [CAROL], mode: 'any' }, { approvers: [DAVE], mode: 'any' }] });
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', wf.id);
  await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
  env.tick();
  await env.engine.workflows.update(ui(ALICE), wf.id, { steps: [{ approvers: [CAROL], mode: 'any' }, { approvers: [ERIN], mode: 'any' }] });
  // the build before recorded no former approvers
  await sqlite.transact([{ op: 'delete', key: keys.formerApprovers(wf.id) }]);
  toFileOfBefore(file);
  // the old path checks each approval's own snapshot
  expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual([approval.id]);

  await runBackfill(env, 200);
  expect((await sqlite.get<{ status: string }>(keys.approvalIndexBackfill))?.value.status).toBe('done');
  expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual([approval.id]);
  expect((await env.engine.approvals.queue(ui(ERIN), ENG, { mine: true })).items).toEqual([]);
  sqlite.close();
});

test('a pending approval whose stored record is corrupt is skipped, counted and logged by id; the others get their step', async () => {
  const file = join(root, 'corrupt.sqlite');
  const sqlite = new SqliteStore({ file });
  const env = await setup({ store: sqlite, extraPages: 3 });
  const ids = [];
  for (const pageId of ['4001', '4002', '4003']) ids.push((await env.engine.approvals.submitPage(ui(BOB), pageId, 'wf-eng-review')).id);
  const [item] = await sqlite.getEntities(APPROVAL_ENTITY, [ids[1]]);
  await sqlite.transact([{ op: 'put', entity: APPROVAL_ENTITY, key: ids[1], value: { ...item.value, rec: { ...(item.value.rec as object), status: 'lost' } } }]);
  toFileOfBefore(file);

  const logged: [string, Record<string, unknown>][] = [];
  await runBackfill(env, 200, (message, fields) => void logged.push([message, fields]));
  expect((await sqlite.get(keys.approvalIndexBackfill))?.value).toMatchObject({ status: 'done', rewritten: 2, corrupt: 1 });
  expect(logged).toEqual([['approver-index back-fill skipped a corrupt record', { approvalId: ids[1] }]]);
  const indexed = await sqlite.queryEntity({ ...approvalIndex.pendingAtStep('wf-eng-review', 0), limit: 100 });
  expect(indexed.items.map((i) => i.key)).toEqual([ids[0], ids[2]]);
  sqlite.close();
});

/** The store, with `before` run once just ahead of the first transaction that writes approval `id`'s item while armed. */
function beforeItemWrite(store: KeyValueStore, id: () => string | undefined, before: () => Promise<unknown>): KeyValueStore {
  const transact = async (ops: TxOp[]): Promise<void> => {
    const target = id();
    if (target !== undefined && ops.some((op) => op.op === 'put' && op.entity === APPROVAL_ENTITY && op.key === target)) {
      id = () => undefined;
      await before();
    }
    return store.transact(ops);
  };
  return new Proxy(store, {
    get: (s, prop) => {
      if (prop === 'transact') return transact;
      const value: unknown = Reflect.get(s, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(s) : value;
    },
  });
}

test("a decision arriving between the back-fill's read and its write is kept; the back-fill's rewrite is skipped", async () => {
  const file = join(root, 'race.sqlite');
  const sqlite = new SqliteStore({ file });
  // CAROL decides the approval named here just before the back-fill writes it
  const race: { armed?: string; env?: TestEnv } = {};
  const decide = () => race.env!.engine.approvals.decide(ui(CAROL), race.armed!, 'approve');
  const env = (race.env = await setup({ store: sqlite, wrap: (s) => beforeItemWrite(s, () => race.armed, decide) }));
  const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Two steps', steps: [{ approvers: [CAROL], mode: 'any' }, { approvers: [DAVE], mode: 'any' }] });
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', wf.id);
  toFileOfBefore(file);

  race.armed = approval.id;
  await runBackfill(env, 200);
  expect((await sqlite.get(keys.approvalIndexBackfill))?.value).toMatchObject({ status: 'done', rewritten: 0 });
  const [item] = await sqlite.getEntities(APPROVAL_ENTITY, [approval.id]);
  const stored = approvalOfItem(item)!;
  expect({ decisions: stored.decisions.map((d) => [d.accountId, d.decision]), activeStep: stored.activeStep, step: item.value.step }).toEqual({
    decisions: [[CAROL, 'approve']],
    activeStep: 1,
    step: approvalIndexValue(stored).step,
  });
  // the decision's own write put it into the index at its new step
  expect((await env.engine.approvals.queue(ui(DAVE), ENG, { mine: true })).items.map((a) => a.id)).toEqual([approval.id]);
  sqlite.close();
});
