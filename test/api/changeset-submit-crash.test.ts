/**
 * Issue 25 finding 8: a keyed change-set submit killed after its page batches but before its
 * answer was recorded must, on retry after the in-progress lease, answer what the first attempt did
 * (its pages submitted, not "skipped: PENDING_APPROVAL") and write exactly one `changeset.submitted`.
 * The answer now commits in the submit's own final transaction, as page submit's does.
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
  dead = false;
  readonly tx: string[][] = [];
  override transact(ops: TxOp[]): Promise<void> {
    if (this.dead || this.dieAt?.(ops)) {
      this.dead = true;
      return Promise.reject(new Error('process killed'));
    }
    this.tx.push(ops.map((o) => (o.entity ? `entity:${o.entity}` : o.key.split(':')[0])));
    return this.inner.transact(ops);
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

it('the recorded answer commits in the submit\'s final transaction, with its changeset.submitted record', async () => {
  const { store, submit } = await setUp();
  store.tx.length = 0;
  const first = await submit();
  expect([first.status, first.json.submittedCount]).toEqual([200, PAGES.length]);
  const last = store.tx.filter((t) => !t.every((p) => p === 'diag')).at(-1)!;
  expect(last).toEqual(expect.arrayContaining(['cs-submit-lease', 'idem', 'entity:af-audit']));
  const again = await submit();
  // the replay answers what the first attempt answered, marked as a replay (SPEC §3)
  expect([again.status, again.json]).toEqual([200, { ...first.json, replayed: true }]);
});

it('killed after its page batches, before the final commit: the retry after the lease reports its own pages as submitted, one changeset.submitted', async () => {
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
