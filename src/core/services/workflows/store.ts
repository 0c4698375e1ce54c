/** Workflow records: load, list a space's, the puts that keep the by-space copy in step, input normalising. */
import { z } from 'zod';
import { stalenessTermsOf } from '../../domain/staleness-terms';
import { reviewTermsOf } from '../../domain/review';
import { DomainError } from '../../domain/errors';
import { savedStep } from '../../domain/step-composition';
import type { Workflow } from '../../domain/model';
import { parseStored, workflowSchema } from '../../domain/schemas';
import type { StoredItem, TxOp } from '../../ports/store';
import { STORE_LIMITS } from '../../ports/store';
import type { WorkflowInput } from './types';
import type { EngineContext } from '../context';
import { getManyByKey, getParsed } from '../store-reads';
import { keys } from '../keys';
import { pendingCountInit } from '../approvals/pending-count';

/** A workflow with its stored item (whose version guards the next write). */
export interface LoadedWorkflow { item: StoredItem; workflow: Workflow }

export async function loadWorkflow(ctx: EngineContext, workflowId: string): Promise<LoadedWorkflow | undefined> {
  const found = await getParsed(ctx.store, keys.workflow(workflowId), workflowSchema);
  return found && { item: found.item, workflow: found.value };
}

/** A space holds at most this many workflows, so listing them is one store query and every list is capped. */
export const MAX_WORKFLOWS_PER_SPACE = 100;

async function queriedSpaceWorkflows(ctx: EngineContext, spaceId: string): Promise<Workflow[]> {
  const page = await ctx.store.query({ prefix: keys.workflowBySpacePrefix(spaceId), limit: MAX_WORKFLOWS_PER_SPACE });
  return page.items.map((i) => parseStored(workflowSchema, i.key, i.value));
}

/**
 * A space's workflows, read-your-writes: the space's count key (a strong `get`) names the ids the
 * space holds, and they are read by key (`getMany`, 25 a call, together). The by-space query is not
 * used then: it may lag a create, a delete or an edit, listing a workflow as it was before
 * (docs/forge-platform.md U22), and a submit routed by an old definition would ask the old approvers.
 * A count key without ids (before they were kept) trusts the query.
 */
export async function listSpaceWorkflows(ctx: EngineContext, spaceId: string, countRead?: Promise<StoredItem | undefined>): Promise<Workflow[]> {
  // `countRead`: the count key read by the caller's own batched get (no round trip of its own)
  const countItem = await (countRead ?? ctx.store.get(keys.workflowCount(spaceId)));
  const ids = countItem ? countSchema.safeParse(countItem.value).data?.ids : undefined;
  if (!ids) return queriedSpaceWorkflows(ctx, spaceId);
  return workflowsOf(await getManyByKey(ctx.store, ids.map(keys.workflow)), ids).sort(byId);
}

/** In key order, as the by-space query lists them. */
const byId = (a: Workflow, b: Workflow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The workflows of `ids` a batched read found (an id without its record is left out). */
function workflowsOf(got: Map<string, StoredItem>, ids: string[]): Workflow[] {
  return ids.flatMap((id) => {
    const item = got.get(keys.workflow(id));
    return item ? [parseStored(workflowSchema, item.key, item.value)] : [];
  });
}

/**
 * A space's workflows read by key from the ids its count key names (strongly consistent, no index
 * query), with `alsoKeys` in the same batched read (issue 23: a submit's pending-count shards of each
 * workflow, `alsoFor`); undefined when the count key names no ids or more than fit one batched read:
 * the caller lists them with listSpaceWorkflows.
 */
export async function spaceWorkflowsByKey(
  ctx: EngineContext,
  countItem: StoredItem | undefined,
  alsoFor: (workflowId: string) => string[] = () => [],
): Promise<{ workflows: Workflow[]; also: Map<string, StoredItem | undefined> } | undefined> {
  const ids = countItem ? countSchema.safeParse(countItem.value).data?.ids : undefined;
  if (!ids) return undefined;
  const also = ids.flatMap(alsoFor);
  if (ids.length + also.length > STORE_LIMITS.maxBatchGet) return undefined;
  const got = await getManyByKey(ctx.store, [...ids.map(keys.workflow), ...also]);
  return { workflows: workflowsOf(got, ids).sort(byId), also: new Map(also.map((key) => [key, got.get(key)])) };
}

const countSchema = z.object({ count: z.number().int().min(0), ids: z.array(z.string()).max(MAX_WORKFLOWS_PER_SPACE + 1).optional() }).strict();

/**
 * The op that moves a space's workflow count by `delta`, conditioned on the count it read, and the
 * new count. Index queries are eventually consistent on Forge (docs/forge-platform.md U22): the
 * count lives on its own key, read with a strongly consistent `get`, and changes in the same
 * transaction as the workflow, so two concurrent creates cannot both pass the limit. A space whose
 * count was never written (workflows from before the counter) derives it once from its list. The
 * key also names the space's workflow ids, which make the list read-your-writes (listSpaceWorkflows).
 */
export async function workflowCountChange(ctx: EngineContext, spaceId: string, delta: 1 | -1, workflowId: string): Promise<{ count: number; op: TxOp }> {
  const key = keys.workflowCount(spaceId);
  const item = await ctx.store.get(key);
  const stored = item ? countSchema.safeParse(item.value) : undefined;
  // a key from before the ids were kept (or none) derives them once from the list
  const current = stored?.success && stored.data.ids ? stored.data.ids : (await queriedSpaceWorkflows(ctx, spaceId)).map((w) => w.id);
  const ids = delta > 0 ? [...new Set([...current, workflowId])] : current.filter((id) => id !== workflowId);
  const count = ids.length;
  return { count, op: { op: 'put', key, value: { count, ids }, condition: item ? { kind: 'version', version: item.version } : { kind: 'absent' } } };
}

/** A new workflow's count op, or 409 WORKFLOW_LIMIT_REACHED in a full space. */
export async function roomForWorkflow(ctx: EngineContext, spaceId: string, workflowId: string): Promise<TxOp> {
  const { count, op } = await workflowCountChange(ctx, spaceId, 1, workflowId);
  if (count > MAX_WORKFLOWS_PER_SPACE) {
    throw new DomainError('WORKFLOW_LIMIT_REACHED', `A space can have at most ${MAX_WORKFLOWS_PER_SPACE} workflows; delete one first.`);
  }
  return op;
}

/** Puts of the primary record and its by-space copy (always written together); a new workflow's pending count starts at 0. */
export function workflowPuts(workflow: Workflow, previous?: StoredItem): TxOp[] {
  return [
    { op: 'put', key: keys.workflow(workflow.id), value: workflow, condition: previous ? { kind: 'version', version: previous.version } : { kind: 'absent' } },
    { op: 'put', key: keys.workflowBySpace(workflow.spaceId, workflow.id), value: workflow },
    ...(previous ? [] : [pendingCountInit(workflow.id)]),
  ];
}

export const workflowNotFound = (): DomainError => new DomainError('WORKFLOW_NOT_FOUND', 'Workflow not found.');
export const spaceAdminsOnly = (): DomainError => new DomainError('FORBIDDEN', 'Only a space admin can do this.');
export const editorsOnly = (): DomainError => new DomainError('FORBIDDEN', 'Only a space admin or an owner of the workflow can change it.');

export type WorkflowFields = Pick<Workflow, 'name' | 'steps' | 'owners' | 'allowSelfApproval' | 'enabled' | 'reviewPeriodDays' | 'reminderWindowDays' | 'remindAfterDays' | 'sod' | 'stalenessPolicy' | 'tolerance'>;

export function normaliseInput(input: WorkflowInput): WorkflowFields {
  return {
    name: input.name.trim(),
    steps: input.steps.map(savedStep),
    owners: [...new Set(input.owners ?? [])],
    allowSelfApproval: input.allowSelfApproval ?? false,
    enabled: input.enabled ?? true,
    ...reviewTermsOf(input),
    ...(input.sod ? { sod: { ...input.sod } } : {}),
    ...stalenessTermsOf(input),
  };
}
