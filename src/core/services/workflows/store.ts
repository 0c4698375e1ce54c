/** Workflow records: load, list a space's, the puts that keep the by-space copy in step, input normalising. */
import { reviewTermsOf } from '../../lifecycle/review';
import { DomainError } from '../../domain/errors';
import type { Workflow } from '../../domain/model';
import { parseStored, workflowSchema } from '../../domain/schemas';
import type { StoredItem, TxOp } from '../../ports/store';
import type { WorkflowInput } from './types';
import type { EngineContext } from '../context';
import { getParsed } from '../store-reads';
import { keys } from '../keys';

/** A workflow with its stored item (whose version guards the next write). */
export interface LoadedWorkflow { item: StoredItem; workflow: Workflow }

export async function loadWorkflow(ctx: EngineContext, workflowId: string): Promise<LoadedWorkflow | undefined> {
  const found = await getParsed(ctx.store, keys.workflow(workflowId), workflowSchema);
  return found && { item: found.item, workflow: found.value };
}

/** A space holds at most this many workflows, so listing them is one store query and every list is capped. */
export const MAX_WORKFLOWS_PER_SPACE = 100;

export async function listSpaceWorkflows(ctx: EngineContext, spaceId: string): Promise<Workflow[]> {
  const page = await ctx.store.query({ prefix: keys.workflowBySpacePrefix(spaceId), limit: MAX_WORKFLOWS_PER_SPACE });
  return page.items.map((i) => parseStored(workflowSchema, i.key, i.value));
}

/** Refuse a new workflow in a full space (409 WORKFLOW_LIMIT_REACHED). */
export async function requireRoomForWorkflow(ctx: EngineContext, spaceId: string): Promise<void> {
  const page = await ctx.store.query({ prefix: keys.workflowBySpacePrefix(spaceId), limit: MAX_WORKFLOWS_PER_SPACE });
  if (page.items.length >= MAX_WORKFLOWS_PER_SPACE) {
    throw new DomainError('WORKFLOW_LIMIT_REACHED', `A space can have at most ${MAX_WORKFLOWS_PER_SPACE} workflows; delete one first.`);
  }
}

/** Puts of the primary record and its by-space copy (always written together). */
export function workflowPuts(workflow: Workflow, previous?: StoredItem): TxOp[] {
  return [
    { op: 'put', key: keys.workflow(workflow.id), value: workflow, condition: previous ? { kind: 'version', version: previous.version } : { kind: 'absent' } },
    { op: 'put', key: keys.workflowBySpace(workflow.spaceId, workflow.id), value: workflow },
  ];
}

export const workflowNotFound = (): DomainError => new DomainError('WORKFLOW_NOT_FOUND', 'Workflow not found.');
export const spaceAdminsOnly = (): DomainError => new DomainError('FORBIDDEN', 'Only a space admin can do this.');
export const editorsOnly = (): DomainError => new DomainError('FORBIDDEN', 'Only a space admin or an owner of the workflow can change it.');

export type WorkflowFields = Pick<Workflow, 'name' | 'steps' | 'owners' | 'allowSelfApproval' | 'enabled' | 'reviewPeriodDays' | 'reminderWindowDays' | 'remindAfterDays'>;

export function normaliseInput(input: WorkflowInput): WorkflowFields {
  return {
    name: input.name.trim(),
    steps: input.steps.map((s) => ({ ...(s.name?.trim() ? { name: s.name.trim() } : {}), approvers: [...s.approvers], mode: s.mode })),
    owners: [...new Set(input.owners ?? [])],
    allowSelfApproval: input.allowSelfApproval ?? false,
    enabled: input.enabled ?? true,
    ...reviewTermsOf(input),
  };
}
