/**
 * Crash injection: fail the k-th store transaction of a multi-batch change-set submit, for every k,
 * in both failure modes (write lost before applying / applied but reply lost). The submit takes its
 * lease, commits its page batches side by side, the last with changeset.submitted. Invariants after
 * the crash: every page is either fully submitted (approval + page state + history + audit record)
 * or untouched, and exactly the batches whose transaction applied are; every acknowledged page's
 * comment job was enqueued; the audit chain verifies. A retry then completes the rest with exactly
 * one approval and one comment job per page. The event feed (SPEC 3a) is the outbox of these
 * changes: after the crash and after the retry it holds exactly one approval.submitted per committed
 * approval, none for a page that was not (no lost and no phantom event).
 */
import { FaultyStore } from '../../src/adapters/store/faulty-store';
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import type { TxOp } from '../../src/core/ports/store';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import type { Job, JobQueue } from '../../src/core/ports/jobs';
import { createEngine } from '../../src/core/services';
import { keys } from '../../src/core/services/keys';
import { APPROVAL_ENTITY, AUDIT_ENTITY } from '../../src/core/ports/entities';
import { approvalOfItem } from '../../src/core/services/approvals/stored';
import type { Engine } from '../../src/core/services';
import { ALICE, BOB, ENG, api, setup, ui } from './helpers';

/** The approval ids of every approval.submitted event in the feed, read to its end as a site admin. */
async function submittedEvents(engine: Engine): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await engine.events.list(ui(ALICE), { limit: 100, types: ['approval.submitted'], ...(cursor ? { cursor } : {}) });
    ids.push(...page.events.map((e) => e.approvalId!));
    if (page.events.length === 0) return ids;
    cursor = page.nextCursor;
  }
}

const PAGES = ['2001', '2002', '2003', '2004', '2005'].map((pageId) => ({ pageId }));

/** Records what the engine enqueues (the consumer side has its own tests). */
class RecordingQueue implements JobQueue {
  readonly jobs: Job[] = [];
  push(jobs: Job[]): Promise<void> {
    this.jobs.push(...jobs);
    return Promise.resolve();
  }
  approvalIds(): string[] {
    return this.jobs.flatMap((j) => (j.kind === 'submission.followUp' ? j.approvalIds : []));
  }
}

/** Counts the approvals each transaction creates, and which transactions record changeset.submitted. */
class ApprovalsPerTransaction extends StoreDecorator {
  readonly created: number[] = [];
  readonly closes: boolean[] = [];
  override transact(ops: TxOp[]): Promise<void> {
    // an approval is created as its af-approval item (create-only)
    this.created.push(ops.filter((op) => op.op === 'put' && op.entity === APPROVAL_ENTITY && op.condition?.kind === 'absent').length);
    this.closes.push(ops.some((op) => op.op === 'put' && op.entity === AUDIT_ENTITY && (op.value as { action: string }).action === 'changeset.submitted'));
    return this.inner.transact(ops);
  }
}

/**
 * On a healthy store (counted, not assumed): the transactions of the change set's creation, of its
 * submit, and how many pages each submit transaction commits.
 */
async function probe(): Promise<{ create: number; submit: number; pagesOfTx: number[]; closesAt: number[] }> {
  let counter: ApprovalsPerTransaction | undefined;
  const env = await setup({ wrap: (s) => (counter = new ApprovalsPerTransaction(s)), jobs: new RecordingQueue() });
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'probe', pageRefs: PAGES });
  const create = counter!.created.length;
  await env.engine.changeSets.submit(api(BOB), cs.id);
  const pagesOfTx = counter!.created.slice(create);
  const closesAt = counter!.closes.slice(create).flatMap((closes, i) => (closes ? [i] : []));
  return { create, submit: pagesOfTx.length, pagesOfTx, closesAt };
}

let counts: { create: number; submit: number; pagesOfTx: number[]; closesAt: number[] };
beforeAll(async () => {
  counts = await probe();
});

test('the submit is the lease, then several page batches, the last one with the changeset.submitted record', () => {
  const batches = counts.pagesOfTx.slice(1);
  expect(counts.pagesOfTx[0]).toBe(0);
  expect(batches.every((n) => n >= 1)).toBe(true);
  expect(batches.reduce((a, b) => a + b, 0)).toBe(PAGES.length);
  expect(counts.closesAt).toEqual([counts.submit - 1]);
  expect(batches.length).toBeGreaterThanOrEqual(2);
});

/** Pages committed when transaction k of the submit failed: none if the lease failed, else every batch but a lost one. */
function committedAfterCrash(k: number, mode: 'before-apply' | 'after-apply'): number {
  if (k === 1) return 0;
  const lost = mode === 'before-apply' ? (counts.pagesOfTx[k - 1] ?? 0) : 0;
  return PAGES.length - lost;
}

describe.each(['before-apply', 'after-apply'] as const)('crash %s', (mode) => {
  test.each(Array.from({ length: PAGES.length + 1 }, (_, i) => i + 1))('at transaction %i of the submit', async (k) => {
    if (k > counts.submit) return; // fewer transactions than pages + 1: nothing to crash here
    const base = new MemoryStore();
    const queue = new RecordingQueue();
    const env = await setup({ store: base, wrap: (s) => new FaultyStore(s, { failAtWrite: counts.create + k, mode }), jobs: queue });
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'crashy', pageRefs: PAGES });
    const outcome = await env.engine.changeSets.submit(api(BOB), cs.id).then(
      () => 'ok',
      (err: { code?: string }) => err.code,
    );
    expect(outcome).toBe('UNAVAILABLE'); // the StoreError itself: toPublicError answers it as INTERNAL_ERROR

    const audit = await env.auditRecords();
    const submittedRecords = audit.filter((r) => r.action === 'approval.submitted');
    const submitted: string[] = [];
    for (const { pageId } of PAGES) {
      const state = await env.store.get<{ id: string; status: string }>(keys.pageState(pageId));
      const history = await env.engine.approvals.history(ui(BOB), pageId);
      const records = submittedRecords.filter((r) => r.pageId === pageId);
      if (state) {
        submitted.push(state.value.id);
        expect(state.value.status).toBe('pending');
        expect(history.map((h) => h.id)).toEqual([state.value.id]);
        expect(records.map((r) => r.approvalId)).toEqual([state.value.id]);
        const [item] = await env.store.getEntities(APPROVAL_ENTITY, [state.value.id]);
        expect(item && approvalOfItem(item)?.id).toBe(state.value.id);
      } else {
        expect(history).toHaveLength(0);
        expect(records).toHaveLength(0);
      }
    }
    expect(submittedRecords).toHaveLength(submitted.length);
    // batches run side by side: every batch commits except the crashed one, unless it applied
    expect(submitted).toHaveLength(committedAfterCrash(k, mode));
    // every page whose batch was acknowledged got its comment job even though the request failed
    // (a batch applied but not acknowledged gets it from the retry, below)
    const enqueued = queue.approvalIds();
    expect(submitted).toEqual(expect.arrayContaining(enqueued));
    if (mode === 'before-apply') expect(enqueued.sort()).toEqual([...submitted].sort());
    expect((await env.audit.verify()).ok).toBe(true);
    const healthy = createEngine({ ...env.deps, store: base }, { log: () => undefined });
    // the feed holds exactly the committed submissions, each once
    expect((await submittedEvents(healthy)).sort()).toEqual([...submitted].sort());

    // retry on a healthy store completes the rest
    await healthy.changeSets.submit(api(BOB), cs.id);
    const approvalIds: string[] = [];
    for (const { pageId } of PAGES) {
      const history = await healthy.approvals.history(ui(BOB), pageId);
      expect(history.map((h) => h.status)).toEqual(['pending']);
      approvalIds.push(history[0].id);
    }
    expect([...new Set(queue.approvalIds())].sort()).toEqual(approvalIds.sort());
    const after = await env.auditRecords();
    expect(after.filter((r) => r.action === 'approval.submitted')).toHaveLength(PAGES.length);
    expect((await env.audit.verify()).ok).toBe(true);
    expect((await submittedEvents(healthy)).sort()).toEqual([...approvalIds].sort());
  });
});

/**
 * SPEC 2.5a atomic change sets: a crash at every transaction of the submit (the set, the page
 * pointer batches, the switch to pending) and of the final decision leaves every page in the same
 * state (no page shown pinned while another is not), records `changeset.submitted` only with the
 * pending set, and a retry on a healthy store completes it.
 */
describe('atomic change set', () => {
  const MANY = Array.from({ length: 30 }, (_, i) => ({ pageId: String(4001 + i) }));

  async function atomicTransactions(): Promise<{ create: number; submit: number }> {
    let faulty: FaultyStore | undefined;
    const env = await setup({ extraPages: 30, wrap: (s) => (faulty = new FaultyStore(s, { failAtWrite: Number.MAX_SAFE_INTEGER })), jobs: new RecordingQueue() });
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'probe', pageRefs: MANY, approvalMode: 'atomic' });
    const create = faulty!.transactCalls;
    await env.engine.changeSets.submit(api(BOB), cs.id);
    return { create, submit: faulty!.transactCalls - create };
  }

  async function statesOf(env: Awaited<ReturnType<typeof setup>>): Promise<Set<string>> {
    const states = new Set<string>();
    for (const { pageId } of MANY) states.add((await env.engine.approvals.pageStatus(ui(BOB), pageId)).state);
    return states;
  }

  let tx: { create: number; submit: number };
  beforeAll(async () => {
    tx = await atomicTransactions();
  });

  test('the submit is the set, three pointer batches, then pending', () => {
    expect(tx.submit).toBe(1 + 3 + 1);
  });

  describe.each(['before-apply', 'after-apply'] as const)('crash %s', (mode) => {
    test.each([1, 2, 3, 4, 5])('at transaction %i of the submit', async (k) => {
      const base = new MemoryStore();
      const env = await setup({ store: base, extraPages: 30, wrap: (s) => new FaultyStore(s, { failAtWrite: tx.create + k, mode }), jobs: new RecordingQueue() });
      const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'crashy', pageRefs: MANY, approvalMode: 'atomic' });
      const outcome = await env.engine.changeSets.submit(api(BOB), cs.id).then(
        () => 'ok',
        (err: { code?: string }) => err.code,
      );
      expect(outcome).toBe('UNAVAILABLE');
      const finalApplied = k === tx.submit && mode === 'after-apply';
      expect(await statesOf(env)).toEqual(new Set([finalApplied ? 'in_approval' : 'draft']));
      const submitted = (await env.auditRecords()).filter((r) => r.action === 'changeset.submitted');
      expect(submitted).toHaveLength(finalApplied ? 1 : 0);
      expect((await env.engine.changeSets.get(api(BOB), cs.id)).rollupState).toBe(finalApplied ? 'in_review' : 'open');
      expect((await env.audit.verify()).ok).toBe(true);

      // a retry on a healthy store completes the submit (or finds it done)
      const healthy = createEngine({ ...env.deps, store: base }, { log: () => undefined });
      const retry = await healthy.changeSets.submit(api(BOB), cs.id).then(
        (r) => r.status,
        (err: { code?: string }) => err.code,
      );
      expect(retry).toBe(finalApplied ? 'CHANGESET_NOT_ELIGIBLE' : 'pending');
      expect(await statesOf(env)).toEqual(new Set(['in_approval']));
      expect((await env.auditRecords()).filter((r) => r.action === 'changeset.submitted')).toHaveLength(1);
    });

    test('at the final decision', async () => {
      const base = new MemoryStore();
      const env = await setup({ store: base, extraPages: 30, jobs: new RecordingQueue() });
      const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'decide', pageRefs: MANY, approvalMode: 'atomic' });
      const { setApprovalId } = await env.engine.changeSets.submit(api(BOB), cs.id);
      // the decision is ONE transaction: make exactly that one fail
      const crashing = new FaultyStore(base, { failAtWrite: 1, mode });
      const crashy = createEngine({ ...env.deps, store: crashing }, { log: () => undefined });
      const pageAck = MANY.map((p) => p.pageId);
      const outcome = await crashy.changeSets.decide(ui('acc-carol'), { setApprovalId: setApprovalId!, decision: 'approve', pageAck }).then(
        () => 'ok',
        (err: { code?: string }) => err.code,
      );
      expect(outcome).toBe('UNAVAILABLE');
      expect(crashing.transactCalls).toBe(1);
      const applied = mode === 'after-apply';
      expect(await statesOf(env)).toEqual(new Set([applied ? 'approved' : 'in_approval']));
      expect((await env.auditRecords()).filter((r) => r.action === 'changeset.approved')).toHaveLength(applied ? 1 : 0);
      const healthy = createEngine({ ...env.deps, store: base }, { log: () => undefined });
      const retry = await healthy.changeSets.decide(ui('acc-carol'), { setApprovalId: setApprovalId!, decision: 'approve', pageAck }).then(
        (s) => s.status,
        (err: { code?: string }) => err.code,
      );
      expect(retry).toBe(applied ? 'APPROVAL_NOT_PENDING' : 'approved');
      expect(await statesOf(env)).toEqual(new Set(['approved']));
      expect((await env.audit.verify()).ok).toBe(true);
    });
  });
});
