/**
 * Changing a workflow. The definition (name, steps, approvers, modes, self-approval) may be edited
 * by space admins and the workflow's owners; enabling, disabling and changing the owners are space
 * admin decisions (an owner could otherwise take over a space's routing, issue 10).
 */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { Workflow } from '../../domain/model';
import { checkWorkflowReachable } from '../../domain/quorum-reachability';
import { validateStalenessTerms } from '../../domain/staleness-terms';
import { validateReviewTerms } from '../../domain/review';
import type { SavedWorkflow, WorkflowInput } from './types';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { denial } from '../denials';
import { withRetry } from '../retry';
import { loadVisibleWorkflow } from './guards';
import { checkParticipants } from './participants';
import { editorsOnly, normaliseInput, spaceAdminsOnly, workflowPuts } from './store';
import { defineOperation } from '../operation';
import { withEdit } from './edit-log';
import { formerApproversOps } from './former-approvers';
import type { TxOp } from '../../ports/store';

/** `ops`: written with the workflow (the principals a save took out of its steps: former-approvers.ts). */
type Change = { next: Workflow; action: 'workflow.updated' | 'workflow.enabled' | 'workflow.disabled'; details: Record<string, unknown>; ops?: TxOp[] };

/** read → authorize → change → commit, re-run on concurrent modification */
async function modify(
  ctx: EngineContext,
  caller: Caller,
  workflowId: string,
  operation: string,
  authorize: (current: Workflow, access: SpaceAccess) => Promise<DomainError | undefined>,
  change: (current: Workflow) => Promise<Change | undefined>,
): Promise<Workflow> {
  const access = new SpaceAccess(ctx, caller.accountId);
  return withRetry(ctx, async () => {
    const loaded = await loadVisibleWorkflow(ctx, caller, access, workflowId, operation);
    const refusal = await authorize(loaded.workflow, access);
    if (refusal) throw await denial(ctx, caller, refusal, loaded.workflow.spaceId, { operation, workflowId });
    const changed = await change(loaded.workflow);
    if (!changed) return loaded.workflow;
    await commitWithAudit(ctx, [...workflowPuts(changed.next, loaded.item), ...(changed.ops ?? [])], [
      auditEntry(caller, changed.action, changed.next.spaceId, { workflowId, details: changed.details }),
    ]);
    return changed.next;
  });
}

const sameMembers = (a: string[], b: string[]): boolean => new Set(a).size === new Set(b).size && a.every((x) => b.includes(x));

export const updateWorkflow = defineOperation({
  rights: 'A space admin or an owner of the workflow (FORBIDDEN 403, audited).',
  async execute(
    ctx: EngineContext,
    caller: Caller,
    workflowId: string,
    patch: Partial<WorkflowInput>,
    expectedVersion?: number,
  ): Promise<SavedWorkflow> {
    let warnings: SavedWorkflow['warnings'] = [];
    const authorize = async (current: Workflow, access: SpaceAccess): Promise<DomainError | undefined> => {
      if (await access.isAdmin(current.spaceId)) return undefined;
      // SPEC 2.3a: self-approval is a space admin's decision, or an owner could approve their own pages
      const adminOnly =
        (patch.enabled !== undefined && patch.enabled !== current.enabled) ||
        (patch.owners !== undefined && !sameMembers(patch.owners, current.owners)) ||
        (patch.allowSelfApproval === true && !current.allowSelfApproval);
      if (adminOnly) return spaceAdminsOnly();
      return current.owners.includes(caller.accountId) ? undefined : editorsOnly();
    };
    const updated = await modify(ctx, caller, workflowId, 'workflow.update', authorize, async (current) => {
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new DomainError('VERSION_CONFLICT', `The workflow is at version ${current.version}, not ${expectedVersion}.`);
      }
      const period = patch.reviewPeriodDays !== undefined ? patch.reviewPeriodDays : (current.reviewPeriodDays ?? null);
      const merged = normaliseInput({
        name: patch.name ?? current.name,
        steps: patch.steps ?? current.steps,
        owners: patch.owners ?? current.owners,
        allowSelfApproval: patch.allowSelfApproval ?? current.allowSelfApproval,
        enabled: patch.enabled ?? current.enabled,
        reviewPeriodDays: period,
        // turning the period off takes the window back to its default unless this save names one (refused then)
        reminderWindowDays: patch.reminderWindowDays ?? (period === null ? undefined : current.reminderWindowDays),
        remindAfterDays: patch.remindAfterDays !== undefined ? patch.remindAfterDays : current.remindAfterDays,
        sod: patch.sod ?? current.sod,
        stalenessPolicy: patch.stalenessPolicy ?? current.stalenessPolicy,
        tolerance: patch.tolerance !== undefined ? patch.tolerance : current.tolerance,
      });
      checkWorkflowReachable(merged);
      validateStalenessTerms(merged);
      validateReviewTerms(merged);
      // only what this save names must exist: a rename never fails on an approver deleted since
      warnings = await checkParticipants(ctx, current.spaceId, { ...(patch.steps ? { steps: merged.steps } : {}), ...(patch.owners ? { owners: merged.owners } : {}) });
      const now = ctx.clock.now();
      const next: Workflow = { ...current, ...merged, recentEdits: withEdit(current.recentEdits, caller.accountId, now), updatedAt: now, updatedBy: caller.accountId, version: current.version + 1 };
      const ops = patch.steps ? await formerApproversOps(ctx, current, next) : [];
      return { next, action: 'workflow.updated', details: { name: next.name, fields: Object.keys(patch).sort(), version: next.version }, ops };
    });
    return warnings.length > 0 ? { ...updated, warnings } : updated;
  },
});

export const setWorkflowEnabled = defineOperation({
  rights: 'A space admin or an owner of the workflow (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller, workflowId: string, enabled: boolean): Promise<Workflow> {
    const authorize = async (current: Workflow, access: SpaceAccess) => ((await access.isAdmin(current.spaceId)) ? undefined : spaceAdminsOnly());
    return modify(ctx, caller, workflowId, enabled ? 'workflow.enable' : 'workflow.disable', authorize, async (current) => {
      if (current.enabled === enabled) return undefined;
      const next: Workflow = { ...current, enabled, updatedAt: ctx.clock.now(), updatedBy: caller.accountId, version: current.version + 1 };
      return { next, action: enabled ? 'workflow.enabled' : 'workflow.disabled', details: { name: next.name, version: next.version } };
    });
  },
});
