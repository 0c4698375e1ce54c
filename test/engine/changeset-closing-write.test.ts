/**
 * A change-set submit's closing write (the lease's release, the request's answer, the
 * `changeset.submitted` record) rides in its last page batch's transaction when it fits (issue 23,
 * write units), atomically with those pages; a conflict on that batch, or a full last batch, writes
 * it alone after the pages, as before. The transactions are counted on the store itself.
 */
import { createHash } from 'node:crypto';
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { APPROVAL_ENTITY, AUDIT_ENTITY } from '../../src/core/ports/entities';
import type { TxOp } from '../../src/core/ports/store';
import { keys } from '../../src/core/services/keys';
import { SUBMIT_LEASE_MS } from '../../src/core/services/changesets/submit-lease';
import { MAX_PARALLEL_BATCHES } from '../../src/core/services/changesets/batches';
import type { PerPageSubmitResult } from '../../src/core/services/changesets/submit';
import { BOB, ENG, api, setup, submitAtomicSet } from './helpers';

const pages = (n: number) => Array.from({ length: n }, (_, i) => String(4001 + i));
const ANSWER_KEY = 'test-answer:1';
const digest = (result: unknown) => createHash('sha256').update(JSON.stringify(result)).digest('hex');
/** What a keyed request records with the submit (a digest here: the real record is a deflated copy, a few KB). */
const alongside = (result: PerPageSubmitResult): TxOp[] => [{ op: 'put', key: ANSWER_KEY, value: { digest: digest(result) } }];

interface Tx {
  approvals: number;
  releasesLease: boolean;
  submittedRecord: boolean;
  answer: boolean;
}

const shapeOf = (ops: TxOp[]): Tx => ({
  approvals: ops.filter((op) => op.op === 'put' && op.entity === APPROVAL_ENTITY && op.condition?.kind === 'absent').length,
  releasesLease: ops.some((op) => op.op === 'put' && op.key.startsWith('cs-submit-lease:') && (op.value as { until: number }).until === 0),
  submittedRecord: ops.some((op) => op.op === 'put' && op.entity === AUDIT_ENTITY && (op.value as { action: string }).action === 'changeset.submitted'),
  answer: ops.some((op) => op.key === ANSWER_KEY),
});

/** Records the shape of every transaction that commits; `before` runs once, right before the first transaction it matches. */
class Recorder extends StoreDecorator {
  readonly tx: Tx[] = [];
  before?: { when: (tx: Tx) => boolean; run: () => Promise<unknown>; ran?: boolean };
  override async transact(ops: TxOp[]): Promise<void> {
    const shape = shapeOf(ops);
    if (this.before && !this.before.ran && this.before.when(shape)) {
      this.before.ran = true;
      await this.before.run();
    }
    await this.inner.transact(ops);
    this.tx.push(shape);
  }
}

/** The joined transaction: page batch and closing write in one. */
const joined = (tx: Tx) => tx.approvals > 0 && tx.releasesLease;

/**
 * Also notes, as each page batch's transaction starts, how many page batches had finished; each
 * transaction waits a turn of the event loop first, so batches in flight together are seen together.
 */
class Waves extends Recorder {
  readonly finishedAtStart: number[] = [];
  override async transact(ops: TxOp[]): Promise<void> {
    if (shapeOf(ops).approvals > 0) this.finishedAtStart.push(this.tx.filter((tx) => tx.approvals > 0).length);
    await new Promise((resolve) => setImmediate(resolve));
    await super.transact(ops);
  }
}

/** A change set of `pageCount` pages (4001…); `spare` more pages exist outside it. */
async function submitting(pageCount: number, spare = 0, Store: typeof Recorder = Recorder) {
  let recorder!: Recorder;
  // jobs are only queued: the transactions counted are the request's own
  const env = await setup({ extraPages: pageCount + spare, wrap: (s) => (recorder = new Store(s)), jobs: { push: () => Promise.resolve() } });
  const pageIds = pages(pageCount);
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Big PR', pageRefs: pageIds.map((pageId) => ({ pageId })) });
  recorder.tx.length = 0;
  const submit = () => env.engine.changeSets.submit(api(BOB), cs.id, { alongside });
  const records = async (action: string) => (await env.auditRecords()).filter((r) => r.action === action);
  const recordedAnswer = async () => (await env.store.get<{ digest: string }>(ANSWER_KEY))?.value.digest;
  return { env, recorder, cs, pageIds, submit, records, recordedAnswer };
}

test('a 100-page submit: the last page batch carries the closing write, one transaction fewer, the same answer and records', async () => {
  const { env, recorder, cs, pageIds, submit, records, recordedAnswer } = await submitting(100);
  const result = await submit();
  const [lease, ...batches] = recorder.tx;
  // the lease, then only page batches: no transaction of its own for the closing write
  expect(lease).toEqual({ approvals: 0, releasesLease: false, submittedRecord: false, answer: false });
  expect(batches.every((tx) => tx.approvals > 0)).toBe(true);
  expect(batches.reduce((n, tx) => n + tx.approvals, 0)).toBe(100);
  expect(batches.at(-1)).toEqual({ approvals: batches.at(-1)!.approvals, releasesLease: true, submittedRecord: true, answer: true });
  expect(batches.slice(0, -1).some((tx) => tx.releasesLease || tx.submittedRecord || tx.answer)).toBe(false);
  // the answer: every page with the approval it now has, recorded as returned
  expect([result.submittedCount, result.skippedCount]).toEqual([100, 0]);
  for (const r of result.results) expect([r.success, r.approvalId]).toEqual([true, (await env.store.get<{ id: string }>(keys.pageState(r.pageId)))?.value.id]);
  expect(result.results.map((r) => r.pageId)).toEqual(pageIds);
  expect(await recordedAnswer()).toBe(digest(result));
  const [submitted, ...more] = await records('changeset.submitted');
  expect(more).toHaveLength(0);
  expect(submitted).toMatchObject({ changeSetId: cs.id, details: { title: 'Big PR', submittedCount: 100, skippedCount: 0 } });
  expect((await records('approval.submitted')).map((r) => r.pageId).sort()).toEqual(pageIds);
  expect((await env.store.get<{ until: number }>(keys.changeSetSubmitLease(cs.id)))?.value.until).toBe(0);
});

test('pages skipped before the batches are counted in the joined closing write', async () => {
  const { env, recorder, pageIds, submit, records, recordedAnswer } = await submitting(10);
  await env.engine.approvals.submitPage(api(BOB), '4003');
  recorder.tx.length = 0;
  const result = await submit();
  expect(recorder.tx.some(joined)).toBe(true);
  expect([result.submittedCount, result.skippedCount]).toEqual([9, 1]);
  expect(result.results.find((r) => r.pageId === '4003')).toMatchObject({ success: false, code: 'PENDING_APPROVAL' });
  expect(result.results.filter((r) => r.success).map((r) => r.pageId)).toEqual(pageIds.filter((id) => id !== '4003'));
  expect(await recordedAnswer()).toBe(digest(result));
  expect((await records('changeset.submitted')).map((r) => r.details)).toEqual([expect.objectContaining({ submittedCount: 9, skippedCount: 1 })]);
});

test('a conflict on the last batch: it is re-planned and commits alone, then the closing write; every page submitted once, one changeset.submitted', async () => {
  const { env, recorder, pageIds, submit, records, recordedAnswer } = await submitting(100);
  // someone submits the last page on its own right before the joined transaction reaches the store
  const last = pageIds.at(-1)!;
  recorder.before = { when: joined, run: () => env.engine.approvals.submitPage(api(BOB), last) };
  const result = await submit();
  expect(recorder.before.ran).toBe(true);
  expect(recorder.tx.some(joined)).toBe(false);
  const closing = recorder.tx.at(-1)!;
  expect(closing).toEqual({ approvals: 0, releasesLease: true, submittedRecord: true, answer: true });
  expect([result.submittedCount, result.skippedCount]).toEqual([99, 1]);
  expect(result.results.find((r) => r.pageId === last)).toMatchObject({ success: false, code: 'PENDING_APPROVAL' });
  expect(await recordedAnswer()).toBe(digest(result));
  // every page has exactly one approval: 99 through the set, the last one through its own submit
  expect((await records('approval.submitted')).map((r) => r.pageId).sort()).toEqual(pageIds);
  expect((await records('changeset.submitted')).map((r) => r.details)).toEqual([expect.objectContaining({ submittedCount: 99, skippedCount: 1 })]);
});

test('a conflict whose re-plan no longer fits one transaction: the last batch is cut again, then the closing write goes alone', async () => {
  const { env, recorder, pageIds, submit, records, recordedAnswer } = await submitting(6, 1);
  // an atomic submit of another page of the space opens its pin window: the re-plan checks each page's pointer (+6 ops)
  recorder.before = { when: joined, run: () => submitAtomicSet(env, ['4007']) };
  const result = await submit();
  expect(recorder.before.ran).toBe(true);
  // the joined attempt failed; the re-planned batch went in parts (the atomic submit creates no per-page approval)
  const parts = recorder.tx.filter((tx) => tx.approvals > 0);
  expect(parts.length).toBeGreaterThanOrEqual(2);
  expect(parts.reduce((n, tx) => n + tx.approvals, 0)).toBe(6);
  expect(recorder.tx.at(-1)).toEqual({ approvals: 0, releasesLease: true, submittedRecord: true, answer: true });
  expect(result.results.map((r) => [r.pageId, r.success])).toEqual(pageIds.map((id) => [id, true]));
  expect(await recordedAnswer()).toBe(digest(result));
  expect((await records('approval.submitted')).map((r) => r.pageId).sort()).toEqual(pageIds);
  expect((await records('changeset.submitted')).map((r) => r.details)).toEqual([
    expect.objectContaining({ title: 'Release 12' }),
    expect.objectContaining({ title: 'Big PR', submittedCount: 6, skippedCount: 0 }),
  ]);
});

test('the lease taken over before the joined transaction: the pages commit, and the closing write leaves the other submit its lease', async () => {
  const { env, recorder, cs, pageIds, submit, records } = await submitting(10);
  const leaseKey = keys.changeSetSubmitLease(cs.id);
  // what a second submit of the set does when it takes the lease over
  const takeOver = async () => {
    const lease = await env.store.get(leaseKey);
    await env.store.transact([{ op: 'put', key: leaseKey, value: { until: env.deps.clock.now() + SUBMIT_LEASE_MS, by: BOB }, condition: { kind: 'version', version: lease!.version } }]);
  };
  recorder.before = { when: joined, run: takeOver };
  const result = await submit();
  expect(recorder.before.ran).toBe(true);
  expect([result.submittedCount, result.skippedCount]).toEqual([10, 0]);
  expect(recorder.tx.at(-1)).toEqual({ approvals: 0, releasesLease: false, submittedRecord: true, answer: true });
  expect((await env.store.get<{ until: number }>(leaseKey))?.value.until).toBeGreaterThan(env.deps.clock.now());
  expect((await records('approval.submitted')).map((r) => r.pageId).sort()).toEqual(pageIds);
  expect(await records('changeset.submitted')).toHaveLength(1);
});

test('98 pages are 14 full batches of 7: the last has no room, so the closing write goes alone', async () => {
  const { recorder, submit, records } = await submitting(98);
  const result = await submit();
  expect(result.submittedCount).toBe(98);
  expect(recorder.tx.map((tx) => tx.approvals)).toEqual([0, ...Array<number>(14).fill(7), 0]);
  expect(recorder.tx.at(-1)).toEqual({ approvals: 0, releasesLease: true, submittedRecord: true, answer: true });
  expect(await records('changeset.submitted')).toHaveLength(1);
});

test('98 pages: as the closing write cannot join, the last batch does not wait for the others (one sequential transaction fewer)', async () => {
  const { recorder, submit } = await submitting(98, 0, Waves);
  await submit();
  const { finishedAtStart } = recorder as Waves;
  expect(finishedAtStart).toHaveLength(14);
  // a pool of MAX_PARALLEL_BATCHES: each of the last 4 batches starts as one of the first finishes (before: the 14th started once 13 had finished)
  expect(Math.max(...finishedAtStart)).toBeLessThanOrEqual(14 - MAX_PARALLEL_BATCHES);
});
