/**
 * Section 6 (issue 20, SPEC 2.5a): store calls of an atomic change set's final decision at 5, 25
 * and 100 pages. The set approval is the source of truth, so the decision must cost the same at
 * every size; the submit is shown beside it (it writes one pointer per page, in batches), and the
 * deferred `notify.set` job of the final outcome (one reply per member page, inherent). Beside them,
 * the set review's `changeset.decisionPreview` (flat: one set read, one batched page read) and the
 * `notify.setInvalidated` job after an edit voided a set (one reply per member page, inherent).
 */
import { createLocalSite } from '../local/site';
import { localSeedWorkflows } from '../local/app';
import { RestConfluenceSite } from '../src/adapters/confluence/rest-confluence';
import { CountingStore, type StoreCounts } from '../src/adapters/store/counting-store';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { createEngine, seedWorkflows } from '../src/core/services';
import { createContext } from '../src/core/services/context';
import { postSetComments } from '../src/core/services/changesets/atomic/notify';
import { postInvalidationComments } from '../src/core/services/changesets/atomic/notify-invalidated';
import type { EngineDeps } from '../src/core/services';
import type { Job } from '../src/core/ports/jobs';
import { onPageUpdated } from '../src/core/services/staleness/page-updated';
import type { BenchOptions } from './support';
import { BOB, CAROL, CounterIds, ENG, apiCaller, heading, pageRefs, record, seedWithExtraPages, table, uiCaller } from './support';

const SIZES = [5, 25, 100] as const;

const calls = (c: StoreCounts): number => c.get + c.getMany + c.query + c.getEntities + c.queryEntity + c.transact;

async function atomicSet(n: number) {
  const site = createLocalSite({ seed: seedWithExtraPages(n, 4001) });
  const counting = new CountingStore(new MemoryStore());
  const deps: EngineDeps = { store: counting, confluence: new RestConfluenceSite(site.transport()), clock: { now: () => Date.now() }, ids: new CounterIds('a'), jobs: { push: () => Promise.resolve() } };
  await seedWorkflows(deps, localSeedWorkflows(Date.now()));
  const engine = createEngine(deps, { log: () => undefined });
  const cs = await engine.changeSets.create(apiCaller(BOB), { spaceId: ENG, title: `Atomic ${n}`, pageRefs: pageRefs(4001, n), approvalMode: 'atomic' });
  counting.reset();
  const { setApprovalId } = await engine.changeSets.submit(apiCaller(BOB), cs.id);
  const submit = { ...counting.counts };
  // the submission's comments first, so later replies find their parents
  await postSetComments(createContext(deps, () => undefined), setApprovalId!, 0);
  return { site, counting, deps, engine, pageIds: cs.pageRefs.map((r) => r.pageId), setApprovalId: setApprovalId!, submit };
}

export async function runAtomic(_options: BenchOptions): Promise<void> {
  heading('6. Atomic change set: store calls of the final decision (must not grow with the page count)');
  const rows: (string | number)[][] = [['pages', 'submit: calls', 'submit: transactions', 'final decision: calls', 'final decision: transactions', 'final decision: write ops', 'outcome comments job: store calls', 'outcome comments job: Confluence calls']];
  const review: (string | number)[][] = [['pages', 'decision preview: store calls', 'decision preview: Confluence calls', 'invalidation comments job: store calls', 'invalidation comments job: Confluence calls']];
  for (const n of SIZES) {
    const { site, counting, deps, engine, pageIds, setApprovalId, submit } = await atomicSet(n);
    counting.reset();
    site.resetCalls();
    await engine.changeSets.decisionPreview(uiCaller(CAROL), setApprovalId);
    const preview = { store: calls(counting.counts), confluence: site.calls.total };
    counting.reset();
    const decided = await engine.changeSets.decide(uiCaller(CAROL), { setApprovalId, decision: 'approve', pageAck: pageIds });
    if (decided.status !== 'approved') throw new Error(`atomic bench: the set is ${decided.status}, not approved`);
    const decision = { ...counting.counts };
    // the deferred work of the final outcome: its comment on every member page
    counting.reset();
    site.resetCalls();
    await postSetComments(createContext(deps, () => undefined), setApprovalId, 1);
    const job = { store: calls(counting.counts), confluence: site.calls.total };
    rows.push([n, calls(submit), submit.transact, calls(decision), decision.transact, decision.writeOps, job.store, job.confluence]);
    const invalidation = await invalidationJob(n);
    review.push([n, preview.store, preview.confluence, invalidation.store, invalidation.confluence]);
    record(`atomic.outcomeComments.confluence.${n}`, job.confluence);
    record(`atomic.decision.calls.${n}`, calls(decision));
    record(`atomic.submit.calls.${n}`, calls(submit));
    record(`atomic.preview.calls.${n}`, preview.store);
    record(`atomic.preview.confluence.${n}`, preview.confluence);
    record(`atomic.invalidationComments.calls.${n}`, invalidation.store);
  }
  console.log(table(rows));
  console.log(table(review));
}

/** A set voided by an edit of its first page (the page-updated job), then its comment job, counted. */
async function invalidationJob(n: number): Promise<{ store: number; confluence: number }> {
  const { site, counting, deps, setApprovalId } = await atomicSet(n);
  await site.editPage('4001', { accountId: BOB, body: '<p>edited in review</p>' });
  const pushed: Job[] = [];
  const capturing: EngineDeps = { ...deps, jobs: { push: (jobs) => Promise.resolve(void pushed.push(...jobs)) } };
  await onPageUpdated(createContext(capturing, () => undefined), '4001');
  const job = pushed.find((j) => j.kind === 'notify.setInvalidated');
  if (!job) throw new Error('atomic bench: the edit did not invalidate the set');
  counting.reset();
  site.resetCalls();
  await postInvalidationComments(createContext(deps, () => undefined), setApprovalId, job.edits);
  return { store: calls(counting.counts), confluence: site.calls.total };
}
