/** Workflows (SPEC 2.1) and explicit page assignments (SPEC 2.2). */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import type { Workflow } from '../domain/model';
import { assignmentSchema, parseStored, workflowSchema } from '../domain/schemas';
import { validateWorkflowFields } from '../domain/validation';
import { FIELD_LIMITS } from '../domain/limits';
import type { StoredItem, TxOp } from '../ports/store';
import type { WorkflowInput, WorkflowService } from './engine';
import type { EngineContext } from './context';
import { auditEntry, commitWithAudit, deny, queryAll, withRetry } from './context';
import { keys } from './keys';

export async function loadWorkflow(ctx: EngineContext, workflowId: string): Promise<{ item: StoredItem; workflow: Workflow } | undefined> {
  const item = await ctx.store.get(keys.workflow(workflowId));
  return item ? { item, workflow: parseStored(workflowSchema, item.key, item.value) } : undefined;
}

export async function listSpaceWorkflows(ctx: EngineContext, spaceId: string): Promise<Workflow[]> {
  const items = await queryAll(ctx.store, keys.workflowBySpacePrefix(spaceId));
  return items.map((i) => parseStored(workflowSchema, i.key, i.value));
}

/** Puts of the primary record and its by-space copy (always written together). */
export function workflowPuts(workflow: Workflow, previous?: StoredItem): TxOp[] {
  return [
    { op: 'put', key: keys.workflow(workflow.id), value: workflow, condition: previous ? { kind: 'version', version: previous.version } : { kind: 'absent' } },
    { op: 'put', key: keys.workflowBySpace(workflow.spaceId, workflow.id), value: workflow },
  ];
}

function notFound(): DomainError {
  return new DomainError('not_found', 'WORKFLOW_NOT_FOUND', 'Workflow not found.');
}

function forbidden(): DomainError {
  return new DomainError('forbidden', 'FORBIDDEN', 'Only a space admin or an owner of the workflow can change it.');
}

function normaliseInput(input: WorkflowInput): Pick<Workflow, 'name' | 'steps' | 'owners' | 'allowSelfApproval' | 'enabled'> & { owners: string[] } {
  return {
    name: input.name.trim(),
    steps: input.steps.map((s) => ({ ...(s.name?.trim() ? { name: s.name.trim() } : {}), approvers: [...s.approvers], mode: s.mode })),
    owners: [...new Set(input.owners ?? [])],
    allowSelfApproval: input.allowSelfApproval ?? false,
    enabled: input.enabled ?? true,
  };
}

export function createWorkflowService(ctx: EngineContext): WorkflowService {
  const { store, confluence, clock, ids } = ctx;

  async function canConfigure(caller: Caller, workflow: Pick<Workflow, 'owners' | 'spaceId'>): Promise<boolean> {
    return workflow.owners.includes(caller.accountId) || confluence.isSpaceAdmin(caller.accountId, workflow.spaceId);
  }

  async function requireConfigure(caller: Caller, workflow: Workflow, operation: string): Promise<void> {
    if (!(await canConfigure(caller, workflow))) {
      await deny(ctx, caller, forbidden(), workflow.spaceId, { operation, workflowId: workflow.id });
    }
  }

  async function requireSpaceAdmin(caller: Caller, spaceId: string, operation: string): Promise<void> {
    if (!(await confluence.isSpaceAdmin(caller.accountId, spaceId))) {
      await deny(ctx, caller, new DomainError('forbidden', 'FORBIDDEN', 'Only a space admin can do this.'), spaceId, { operation });
    }
  }

  async function createNew(caller: Caller, spaceId: string, fields: ReturnType<typeof normaliseInput>, action: 'workflow.created' | 'workflow.imported', details: Record<string, unknown>): Promise<Workflow> {
    const now = clock.now();
    const owners = fields.owners.length > 0 ? fields.owners : [caller.accountId];
    validateWorkflowFields({ ...fields, owners });
    const workflow: Workflow = {
      id: ids.next('wf'),
      spaceId,
      ...fields,
      owners,
      createdAt: now,
      createdBy: caller.accountId,
      updatedAt: now,
      updatedBy: caller.accountId,
      version: 1,
    };
    await withRetry(ctx, () =>
      commitWithAudit(ctx, workflowPuts(workflow), [auditEntry(caller, action, spaceId, { workflowId: workflow.id, details: { name: workflow.name, ...details } })]),
    );
    return workflow;
  }

  /** read → authorize → change → commit, re-run on concurrent modification */
  async function modify(
    caller: Caller,
    workflowId: string,
    operation: string,
    change: (current: Workflow) => { next: Workflow; action: 'workflow.updated' | 'workflow.enabled' | 'workflow.disabled'; details: Record<string, unknown> } | undefined,
  ): Promise<Workflow> {
    return withRetry(ctx, async () => {
      const loaded = await loadWorkflow(ctx, workflowId);
      if (!loaded) throw notFound();
      await requireConfigure(caller, loaded.workflow, operation);
      const changed = change(loaded.workflow);
      if (!changed) return loaded.workflow;
      await commitWithAudit(ctx, workflowPuts(changed.next, loaded.item), [
        auditEntry(caller, changed.action, changed.next.spaceId, { workflowId, details: changed.details }),
      ]);
      return changed.next;
    });
  }

  return {
    async list(_caller, spaceId) {
      const workflows = await listSpaceWorkflows(ctx, spaceId);
      return workflows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    },

    async get(_caller, workflowId) {
      const loaded = await loadWorkflow(ctx, workflowId);
      if (!loaded) throw notFound();
      return loaded.workflow;
    },

    async create(caller, spaceId, input) {
      await requireSpaceAdmin(caller, spaceId, 'workflow.create');
      return createNew(caller, spaceId, normaliseInput(input), 'workflow.created', {});
    },

    async update(caller, workflowId, patch, expectedVersion) {
      return modify(caller, workflowId, 'workflow.update', (current) => {
        if (expectedVersion !== undefined && expectedVersion !== current.version) {
          throw new DomainError('conflict', 'VERSION_CONFLICT', `The workflow is at version ${current.version}, not ${expectedVersion}.`);
        }
        const merged = normaliseInput({
          name: patch.name ?? current.name,
          steps: patch.steps ?? current.steps,
          owners: patch.owners ?? current.owners,
          allowSelfApproval: patch.allowSelfApproval ?? current.allowSelfApproval,
          enabled: patch.enabled ?? current.enabled,
        });
        validateWorkflowFields(merged);
        const next: Workflow = { ...current, ...merged, updatedAt: clock.now(), updatedBy: caller.accountId, version: current.version + 1 };
        return { next, action: 'workflow.updated', details: { name: next.name, fields: Object.keys(patch).sort(), version: next.version } };
      });
    },

    async duplicate(caller, workflowId, name) {
      const loaded = await loadWorkflow(ctx, workflowId);
      if (!loaded) throw notFound();
      await requireConfigure(caller, loaded.workflow, 'workflow.duplicate');
      const source = loaded.workflow;
      const copyName = (name?.trim() || `${source.name} (copy)`).slice(0, FIELD_LIMITS.workflowName.max);
      return createNew(
        caller,
        source.spaceId,
        { name: copyName, steps: source.steps, owners: [caller.accountId], allowSelfApproval: source.allowSelfApproval, enabled: false },
        'workflow.created',
        { duplicatedFrom: source.id },
      );
    },

    async setEnabled(caller, workflowId, enabled) {
      return modify(caller, workflowId, enabled ? 'workflow.enable' : 'workflow.disable', (current) => {
        if (current.enabled === enabled) return undefined;
        const next: Workflow = { ...current, enabled, updatedAt: clock.now(), updatedBy: caller.accountId, version: current.version + 1 };
        return { next, action: enabled ? 'workflow.enabled' : 'workflow.disabled', details: { name: next.name, version: next.version } };
      });
    },

    async remove(caller, workflowId) {
      await withRetry(ctx, async () => {
        const loaded = await loadWorkflow(ctx, workflowId);
        if (!loaded) throw notFound();
        await requireConfigure(caller, loaded.workflow, 'workflow.delete');
        const pending = await store.query({ prefix: keys.pendingByWorkflowPrefix(workflowId), limit: 1 });
        if (pending.items.length > 0) {
          throw new DomainError('conflict', 'WORKFLOW_HAS_PENDING', 'The workflow has pending approvals; it cannot be deleted until they finish.');
        }
        const wf = loaded.workflow;
        await commitWithAudit(
          ctx,
          [
            { op: 'delete', key: keys.workflow(wf.id), condition: { kind: 'version', version: loaded.item.version } },
            { op: 'delete', key: keys.workflowBySpace(wf.spaceId, wf.id) },
          ],
          [auditEntry(caller, 'workflow.deleted', wf.spaceId, { workflowId: wf.id, details: { name: wf.name } })],
        );
      });
    },

    async importFrom(caller, sourceWorkflowId, targetSpaceId) {
      const loaded = await loadWorkflow(ctx, sourceWorkflowId);
      if (!loaded) throw notFound();
      await requireSpaceAdmin(caller, targetSpaceId, 'workflow.import');
      const source = loaded.workflow;
      // Imported disabled: silently adding an enabled workflow could change which workflow pages resolve to.
      return createNew(
        caller,
        targetSpaceId,
        { name: source.name, steps: source.steps, owners: [caller.accountId], allowSelfApproval: source.allowSelfApproval, enabled: false },
        'workflow.imported',
        { sourceWorkflowId: source.id, sourceSpaceId: source.spaceId },
      );
    },

    async assign(caller, pageId, workflowId) {
      const pages = await confluence.getPages([pageId]);
      const page = pages.get(pageId);
      if (!page || !(await confluence.checkPagePermission(caller.accountId, pageId, 'read'))) {
        throw new DomainError('not_found', 'PAGE_NOT_FOUND', 'Page not found.');
      }
      await withRetry(ctx, async () => {
        const [target, currentItem] = await Promise.all([
          workflowId === null ? Promise.resolve(undefined) : loadWorkflow(ctx, workflowId),
          store.get(keys.assignment(pageId)),
        ]);
        if (workflowId !== null && !target) throw notFound();
        if (target && target.workflow.spaceId !== page.spaceId) {
          throw new DomainError('invalid', 'WRONG_SPACE', "The workflow is not in the page's space.");
        }
        const current = currentItem ? parseStored(assignmentSchema, currentItem.key, currentItem.value) : undefined;
        if ((current?.workflowId ?? null) === workflowId) return;
        // A space admin, or an owner of the workflow being assigned (or of the one being cleared).
        const ownerOf = target?.workflow ?? (current ? (await loadWorkflow(ctx, current.workflowId))?.workflow : undefined);
        const allowed = (ownerOf?.owners.includes(caller.accountId) ?? false) || (await confluence.isSpaceAdmin(caller.accountId, page.spaceId));
        if (!allowed) {
          await deny(ctx, caller, forbidden(), page.spaceId, { operation: 'assignment.change', pageId, ...(workflowId ? { workflowId } : {}) });
        }
        const condition = currentItem ? ({ kind: 'version', version: currentItem.version } as const) : ({ kind: 'absent' } as const);
        const op: TxOp =
          workflowId === null
            ? { op: 'delete', key: keys.assignment(pageId), condition }
            : { op: 'put', key: keys.assignment(pageId), value: { pageId, spaceId: page.spaceId, workflowId }, condition };
        await commitWithAudit(ctx, [op], [
          auditEntry(caller, 'assignment.changed', page.spaceId, {
            pageId,
            ...(workflowId ? { workflowId } : {}),
            details: { from: current?.workflowId ?? null, to: workflowId },
          }),
        ]);
      });
    },
  };
}
