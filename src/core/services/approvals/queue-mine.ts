/**
 * The queue's "waiting for me" through the approver index (issue 23 item 5, docs/decisions.md
 * "Approver index"): an approval's `af-approval` item carries its active step, so the index
 * `pending-by-wf-step` lists a workflow's pending approvals per step. From the space's workflows
 * (one batched read, with their former approvers: workflows/former-approvers.ts) come the
 * (workflow, step) pairs whose principals, now or in an earlier definition, include the caller or
 * one of their groups (one groupsOf question); a page walks those partitions in (workflow, step)
 * order, oldest first within each, with at most MINE_QUERIES_PER_PAGE index queries. The index only
 * narrows: the queue keeps its approver check on each candidate's effective step as the authority.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { FIELD_LIMITS } from '../../domain/limits';
import { groupIdOf } from '../../domain/approvers';
import type { PageApproval, Workflow } from '../../domain/model';
import type { StoredItem } from '../../ports/store';
import type { EngineContext } from '../context';
import type { GroupMembership } from '../group-membership';
import { approvalIndex, keys } from '../keys';
import { getManyByKey } from '../store-reads';
import { parseFormerApprovers, principalsAt, stepsToAsk, type FormerApprovers } from '../workflows/former-approvers';
import { listSpaceWorkflows, spaceWorkflowsByKey } from '../workflows/store';
import { approverIndexReady } from './index-backfill';
import { withCurrentDefinition } from './records';
import { approvalsOfItems } from './stored';

/** Index queries one page may spend before it answers a short page and a cursor. */
export const MINE_QUERIES_PER_PAGE = 5;

interface Pair {
  workflowId: string;
  step: number;
}

const CURSOR_PREFIX = 'mine1.';
const cursorSchema = z.object({ w: z.string().min(1).max(200), k: z.number().int().min(0).max(FIELD_LIMITS.steps.max - 1), a: z.string().min(1).max(400).optional() }).strict();
type Position = z.infer<typeof cursorSchema>;

/** A cursor this path issued (any other is the space-wide path's store cursor). */
export const isMineCursor = (cursor: string | undefined): cursor is string => cursor?.startsWith(CURSOR_PREFIX) === true;

export const invalidQueueCursor = (): DomainError => new DomainError('INVALID_CURSOR', 'The cursor is not valid for this queue.');

const encodeCursor = (position: Position): string => CURSOR_PREFIX + Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

/** A forged cursor can only move the position: every candidate is checked again. */
function decodeCursor(cursor: string): Position {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through to the stable error below
  }
  throw invalidQueueCursor();
}

const before = (a: Pair, b: Pair): boolean => a.workflowId < b.workflowId || (a.workflowId === b.workflowId && a.step < b.step);

/** Principals per step index: the current definition's and the former ones; `open`: every step is asked (former-approvers.ts). */
function principalsOf(workflow: Workflow, former: FormerApprovers): { byStep: Set<string>[]; open: boolean } {
  const byStep = Array.from({ length: stepsToAsk(workflow, former) }, (_, k) => principalsAt(workflow.steps, k));
  for (const e of former.entries) byStep[e.step]?.add(e.principal);
  return { byStep, open: former.openUntil !== undefined };
}

/** The (workflow, step) pairs that may hold an approval waiting for the caller, in walking order. */
async function pairsOf(workflows: Workflow[], formers: (id: string) => FormerApprovers, accountId: string, membership: GroupMembership): Promise<Pair[]> {
  const steps = workflows.map((w) => ({ workflow: w, ...principalsOf(w, formers(w.id)) }));
  const asksGroups = steps.some((s) => s.byStep.some((p) => [...p].some((x) => groupIdOf(x) !== undefined)));
  const groups = asksGroups ? await membership.groupsOf(accountId) : new Set<string>();
  const names = (p: Set<string>) => p.has(accountId) || [...p].some((x) => groups.has(groupIdOf(x) ?? ''));
  const pairs = steps.flatMap((s) => s.byStep.flatMap((p, step) => (s.open || names(p) ? [{ workflowId: s.workflow.id, step }] : [])));
  return pairs.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/** The space's workflows and their former-approver records, by key where the count key names them. */
async function spaceWorkflowsWithFormers(ctx: EngineContext, spaceId: string, countItem: StoredItem | undefined): Promise<{ workflows: Workflow[]; formers: (id: string) => FormerApprovers }> {
  const byKey = await spaceWorkflowsByKey(ctx, countItem, (id) => [keys.formerApprovers(id)]);
  const workflows = byKey?.workflows ?? (await listSpaceWorkflows(ctx, spaceId, Promise.resolve(countItem)));
  const also = byKey?.also ?? (await getManyByKey(ctx.store, workflows.map((w) => keys.formerApprovers(w.id))));
  return { workflows, formers: (id) => parseFormerApprovers(also.get(keys.formerApprovers(id))) };
}

/**
 * One page of candidates for "waiting for me" (effective definitions adopted), or undefined while
 * the index is not complete (approvals/index-backfill.ts): the caller then pages the whole space.
 */
export async function minePage(
  ctx: EngineContext,
  accountId: string,
  spaceId: string,
  membership: GroupMembership,
  options: { cursor?: string; limit: number },
): Promise<{ approvals: PageApproval[]; nextCursor?: string } | undefined> {
  // a page begun on the space-wide path ends there; a cursor of this path proves the index was complete (it stays so)
  if (options.cursor !== undefined && !isMineCursor(options.cursor)) return undefined;
  const got = await getManyByKey(ctx.store, [keys.workflowCount(spaceId), ...(options.cursor === undefined ? [keys.approvalIndexBackfill] : [])]);
  if (options.cursor === undefined && !approverIndexReady(got.get(keys.approvalIndexBackfill))) return undefined;
  const from = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const { workflows, formers } = await spaceWorkflowsWithFormers(ctx, spaceId, got.get(keys.workflowCount(spaceId)));
  const pairs = await pairsOf(workflows, formers, accountId, membership);
  let i = from ? pairs.findIndex((p) => !before(p, { workflowId: from.w, step: from.k })) : 0;
  if (i < 0) i = pairs.length;
  let after = from && pairs[i]?.workflowId === from.w && pairs[i]?.step === from.k ? from.a : undefined;
  const found: PageApproval[] = [];
  for (let queries = 0; i < pairs.length && queries < MINE_QUERIES_PER_PAGE && found.length < options.limit; queries++) {
    const pair = pairs[i]!;
    const page = await ctx.store.queryEntity({ ...approvalIndex.pendingAtStep(pair.workflowId, pair.step), limit: options.limit - found.length, ...(after ? { range: { op: 'gt' as const, value: after } } : {}) });
    // a query's items may lag, updates included (U22: Forge promises no bound; the twin delays only new items),
    // and the record it returns lags with its entry: keep what that record says is pending at this step, in this
    // space; a decision on one the index still lists is refused by the write's own strong read
    const here = (await approvalsOfItems(ctx, page.items)).map((s) => s.approval).filter((a) => a.status === 'pending' && a.activeStep === pair.step && a.spaceId === spaceId);
    found.push(...here);
    const last = page.items[page.items.length - 1];
    if (page.nextCursor && last) after = String(last.value.sk);
    else [i, after] = [i + 1, undefined];
  }
  const byId = new Map(workflows.map((w) => [w.id, w]));
  const approvals = found.map((a) => withCurrentDefinition(a, byId.get(a.workflowId)));
  const next = pairs[i];
  return { approvals, ...(next ? { nextCursor: encodeCursor({ w: next.workflowId, k: next.step, ...(after ? { a: after } : {}) }) } : {}) };
}
