/**
 * An approval is stored once, in its af-approval item (approvals/stored.ts); approvals written
 * before that (the record at `approval:<id>`, an index item without `rec`) still read everywhere
 * and move into their item on their next write.
 */
import { APPROVAL_ENTITY } from '../../src/core/ports/entities';
import type { KeyValueStore } from '../../src/core/ports/store';
import { approvalOfItem } from '../../src/core/services/approvals/stored';
import { keys } from '../../src/core/services/keys';
import { ALICE, BOB, CAROL, ENG, setup, ui } from './helpers';
import { pageLatestOf } from '../../src/core/domain/page-state';
import { loadForUpdate } from '../../src/core/services/approvals/records';
import { createContext } from '../../src/core/services/context';

/** Rewrites a stored approval in the shape written before this change. */
async function toOldShape(store: KeyValueStore, approvalId: string): Promise<void> {
  const [item] = await store.getEntities(APPROVAL_ENTITY, [approvalId]);
  const { rec: _rec, ...index } = item.value;
  await store.transact([
    { op: 'put', key: keys.approval(approvalId), value: approvalOfItem(item), condition: { kind: 'absent' } },
    { op: 'put', entity: APPROVAL_ENTITY, key: approvalId, value: index },
  ]);
}

const itemOf = async (store: KeyValueStore, approvalId: string) => (await store.getEntities(APPROVAL_ENTITY, [approvalId]))[0];

test('a submit writes the approval once: its af-approval item holds it, no approval:<id> key', async () => {
  const env = await setup();
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
  const item = await itemOf(env.store, approval.id);
  expect(item && approvalOfItem(item)).toEqual(approval);
  expect(item?.value.state).toBe('pending');
  expect(await env.store.get(keys.approval(approval.id))).toBeUndefined();
});

test('an approval stored in the old shape reads in status, history and the queue, and its decision moves it into its item', async () => {
  const env = await setup();
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
  await toOldShape(env.store, approval.id);
  expect(approvalOfItem((await itemOf(env.store, approval.id)))).toBeUndefined();

  expect((await env.engine.approvals.history(ui(BOB), '2001')).map((a) => a.id)).toEqual([approval.id]);
  expect((await env.engine.approvals.queue(ui(BOB), ENG, {})).items.map((a) => a.id)).toEqual([approval.id]);
  expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).state).toBe('in_approval');

  const decided = await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
  expect(decided.status).toBe('approved');
  const item = await itemOf(env.store, approval.id);
  expect(item && approvalOfItem(item)).toEqual(decided);
  expect(item?.value.state).toBe('done');
  expect(await env.store.get(keys.approval(approval.id))).toBeUndefined();
  expect((await env.engine.approvals.history(ui(BOB), '2001')).map((a) => a.status)).toEqual(['approved']);
});

test('the record leaves out what its item already holds (id, page, space, workflow); one that repeats them reads alike, one that disagrees is corrupt', async () => {
  const env = await setup();
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
  const item = await itemOf(env.store, approval.id);
  expect(Object.keys(item.value.rec as object)).toEqual(expect.not.arrayContaining(['id', 'pageId', 'spaceId', 'workflowId']));
  // written before issue 23 item 4: the whole approval in `rec`
  await env.store.transact([{ op: 'put', entity: APPROVAL_ENTITY, key: approval.id, value: { ...item.value, rec: approval } }]);
  expect(approvalOfItem(await itemOf(env.store, approval.id))).toEqual(approval);
  await env.store.transact([{ op: 'put', entity: APPROVAL_ENTITY, key: approval.id, value: { ...item.value, rec: { ...approval, pageId: '2002' } } }]);
  await expect(env.engine.approvals.history(ui(BOB), '2001')).rejects.toMatchObject({ code: 'CORRUPT_RECORD' });
});

test('an old-shape approval is cancelled through its page state, and its old key goes with it', async () => {
  const env = await setup();
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
  await toOldShape(env.store, approval.id);
  const cancelled = await env.engine.approvals.cancel(ui(BOB), approval.id);
  expect(cancelled.status).toBe('cancelled');
  expect(approvalOfItem((await itemOf(env.store, approval.id)))?.status).toBe('cancelled');
  expect(await env.store.get(keys.approval(approval.id))).toBeUndefined();
  expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).state).toBe('draft');
});

test('an item whose attributes disagree with its approval is refused as corrupt, not listed under the wrong state', async () => {
  const env = await setup();
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
  const item = await itemOf(env.store, approval.id);
  await env.store.transact([{ op: 'put', entity: APPROVAL_ENTITY, key: approval.id, value: { ...item.value, state: 'done' } }]);
  await expect(env.engine.approvals.history(ui(BOB), '2001')).rejects.toMatchObject({ code: 'CORRUPT_RECORD' });
});

describe('the page state keeps a summary of the latest approval, not a copy (issue 23 item 4)', () => {
  test('a submit writes a summary without steps, decisions or people; status and byline-level reads show the whole approval', async () => {
    const env = await setup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    const state = (await env.store.get<Record<string, unknown>>(keys.pageState('2001')))!.value;
    expect(state).toEqual(pageLatestOf(approval));
    expect(state).not.toHaveProperty('decisions');
    expect(state).not.toHaveProperty('submittedBy');
    expect(state.workflowSnapshot).not.toHaveProperty('steps');
    const status = await env.engine.approvals.pageStatus(ui(BOB), '2001');
    expect(status.latestApproval).toEqual(approval);
    expect(status.pending?.approval).toEqual(approval);
  });

  test('a decision keeps the summary current; a record read before a decision that landed before the page state read is a conflict, never written over', async () => {
    const env = await setup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '3001', 'wf-docs-legal');
    const [before] = await env.store.getEntities(APPROVAL_ENTITY, [approval.id]);
    const decided = await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    expect(decided.status).toBe('pending'); // step 2 waits
    expect((await env.store.get(keys.pageState('3001')))!.value).toEqual(pageLatestOf(decided));
    await expect(loadForUpdate(createContext(env.deps, () => undefined), approval.id)).resolves.toMatchObject({ approval: decided });
    // the record as read before the decision, the page state as it is after it
    const stale = Object.create(env.deps.store) as KeyValueStore;
    stale.getEntities = <T>() => Promise.resolve([before] as never as T[]);
    await expect(loadForUpdate(createContext({ ...env.deps, store: stale }, () => undefined), approval.id)).rejects.toMatchObject({ code: 'CONDITION_FAILED' });
  });

  test('a page state written as a whole approval (before this change) still reads, decides and cancels; its next write is a summary', async () => {
    const env = await setup();
    const first = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    await env.store.transact([{ op: 'put', key: keys.pageState('2001'), value: first }]);
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).latestApproval).toEqual(first);
    expect((await env.engine.approvals.preflightPage(ui(BOB), '2001', 'wf-eng-review')).code).toBe('PENDING_APPROVAL');
    const decided = await env.engine.approvals.decide(ui(CAROL), first.id, 'approve');
    expect((await env.store.get(keys.pageState('2001')))!.value).toEqual(pageLatestOf(decided));

    const second = await env.engine.approvals.submitPage(ui(BOB), '2002', 'wf-eng-review');
    await env.store.transact([{ op: 'put', key: keys.pageState('2002'), value: second }]);
    await env.engine.approvals.reset(ui(ALICE), '2002');
    expect(approvalOfItem((await itemOf(env.store, second.id)))?.status).toBe('cancelled');
    expect(await env.store.get(keys.pageState('2002'))).toBeUndefined();
  });
});
