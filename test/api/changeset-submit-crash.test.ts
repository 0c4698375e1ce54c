/**
 * Issue 25 finding 8: a keyed change-set submit killed after its page batches but before its
 * answer was recorded must, on retry after the in-progress lease, answer what the first attempt did
 * (its pages submitted, not "skipped: PENDING_APPROVAL") and write exactly one `changeset.submitted`.
 * The answer now commits in the submit's own final transaction, as page submit's does (its last page
 * batch's when the closing write fits there, issue 23).
 */
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import type { TxOp } from '../../src/core/ports/store';
import { IN_PROGRESS_LEASE_MS } from '../../src/transport/api/idempotency';
import { createLocalApp } from '../../local/app';
import { createLocalSite } from '../../local/site';
import { call } from './helpers';

const PAGES = ['2001', '2002', '2003', '2004', '2005'];

/** A process that dies at a chosen transaction: it and every later one never reach the store. */
class DyingStore extends StoreDecorator {
  dieAt?: (ops: TxOp[]) => boolean;
  /** dies right after this transaction applied: its caller never hears back */
  dieAfter?: (ops: TxOp[]) => boolean;
  dead = false;
  readonly tx: string[][] = [];
  override async transact(ops: TxOp[]): Promise<void> {
    if (this.dead || this.dieAt?.(ops)) {
      this.dead = true;
      throw new Error('process killed');
    }
    this.tx.push(ops.map((o) => (o.entity ? `entity:${o.entity}` : o.key.split(':')[0])));
    await this.inner.transact(ops);
    if (this.dieAfter?.(ops)) {
      this.dead = true;
      throw new Error('process killed');
    }
  }
}

/** The submit's final transaction releases its lease (rewrites it with `until: 0`). */
const releasesLease = (ops: TxOp[]) => ops.some((o) => o.op === 'put' && o.key.startsWith('cs-submit-lease:') && (o.value as { until: number }).until === 0);

async function setUp() {
  const store = new DyingStore(new MemoryStore());
  let now = Date.UTC(2026, 11, 7, 9, 0, 0);
  const local = createLocalApp({ store, site: createLocalSite(), clock: { now: () => now } });
  await local.ready;
  const created = await call(local.api, 'changeset-create', { accountId: 'acc-bob', body: { spaceId: '1001', title: 'Release', pageRefs: PAGES.map((pageId) => ({ pageId })) } });
  const submit = () => call(local.api, 'changeset-submit', { accountId: 'acc-bob', body: { changeSetId: created.json.changeSet.id }, idempotencyKey: 'release-7' });
  const submittedRecords = async () => (await local.engine.audit.list({ accountId: 'acc-alice', source: 'ui' }, { action: 'changeset.submitted' }, { limit: 100 })).items;
  return { store, local, submit, submittedRecords, advance: (ms: number) => (now += ms) };
}

it('the recorded answer commits in the submit\'s final transaction, with its changeset.submitted record and the last pages', async () => {
  const { store, submit } = await setUp();
  store.tx.length = 0;
  const first = await submit();
  expect([first.status, first.json.submittedCount]).toEqual([200, PAGES.length]);
  const last = store.tx.filter((t) => !t.every((p) => p === 'diag')).at(-1)!;
  expect(last).toEqual(expect.arrayContaining(['cs-submit-lease', 'idem', 'entity:af-audit', 'entity:af-approval']));
  const again = await submit();
  // the replay answers what the first attempt answered, marked as a replay (SPEC §3)
  expect([again.status, again.json]).toEqual([200, { ...first.json, replayed: true }]);
});

it('killed at its final commit (the last page batch with the answer): the retry after the lease reports its own pages as submitted, one changeset.submitted', async () => {
  const { store, local, submit, submittedRecords, advance } = await setUp();
  store.dieAt = releasesLease;
  // the dying process logs its failures; what it logs is not under test here
  const quiet = [jest.spyOn(console, 'error').mockImplementation(() => undefined), jest.spyOn(console, 'warn').mockImplementation(() => undefined)];
  await submit();
  quiet.forEach((spy) => spy.mockRestore());
  expect(store.dead).toBe(true);
  // the process restarts; the dead attempt's key is in progress until its lease runs out
  store.dead = false;
  store.dieAt = undefined;
  advance(IN_PROGRESS_LEASE_MS + 1_000);
  const retry = await submit();
  expect(retry.status).toBe(200);
  expect(retry.json).toMatchObject({ submittedCount: PAGES.length, skippedCount: 0 });
  expect(retry.json.results.map((r: { pageId: string; success: boolean }) => [r.pageId, r.success])).toEqual(PAGES.map((p) => [p, true]));
  expect(await submittedRecords()).toHaveLength(1);
  // and every page has exactly the one pending approval the first attempt made
  for (const pageId of PAGES) {
    const status = await local.engine.approvals.pageStatus({ accountId: 'acc-bob', source: 'ui' }, pageId);
    expect([status.state, status.latestApproval?.id]).toEqual(['in_approval', retry.json.results.find((r: { pageId: string }) => r.pageId === pageId).approvalId]);
  }
  await local.idle();
});

it('killed right after its final commit: the retry after the lease replays the answer, never a second submit', async () => {
  const { store, submit, submittedRecords, advance } = await setUp();
  store.dieAfter = releasesLease;
  const quiet = [jest.spyOn(console, 'error').mockImplementation(() => undefined), jest.spyOn(console, 'warn').mockImplementation(() => undefined)];
  const first = await submit();
  quiet.forEach((spy) => spy.mockRestore());
  expect(first.status).toBeGreaterThanOrEqual(500);
  store.dead = false;
  store.dieAfter = undefined;
  advance(IN_PROGRESS_LEASE_MS + 1_000);
  const retry = await submit();
  expect([retry.status, retry.json.replayed, retry.json.submittedCount]).toEqual([200, true, PAGES.length]);
  expect(await submittedRecords()).toHaveLength(1);
});

describe('atomic change set (SPEC 2.5a)', () => {
  async function setUpAtomic() {
    const env = await setUp();
    const created = await call(env.local.api, 'changeset-create', { accountId: 'acc-bob', body: { spaceId: '1001', title: 'Release 12', pageRefs: PAGES.map((pageId) => ({ pageId })), approvalMode: 'atomic' } });
    const submit = () => call(env.local.api, 'changeset-submit', { accountId: 'acc-bob', body: { changeSetId: created.json.changeSet.id }, idempotencyKey: 'atomic-12' });
    return { ...env, submit };
  }
  /** The atomic submit's last transaction: the set approval turns pending with its changeset.submitted record. */
  const turnsPending = (ops: TxOp[]) => ops.some((o) => o.op === 'put' && o.key.startsWith('set-approval:') && (o.value as { status: string }).status === 'pending');

  it('records the keyed answer in the transaction that makes the set pending; a crash right after it replays the answer, never a second submit', async () => {
    const { store, local, submit, submittedRecords, advance } = await setUpAtomic();
    // the process dies right after the set approval turned pending (the transaction applied, its caller never heard back)
    store.dieAfter = turnsPending;
    const quiet = [jest.spyOn(console, 'error').mockImplementation(() => undefined), jest.spyOn(console, 'warn').mockImplementation(() => undefined)];
    const first = await submit();
    quiet.forEach((spy) => spy.mockRestore());
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(store.tx.at(-1)).toEqual(expect.arrayContaining(['set-approval', 'idem', 'entity:af-audit']));
    store.dead = false;
    store.dieAfter = undefined;
    advance(IN_PROGRESS_LEASE_MS + 1_000);
    const retry = await submit();
    expect([retry.status, retry.json.status, retry.json.replayed, retry.json.submittedCount]).toEqual([200, 'pending', true, PAGES.length]);
    expect(await submittedRecords()).toHaveLength(1);
    for (const pageId of PAGES) {
      const status = await local.engine.approvals.pageStatus({ accountId: 'acc-bob', source: 'ui' }, pageId);
      expect([status.state, status.latestApproval?.id]).toEqual(['in_approval', retry.json.setApprovalId]);
    }
    await local.idle();
  });

  it('killed at that transaction: nothing is pending, and the retry after the lease submits once', async () => {
    const { store, local, submit, submittedRecords, advance } = await setUpAtomic();
    store.dieAt = turnsPending;
    const quiet = [jest.spyOn(console, 'error').mockImplementation(() => undefined), jest.spyOn(console, 'warn').mockImplementation(() => undefined)];
    await submit();
    quiet.forEach((spy) => spy.mockRestore());
    expect((await local.engine.approvals.pageStatus({ accountId: 'acc-bob', source: 'ui' }, '2001')).state).toBe('draft');
    store.dead = false;
    store.dieAt = undefined;
    advance(IN_PROGRESS_LEASE_MS + 1_000);
    const retry = await submit();
    expect([retry.status, retry.json.status, retry.json.replayed]).toEqual([200, 'pending', undefined]);
    expect(await submittedRecords()).toHaveLength(1);
    const again = await submit();
    expect([again.status, again.json.setApprovalId, again.json.replayed]).toEqual([200, retry.json.setApprovalId, true]);
    await local.idle();
  });
});
