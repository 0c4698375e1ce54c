/**
 * The change-set submit lease (changesets/submit-lease.ts): batches commit side by side, so archive
 * must wait for a submit in progress and must never commit after a batch it did not see.
 */
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import type { KeyValueStore, TxOp } from '../../src/core/ports/store';
import { SUBMIT_LEASE_MS } from '../../src/core/services/changesets/submit-lease';
import { keys } from '../../src/core/services/keys';
import { BOB, ENG, api, codeOf, setup } from './helpers';

const refs = (...ids: string[]) => ids.map((pageId) => ({ pageId }));

/** Runs `before` once, just before the first transaction that archives a change set reaches the store. */
class BeforeArchiveCommit extends StoreDecorator {
  before?: () => Promise<void>;
  constructor(inner: KeyValueStore) {
    super(inner);
  }
  override async transact(ops: TxOp[]): Promise<void> {
    const archives = ops.some((op) => op.op === 'put' && op.key.startsWith('changeset:') && (op.value as { status?: string }).status === 'archived');
    const hook = archives ? this.before : undefined;
    if (hook) {
      this.before = undefined;
      await hook();
    }
    return this.inner.transact(ops);
  }
}

test('a submit releases its lease, so archive is refused only for the pending pages', async () => {
  const env = await setup();
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 9', pageRefs: refs('2001', '2002') });
  await env.engine.changeSets.submit(api(BOB), cs.id);
  expect((await env.store.get<{ until: number }>(keys.changeSetSubmitLease(cs.id)))?.value.until).toBe(0);
  expect(await codeOf(env.engine.changeSets.archive(api(BOB), cs.id))).toBe('CHANGE_SET_HAS_PENDING');
});

test('archive is refused while a submit holds the lease, and allowed once a crashed submit’s lease has expired', async () => {
  const env = await setup();
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 10', pageRefs: refs('2001') });
  // what a submit that died after taking its lease leaves behind
  await env.store.transact([{ op: 'put', key: keys.changeSetSubmitLease(cs.id), value: { until: env.deps.clock.now() + SUBMIT_LEASE_MS, by: BOB }, condition: { kind: 'absent' } }]);
  expect(await codeOf(env.engine.changeSets.archive(api(BOB), cs.id))).toBe('CHANGE_SET_HAS_PENDING');
  env.tick(SUBMIT_LEASE_MS + 1);
  expect((await env.engine.changeSets.archive(api(BOB), cs.id)).status).toBe('archived');
});

test('an archive that read the change set before a whole submit committed is refused, not committed over the pending pages', async () => {
  let hooked: BeforeArchiveCommit | undefined;
  const env = await setup({ wrap: (s) => (hooked = new BeforeArchiveCommit(s)) });
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 11', pageRefs: refs('2001', '2002', '2003') });
  let submittedMeanwhile = 0;
  hooked!.before = async () => {
    submittedMeanwhile = (await env.engine.changeSets.submit(api(BOB), cs.id)).submittedCount;
  };
  expect(await codeOf(env.engine.changeSets.archive(api(BOB), cs.id))).toBe('CHANGE_SET_HAS_PENDING');
  expect(submittedMeanwhile).toBe(3);
  const stored = await env.store.get<{ status: string }>(keys.changeSet(cs.id));
  expect(stored?.value.status).toBe('open');
});

test('issue 25 finding 12 (decided): the lease orders submit against archive, not submit against submit; two racing submits still submit each page once', async () => {
  const env = await setup();
  const pages = ['2001', '2002', '2003', '2004'];
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 10', pageRefs: refs(...pages) });
  const [a, b] = await Promise.all([env.engine.changeSets.submit(api(BOB), cs.id), env.engine.changeSets.submit(api(BOB), cs.id)]);
  // every page is submitted by exactly one of them; the other reports it pending
  expect(a.submittedCount + b.submittedCount).toBe(pages.length);
  for (const pageId of pages) {
    const outcomes = [a, b].map((r) => r.results.find((x) => x.pageId === pageId)!);
    expect(outcomes.filter((o) => o.success)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.success).map((o) => o.code)).toEqual(['PENDING_APPROVAL']);
  }
  const submitted = (await env.auditRecords()).filter((r) => r.action === 'approval.submitted');
  expect(submitted.map((r) => r.pageId).sort()).toEqual(pages);
});
