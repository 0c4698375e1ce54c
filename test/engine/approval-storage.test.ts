/**
 * An approval is stored once, in its af-approval item (approvals/stored.ts); approvals written
 * before that (the record at `approval:<id>`, an index item without `rec`) still read everywhere
 * and move into their item on their next write.
 */
import { APPROVAL_ENTITY } from '../../src/core/ports/entities';
import type { KeyValueStore } from '../../src/core/ports/store';
import { approvalOfItem } from '../../src/core/services/approvals/stored';
import { keys } from '../../src/core/services/keys';
import { BOB, CAROL, ENG, setup, ui } from './helpers';

/** Rewrites a stored approval in the shape written before this change. */
async function toOldShape(store: KeyValueStore, approvalId: string): Promise<void> {
  const [item] = await store.getEntities(APPROVAL_ENTITY, [approvalId]);
  const { rec, ...index } = item.value;
  await store.transact([
    { op: 'put', key: keys.approval(approvalId), value: rec, condition: { kind: 'absent' } },
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
