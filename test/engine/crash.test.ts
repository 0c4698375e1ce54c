/**
 * Crash injection (issue 7 item 8): fail the k-th store transaction of a change-set submit, for every
 * k, in both failure modes (write lost before applying / applied but reply lost). Invariants after
 * the crash: every page is either fully submitted (approval + lock + page state + audit record) or
 * untouched; the audit chain verifies. A retry then completes the rest with exactly one approval
 * per page.
 */
import { FaultyStore } from '../../src/adapters/store/faulty-store';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { createEngine } from '../../src/core/services';
import { keys } from '../../src/core/services/keys';
import { BOB, ENG, api, setup, ui } from './helpers';

const PAGES = ['2001', '2002', '2003', '2004', '2005'].map((pageId) => ({ pageId }));
// 5 page transactions + the changeset.submitted record + the notification comment ids
const TRANSACTIONS_OF_SUBMIT = 7;

/** Transactions the change set's creation makes before the submit starts (counted, not assumed). */
async function transactionsOfCreate(): Promise<number> {
  let probe: FaultyStore | undefined;
  const env = await setup({ wrap: (s) => (probe = new FaultyStore(s, { failAtWrite: Number.MAX_SAFE_INTEGER })) });
  await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'probe', pageRefs: PAGES });
  return probe!.transactCalls;
}

describe.each(['before-apply', 'after-apply'] as const)('crash %s', (mode) => {
  test.each(Array.from({ length: TRANSACTIONS_OF_SUBMIT }, (_, i) => i + 1))('at transaction %i of the submit', async (k) => {
    const base = new MemoryStore();
    const createTransactions = await transactionsOfCreate();
    const env = await setup({ store: base, wrap: (s) => new FaultyStore(s, { failAtWrite: createTransactions + k, mode }) });
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'crashy', pageRefs: PAGES });
    const outcome = await env.engine.changeSets.submit(api(BOB), cs.id).then(
      () => 'ok',
      (err: { code?: string }) => err.code,
    );
    // a lost notification-id write is logged, not failed; every earlier crash fails the request cleanly
    expect(outcome).toBe(k === TRANSACTIONS_OF_SUBMIT ? 'ok' : 'STORE_UNAVAILABLE');

    const audit = await env.auditRecords();
    const submittedRecords = audit.filter((r) => r.action === 'approval.submitted');
    let submittedPages = 0;
    for (const { pageId } of PAGES) {
      const [lock, state] = await Promise.all([env.store.get(keys.pagePending(pageId)), env.store.get(keys.pageState(pageId))]);
      const history = await env.engine.approvals.history(ui(BOB), pageId);
      const records = submittedRecords.filter((r) => r.pageId === pageId);
      if (lock) {
        submittedPages++;
        expect(state).toBeDefined();
        expect(history).toHaveLength(1);
        expect(records).toHaveLength(1);
        expect((lock.value as { approvalId: string }).approvalId).toBe(history[0].id);
      } else {
        expect(state).toBeUndefined();
        expect(history).toHaveLength(0);
        expect(records).toHaveLength(0);
      }
    }
    expect(submittedRecords).toHaveLength(submittedPages);
    expect((await env.audit.verify()).ok).toBe(true);

    // retry on a healthy store completes the rest
    const healthy = createEngine({ ...env.deps, store: base }, { log: () => undefined });
    await healthy.changeSets.submit(api(BOB), cs.id);
    for (const { pageId } of PAGES) {
      const history = await healthy.approvals.history(ui(BOB), pageId);
      expect(history.map((h) => h.status)).toEqual(['pending']);
    }
    const after = await env.auditRecords();
    expect(after.filter((r) => r.action === 'approval.submitted')).toHaveLength(PAGES.length);
    expect((await env.audit.verify()).ok).toBe(true);
  });
});
