/**
 * Atomic change-set submit (SPEC 2.5a): all pages eligible and under one workflow, or nothing is
 * written (409 CHANGESET_NOT_ELIGIBLE / MIXED_WORKFLOWS). Then, crash-safe in three steps:
 *  1. the set approval as `submitting` + the change set's pointer to it (checks the change set), and
 *     the space's submit epoch moved on with the pins' deadline (a per-page submit planned before
 *     fails on it; one planned after checks each page's pointer: submit-epoch.ts);
 *  2. per page, a `set-member` pointer, each batch checking the page states it read (no single
 *     submit slipped in); readers show a `submitting` set as nothing, submits treat it as pending
 *     until its deadline;
 *  3. the set approval turns `pending` with the `changeset.submitted` record (and a keyed request's
 *     answer, so a retry replays it and never submits twice), checking the change set's pointer is
 *     still this set's.
 * A crash before step 3 leaves a `submitting` set that no page shows and that expires; a re-run of
 * the submit takes it over.
 */
import type { Caller } from '../../../domain/caller';
import { checkEligibility } from '../../../domain/eligibility';
import { DomainError, type ErrorDetail } from '../../../domain/errors';
import type { ChangeSet, PreflightResult, SetApproval, Workflow } from '../../../domain/model';
import { STORE_LIMITS, StoreError, type StoredItem, type TxOp } from '../../../ports/store';
import type { EngineContext } from '../../context';
import { auditEntry, commitWithAudit } from '../../commit';
import { keys } from '../../keys';
import type { PageContext } from '../../page-context';
import { inputOf, snapshotOf, sodRecord } from '../../submission';
import { SUBMIT_LEASE_MS } from '../submit-lease';
import { withRetry } from '../../retry';
import { getManyByKey } from '../../store-reads';
import { epochBump, epochCheck } from '../../submit-epoch';
import { pendingCountOps } from '../../approvals/pending-count';
import { earlierSets } from './resolve';

/** Pointer batches in flight at once. */
const PARALLEL = 4;
/** Two ops per page (check its state, put its pointer). */
const PAGES_PER_BATCH = Math.floor(STORE_LIMITS.maxTransactionOps / 2);

export interface AtomicSubmitResult {
  setApprovalId: string;
  status: 'pending';
}

/** Every page eligible and one workflow for all, else the refusal (nothing written). */
export function atomicPlan(cs: ChangeSet, context: PageContext): { workflow: Workflow; manifest: SetApproval['manifest'] } {
  const judged = judgeAtomic(cs, context);
  if (!judged.ok) throw judged.refusal;
  return judged;
}

/**
 * The one rule of an atomic submit (SPEC 2.5a), which preflight reports too (SPEC 2.6 "predicts
 * submit exactly": Audit A#7): the refusal, or the workflow and the pinned versions. Each page's
 * eligibility is checkEligibility on the inputs loadPageContext gathered.
 */
export function judgeAtomic(cs: ChangeSet, context: PageContext): { ok: true; workflow: Workflow; manifest: SetApproval['manifest'] } | { ok: false; refusal: DomainError } {
  const pageIds = cs.pageRefs.map((r) => r.pageId);
  const results = pageIds.map((pageId) => ({ pageId, result: checkEligibility(inputOf(context, pageId)) }));
  const refused: ErrorDetail[] = results.flatMap(({ pageId, result }) => (result.ok ? [] : [{ field: pageId, code: result.code, reason: result.reason }]));
  if (refused.length > 0) {
    return { ok: false, refusal: new DomainError('CHANGESET_NOT_ELIGIBLE', `${refused.length} of ${pageIds.length} pages cannot be submitted; nothing was submitted.`, refused) };
  }
  const byWorkflow = new Map<string, { workflow: Workflow; pages: string[] }>();
  const manifest: SetApproval['manifest'] = [];
  for (const { pageId, result } of results) {
    if (!result.ok) continue;
    const group = byWorkflow.get(result.workflow.id) ?? { workflow: result.workflow, pages: [] };
    group.pages.push(pageId);
    byWorkflow.set(result.workflow.id, group);
    manifest.push({ pageId, pageVersion: result.page.version });
  }
  const groups = [...byWorkflow.values()];
  if (groups.length !== 1) {
    const details = groups.map((g) => ({ field: g.workflow.id, code: 'WORKFLOW', reason: `pages ${g.pages.join(', ')}` }));
    return { ok: false, refusal: new DomainError('MIXED_WORKFLOWS', 'The pages resolve to different workflows; split the change set so each part has one.', details) };
  }
  return { ok: true, workflow: groups[0]!.workflow, manifest };
}

/**
 * Preflight of an atomic set (docs/decisions.md "x-sets"): when the submit would refuse, no page is
 * submittable; a page blocked on its own keeps its code, every other page carries the set's code
 * (CHANGESET_NOT_ELIGIBLE or MIXED_WORKFLOWS) with the refusal's message as its reason.
 */
export function atomicPreflight(cs: ChangeSet, context: PageContext, results: PreflightResult[]): PreflightResult[] {
  const judged = judgeAtomic(cs, context);
  if (judged.ok) return results;
  const { code, message } = judged.refusal;
  return results.map((r) => (r.canSubmit ? { ...r, canSubmit: false, code, reason: message } : r));
}

/**
 * The three steps; a lost race at any of them (the change set, a page or the pointer changed) is a
 * 409 to retry, not a loop: what was written shows nothing and expires. Store outages map as
 * everywhere (withRetry).
 */
export async function submitAtomic(
  ctx: EngineContext,
  caller: Caller,
  csItem: StoredItem,
  cs: ChangeSet,
  context: PageContext,
  alongside: (result: AtomicSubmitResult) => TxOp[] = () => [],
): Promise<AtomicSubmitResult> {
  const { workflow, manifest } = atomicPlan(cs, context);
  return withRetry(ctx, async () => {
    try {
      return await writeSetApproval(ctx, caller, csItem, cs, context, { workflow, manifest }, alongside);
    } catch (err) {
      if (err instanceof StoreError && err.code === 'CONDITION_FAILED') throw new DomainError('CONCURRENT_MODIFICATION', 'The change set or one of its pages changed while it was being submitted; submit it again.');
      throw err;
    }
  });
}

async function writeSetApproval(
  ctx: EngineContext,
  caller: Caller,
  csItem: StoredItem,
  cs: ChangeSet,
  context: PageContext,
  { workflow, manifest }: { workflow: Workflow; manifest: SetApproval['manifest'] },
  alongside: (result: AtomicSubmitResult) => TxOp[],
): Promise<AtomicSubmitResult> {
  const set = newSetApproval(ctx, caller, cs, context, workflow, manifest);
  // 1. the set and the change set's pointer to it; the epoch read afresh (the context's may be older)
  const pointerKey = keys.changeSetSetApproval(cs.id);
  const read = await getManyByKey(ctx.store, [pointerKey, keys.submitEpoch(cs.spaceId)]);
  const pointer = read.get(pointerKey);
  await ctx.store.transact([
    { op: 'check', key: csItem.key, condition: { kind: 'version', version: csItem.version } },
    { op: 'put', key: keys.setApproval(set.id), value: set, condition: { kind: 'absent' } },
    { op: 'put', key: pointerKey, value: { setApprovalId: set.id }, condition: pointer ? { kind: 'version', version: pointer.version } : { kind: 'absent' } },
    epochBump(ctx, cs.spaceId, read.get(keys.submitEpoch(cs.spaceId)), set.submitDeadline),
  ]);
  // 2. the page pointers, each batch checking the page states eligibility was decided on
  const batches: TxOp[][] = [];
  for (let i = 0; i < manifest.length; i += PAGES_PER_BATCH) batches.push(manifest.slice(i, i + PAGES_PER_BATCH).flatMap(({ pageId }) => memberOps(ctx, context, pageId, set)));
  for (let i = 0; i < batches.length; i += PARALLEL) await Promise.all(batches.slice(i, i + PARALLEL).map((ops) => ctx.store.transact(ops)));
  // 3. pending, if still in time and still the change set's newest set approval
  if (ctx.clock.now() >= set.submitDeadline) throw new DomainError('UPSTREAM_UNAVAILABLE', 'The submission took too long; submit the change set again.');
  const pending: SetApproval = { ...set, status: 'pending', pendingCounted: true, version: 2 };
  const result: AtomicSubmitResult = { setApprovalId: set.id, status: 'pending' };
  // SPEC 2.1: a pending set approval counts as pending under its workflow, so its delete waits (Audit A#3);
  // the space's epoch, read first, fails the commit if a delete closed the count after its shards were read
  const epoch = await ctx.store.get(keys.submitEpoch(cs.spaceId));
  const counted = await pendingCountOps(ctx, { entering: [pending] });
  await commitWithAudit(
    ctx,
    [
      { op: 'put', key: keys.setApproval(set.id), value: pending, condition: { kind: 'version', version: 1 } },
      { op: 'check', key: pointerKey, condition: { kind: 'version', version: (pointer?.version ?? 0) + 1 } },
      epochCheck(cs.spaceId, epoch),
      ...counted,
      ...alongside(result),
    ],
    [
      auditEntry(caller, 'changeset.submitted', cs.spaceId, {
        changeSetId: cs.id,
        workflowId: workflow.id,
        details: { mode: 'atomic', setApprovalId: set.id, title: cs.title, pageCount: manifest.length, manifest: manifest.map((m) => `${m.pageId}@${m.pageVersion}`) },
      }),
    ],
  );
  return result;
}

/** The set approval as step 1 writes it: `submitting` until its pointers are in place. */
function newSetApproval(ctx: EngineContext, caller: Caller, cs: ChangeSet, context: PageContext, workflow: Workflow, manifest: SetApproval['manifest']): SetApproval {
  const now = ctx.clock.now();
  return {
    id: ctx.ids.next('set'),
    changeSetId: cs.id,
    spaceId: cs.spaceId,
    workflowId: workflow.id,
    workflowSnapshot: snapshotOf(workflow),
    ...setSodRecord(workflow, context, manifest),
    manifest,
    status: 'submitting',
    activeStep: 0,
    decisions: [],
    submittedBy: caller.accountId,
    submittedAt: now,
    source: caller.source,
    ...(caller.source === 'api' && caller.clientId ? { clientId: caller.clientId } : {}),
    submitDeadline: now + SUBMIT_LEASE_MS,
    version: 1,
  };
}

/** SPEC 2.3a over the whole set: the editors of every pinned page, or unverifiable when any page's are. */
function setSodRecord(workflow: Workflow, context: PageContext, manifest: SetApproval['manifest']): Pick<SetApproval, 'sodEditors' | 'sodUnverifiable'> {
  const records = manifest.map(({ pageId }) => sodRecord(workflow, inputOf(context, pageId)));
  if (records.some((r) => r.sodUnverifiable)) return { sodUnverifiable: true };
  const editors = records.flatMap((r) => r.sodEditors ?? []);
  return records.some((r) => r.sodEditors) ? { sodEditors: [...new Set(editors)] } : {};
}

/** The page's pointer to the new set, remembering the decided set approvals it replaces (Audit A#2). */
function memberOps(ctx: EngineContext, context: PageContext, pageId: string, set: SetApproval): TxOp[] {
  const state = context.pageStateItems.get(pageId);
  const member = context.memberItems.get(pageId);
  const earlier = earlierSets(member, context.sets, ctx.clock.now());
  const value = { setApprovalId: set.id, changeSetId: set.changeSetId, ...(earlier.length > 0 ? { earlier } : {}) };
  return [
    { op: 'check', key: keys.pageState(pageId), condition: state ? { kind: 'version', version: state.version } : { kind: 'absent' } },
    { op: 'put', key: keys.setMember(pageId), value, condition: member ? { kind: 'version', version: member.version } : { kind: 'absent' } },
  ];
}
