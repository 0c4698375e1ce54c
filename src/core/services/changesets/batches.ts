/**
 * Change-set submit in batches: several pages per transaction, as many as fit the store's 25-op
 * limit (each page's ops + its audit ops, sized with auditOpsFor, + the change-set record), cut where
 * Forge's write units (10 KB of payload, sized with auditBytesBound) per page are fewest: a batch of
 * 12 KB costs 2 units, two of 6 KB cost 2 as well, one of 20 KB too. Each batch is ONE transaction: its pages are all submitted or none is. Each batch `check`s the
 * change-set record (an update or archive meanwhile fails it; archive also waits for the submit's
 * lease, submit-lease.ts), so batches never conflict with each other and commit side by side, at
 * most MAX_PARALLEL_BATCHES at a time (a pool: the next starts when one ends). Their pending-count
 * shards are read once for all of them. No batch reads or conditions on the audit head. When the
 * submit's closing write (submit.ts) fits beside the last batch, that batch waits for the others and
 * carries it; otherwise every batch runs in the pool and the closing write follows alone.
 */
import { MAX_AUDIT_ENTRIES, auditBytesBound, auditOpsFor } from '../../audit';
import type { AuditEntry } from '../../audit';
import type { Caller } from '../../domain/caller';
import type { ChangeSet, PageApproval } from '../../domain/model';
import { changeSetSchema, parseStored } from '../../domain/schemas';
import { STORE_LIMITS, WRITE_FRAMING, txPayloadBytes } from '../../ports/store';
import { SUBMISSION_FOLLOW_UP_BATCH } from '../../ports/jobs';
import type { StoredItem, TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { commitWithAudit } from '../commit';
import { PENDING_SHARDS } from '../../domain/page-shard';
import { PENDING_OPS_PER_ENTERED_WORKFLOW, pendingCountOps, pendingShardKeys, type ShardReads } from '../approvals/pending-count';
import { getManyByKey } from '../store-reads';
import { settleBounded } from '../../shared/settle-bounded';
import { withRetry } from '../retry';
import type { PageContext } from '../page-context';
import type { PagePlan, PageState, SubmitRefusal } from '../submission';
import { inputOf, planSubmission, rereadPages, stateIn } from '../submission';
import { epochChecks } from '../submit-epoch';

type Planned = Extract<PagePlan, { ok: true }>;

/** Transactions in flight at once for one submit (the bound SPEC §4 sets on Confluence calls): 100 pages are ~52 batches. */
export const MAX_PARALLEL_BATCHES = 10;

type Sized = { ops: TxOp[]; entries: AuditEntry[]; epoch: TxOp; approval?: { workflowId: string } };

/** Ops and audit entries a batch's transaction may carry beside its pages' (the submit's closing write). */
export type Extra = { ops: TxOp[]; entries: AuditEntry[] };
const NO_EXTRA: Extra = { ops: [], entries: [] };

/** The batch's own ops beside its pages' and their audit: the change-set `check`, the submit epoch check of each space and the pending-count ops of each workflow entered. */
function ownOps(plans: Sized[]): number {
  return 1 + epochChecks(plans).length + new Set(plans.flatMap((p) => (p.approval ? [p.approval.workflowId] : []))).size * PENDING_OPS_PER_ENTERED_WORKFLOW;
}

/** Ops of a batch transaction: its pages' ops, its own (ownOps), any `extra` ops and the audit ops of all their entries (one append). */
export function batchOps(plans: Sized[], auditOps: (entries: AuditEntry[]) => number = auditOpsFor, extra: Extra = NO_EXTRA): number {
  return plans.reduce((n, p) => n + p.ops.length, 0) + ownOps(plans) + extra.ops.length + auditOps([...plans.flatMap((p) => p.entries), ...extra.entries]);
}

/** The longest key a change set's `check` can carry (ids are ≤ 200 characters), for a batch sized without its change set; and the largest version. */
const CHANGE_SET_KEY_BOUND = 'x'.repeat(220);
const VERSION_BOUND = 2 ** 31 - 1;

/** An upper bound of the batch's own ops (ownOps) as txPayloadBytes counts them: built with the batch's workflows, its change set's key and the longest shard and version. */
function ownBytes(plans: Sized[], changeSetKey: string): number {
  const workflows = [...new Set(plans.flatMap((p) => (p.approval ? [p.approval.workflowId] : [])))];
  const condition = { kind: 'version', version: VERSION_BOUND } as const;
  const ops: TxOp[] = [
    { op: 'check', key: changeSetKey, condition },
    ...epochChecks(plans).map((epoch): TxOp => ({ ...epoch, condition })),
    // per workflow: its own shard's count (shard 126 targets the highest-numbered, 127; the keys come as [guard, own])
    ...pendingShardKeys(workflows, PENDING_SHARDS - 2).flatMap((key, i): TxOp[] => (i % 2 === 1 ? [{ op: 'put', key, value: { count: VERSION_BOUND }, condition }] : [])),
  ];
  return txPayloadBytes(ops) - WRITE_FRAMING.perTransaction;
}

/** Payload of a batch transaction as txPayloadBytes (ports/store.ts) counts it: its pages' ops, its own ops and an upper bound of its ONE audit append. */
export function batchBytes(plans: Sized[], changeSetKey = CHANGE_SET_KEY_BOUND): number {
  const pages = plans.reduce<number>((n, p) => n + txPayloadBytes(p.ops) - WRITE_FRAMING.perTransaction, WRITE_FRAMING.perTransaction);
  return pages + ownBytes(plans, changeSetKey) + auditBytesBound(plans.flatMap((p) => p.entries));
}

/** Forge write units a batch costs (its payload in 10 KB units, at least one). */
const unitsOf = (plans: Sized[], changeSetKey?: string): number => Math.max(1, Math.ceil(batchBytes(plans, changeSetKey) / STORE_LIMITS.writeUnitBytes));

/**
 * Whether `extra` can join the batch's transaction: within the op and audit-entry limits. Write units
 * need no comparison: ceil(a + b) ≤ ceil(a) + ceil(b), so joining never costs more units than
 * writing `extra` alone, and it saves a transaction.
 */
export function joins(plans: Sized[], extra: Extra): boolean {
  const entries = plans.reduce((n, p) => n + p.entries.length, extra.entries.length);
  return batchOps(plans, auditOpsFor, extra) <= STORE_LIMITS.maxTransactionOps && entries <= MAX_AUDIT_ENTRIES;
}

/**
 * A shorter batch must save more than this share of the write units per page to be cut: each
 * transaction also costs fixed writes (its audit marker, the marker's delete by the sequencer, a
 * pending-count write), which a longer batch shares among more pages (issue 23: 4 pages in 1 unit
 * over 7 in 2 saved 12.5 % of the units but raised writes per page past 5).
 */
const SHORTER_BATCH_MIN_SAVING = 0.2;

/**
 * Cut planned pages into consecutive batches within the transaction limit: of the batches that fit,
 * the longest whose write units per page are within SHORTER_BATCH_MIN_SAVING of the fewest (fewer
 * transactions, so fewer audit markers and pending-count writes: 6 pages in 2 units beat 3 in 1,
 * 7 in 2 beat 4 in 1; 3 in 1 beat 4 in 2). A page alone always goes.
 */
export function cutBatches<T extends Sized>(plans: T[], auditOps: (entries: AuditEntry[]) => number = auditOpsFor, changeSetKey?: string): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < plans.length; ) {
    const costs = [unitsOf(plans.slice(start, start + 1), changeSetKey)];
    for (let n = 2; start + n <= plans.length; n++) {
      const batch = plans.slice(start, start + n);
      if (batchOps(batch, auditOps) > STORE_LIMITS.maxTransactionOps) break;
      costs.push(unitsOf(batch, changeSetKey) / n);
    }
    const fewest = Math.min(...costs);
    const best = costs.reduce((longest, cost, i) => (cost * (1 - SHORTER_BATCH_MIN_SAVING) <= fewest ? i + 1 : longest), 1);
    batches.push(plans.slice(start, start + best));
    start += best;
  }
  return batches;
}

type Outcomes = Map<string, { ok: true; approval: PageApproval } | SubmitRefusal>;

export interface BatchOutcome {
  /** per page: the approval, or why it was not submitted */
  outcomes: Outcomes;
  /** whether the closing write committed with the last batch (otherwise the caller writes it alone) */
  closed: boolean;
}

/** The submit's closing write (submit.ts), built for every page's outcome as it stands once the last batch commits. */
type ClosingWrite = (outcomes: Outcomes) => Extra;

export interface BatchOptions {
  /** each page's approval id (a keyed request's are deterministic); fresh ids otherwise */
  approvalIdOf?: (pageId: string) => string;
  closing?: ClosingWrite;
}

interface Ctx {
  ctx: EngineContext;
  caller: Caller;
  context: PageContext;
  approvalIds: Map<string, string>;
  /** per page, its follow-up (notifications.ts): a fresh id per run of SUBMISSION_FOLLOW_UP_BATCH pages (never an approval id, so a re-run of a keyed request never names an earlier run's record) */
  followUps: Map<string, string>;
}

/**
 * Submit `pageIds` (already eligible by the loaded context) in batches side by side. `onCommitted`
 * hears each committed batch's approvals at once, and every batch runs to its end even when another
 * fails (the first failure is rethrown after), so a failure never hides a committed batch. With a
 * `closing` write that fits beside the last batch (couldJoin), that batch starts once the others have
 * settled (the write answers for every page) and carries it; after another batch failed it commits
 * without it.
 */
export async function submitInBatches(
  ctx: EngineContext,
  caller: Caller,
  cs: ChangeSet,
  csItem: StoredItem,
  context: PageContext,
  pageIds: string[],
  onCommitted: (approvals: PageApproval[]) => void,
  options: BatchOptions = {},
): Promise<BatchOutcome> {
  const { approvalIdOf = () => ctx.ids.next('apr'), closing } = options;
  const approvalIds = new Map(pageIds.map((id) => [id, approvalIdOf(id)]));
  // pages in runs of SUBMISSION_FOLLOW_UP_BATCH share a follow-up job, which records their comment ids in one write;
  // each run is named afresh (each approval stores its followUp, so a re-run needs no stable name and never adds to an earlier run's record)
  const runs = Array.from({ length: Math.ceil(pageIds.length / SUBMISSION_FOLLOW_UP_BATCH) }, () => ctx.ids.next('fu'));
  const followUps = new Map(pageIds.map((id, i) => [id, runs[Math.floor(i / SUBMISSION_FOLLOW_UP_BATCH)]!]));
  const run: Ctx = { ctx, caller, context, approvalIds, followUps };
  const outcomes: Outcomes = new Map();
  const states = new Map(pageIds.map((id) => [id, stateIn(context, id)]));
  const batches = cutBatches(plansOf(run, pageIds, states, cs, outcomes), auditOpsFor, csItem.key);
  // every batch's pending-count shards in one batched read (issue 23): a batch is then one transaction, no read of its own
  const shardKeys = batches.flatMap((batch, b) => pendingShardKeys(batch.map((p) => p.approval.workflowId), b));
  const read = await getManyByKey(ctx.store, shardKeys);
  const shards: ShardReads = new Map(shardKeys.map((key) => [key, read.get(key)]));
  const commit = (b: number, withClosing?: ClosingWrite) => () => commitBatch(run, batches[b]!.map((p) => p.approval.pageId), states, csItem, outcomes, onCommitted, { shard: b, shards }, withClosing);
  // the last batch waits for the others only if the closing write could join it (else it would add a sequential transaction)
  const held = closing && couldJoin(closing, batches, outcomes) ? 1 : 0;
  const settled = await settleBounded(batches.slice(0, batches.length - held).map((_, b) => commit(b)), MAX_PARALLEL_BATCHES);
  const failedBefore = settled.some((r) => r.status === 'rejected');
  const [last] = held ? await Promise.allSettled([commit(batches.length - 1, failedBefore ? undefined : closing)()]) : [];
  const failed = [...settled, ...(last ? [last] : [])].find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { outcomes, closed: last?.status === 'fulfilled' && last.value };
}

/** Plans for pages still eligible; refusals go straight to `outcomes`. */
function plansOf(run: Ctx, pageIds: string[], states: Map<string, PageState>, cs: ChangeSet, outcomes: Outcomes): Planned[] {
  const plans: Planned[] = [];
  for (const pageId of pageIds) {
    const plan = planSubmission(run.ctx, run.caller, inputOf(run.context, pageId), states.get(pageId) ?? {}, run.approvalIds.get(pageId)!, cs, run.followUps.get(pageId));
    if (plan.ok) plans.push(plan);
    else outcomes.set(pageId, plan);
  }
  return plans;
}

/** `outcomes` as they stand once `committed` commit. */
function projected(outcomes: Outcomes, committed: Planned[]): Outcomes {
  const after: Outcomes = new Map(outcomes);
  for (const p of committed) after.set(p.approval.pageId, { ok: true, approval: p.approval });
  return after;
}

/** The closing write as it stands once `part` commits, if it may join the part's transaction (joins). */
function joinable(closing: ClosingWrite, part: Planned[], outcomes: Outcomes): Extra | undefined {
  if (part.length === 0) return undefined;
  const extra = closing(projected(outcomes, part));
  return joins(part, extra) ? extra : undefined;
}

/**
 * Whether the closing write could join the last batch, decided before any batch commits: its ops and
 * entries (a lease release, the keyed answer's record, one `changeset.submitted`) do not depend on
 * the outcomes, only its bytes do, which joins does not weigh. Sized with every planned page submitted.
 */
function couldJoin(closing: ClosingWrite, batches: Planned[][], outcomes: Outcomes): boolean {
  const last = batches.at(-1);
  return last !== undefined && last.length > 0 && joins(last, closing(projected(outcomes, batches.flat())));
}

/**
 * One batch, re-planned from fresh reads after a conflict. A re-plan may need more ops than the cut
 * allowed (an atomic submit's pins now in flight add a pointer check per page, a first submission an
 * assignment put): it is then cut again and its parts commit one after another; pages a part
 * committed are not planned again if a later part conflicts. `closing` rides only in a first
 * attempt that is not cut again; after any conflict the caller writes it alone. Resolves to whether it rode.
 */
async function commitBatch(
  run: Ctx,
  pageIds: string[],
  states: Map<string, PageState>,
  csItem: StoredItem,
  outcomes: Outcomes,
  onCommitted: (approvals: PageApproval[]) => void,
  /** the pending-count shard of this batch (parallel batches of one submit never share one), and the shards read ahead for the first attempt */
  counts: { shard: number; shards: ShardReads },
  closing?: ClosingWrite,
): Promise<boolean> {
  let item = csItem;
  let remaining = pageIds;
  return withRetry(run.ctx, async (attempt) => {
    if (attempt > 1) {
      const fresh = await rereadPages(run.ctx, remaining, [item.key], (id) => inputOf(run.context, id).page?.spaceId);
      for (const [id, state] of fresh.pages) states.set(id, state);
      const latest = fresh.extra.get(item.key);
      const cs = latest ? parseStored(changeSetSchema, latest.key, latest.value) : undefined;
      if (!latest || !cs || cs.status === 'archived') {
        for (const id of remaining) outcomes.set(id, { ok: false, code: 'CHANGE_SET_ARCHIVED', reason: 'The change set was archived.' });
        return false;
      }
      item = latest;
    }
    const cs = parseStored(changeSetSchema, item.key, item.value);
    const plans = plansOf(run, remaining, states, cs, outcomes);
    const parts = batchOps(plans) > STORE_LIMITS.maxTransactionOps ? cutBatches(plans, auditOpsFor, item.key) : [plans];
    const extra = closing && attempt === 1 && parts.length === 1 ? joinable(closing, plans, outcomes) : undefined;
    for (const [i, part] of parts.entries()) {
      if (part.length === 0) continue;
      const ops = [
        ...part.flatMap((p) => p.ops),
        ...epochChecks(part),
        // a retry (or a later part) reads its shards afresh: the conflict may have been on one of them, or the part before moved it
        ...(await pendingCountOps(run.ctx, { entering: part.map((p) => p.approval) }, counts.shard, attempt === 1 && i === 0 ? counts.shards : undefined)),
        { op: 'check', key: item.key, condition: { kind: 'version', version: item.version } } satisfies TxOp,
      ];
      await commitWithAudit(run.ctx, [...ops, ...(extra?.ops ?? [])], [...part.flatMap((p) => p.entries), ...(extra?.entries ?? [])]);
      for (const p of part) outcomes.set(p.approval.pageId, { ok: true, approval: p.approval });
      const committed = new Set(part.map((p) => p.approval.pageId));
      remaining = remaining.filter((id) => !committed.has(id));
      onCommitted(part.map((p) => p.approval));
    }
    return extra !== undefined;
  });
}
