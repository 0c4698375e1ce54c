/**
 * What the caller may do on each surface (SPEC §6 "every view asks the server what the user may
 * do"). Read-only: nothing here writes, records or notifies. Each answer comes from the rule the
 * acting service enforces — the decision rule is the pure applyDecision run dry, page access is
 * Confluence's own permission check — so the UI shows exactly the actions the engine would accept.
 * A test (test/ui/capabilities.test.ts) checks every answer against the real action's outcome.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { applyDecision } from '../domain/decisions';
import { groupsOfSteps } from '../domain/approvers';
import type { ApprovalService, CapabilityService, ChangeSetService, PageCapabilities, SpaceCapabilities, WorkflowService } from './engine';
import type { EngineContext } from './context';
import { PageCache } from './page-cache';
import { expandGroups } from './page-context';

export function createCapabilityService(ctx: EngineContext, approvals: ApprovalService, workflows: WorkflowService, changeSets: ChangeSetService): CapabilityService {
  const { confluence, clock } = ctx;

  /** Would applyDecision accept an approval by this caller now? (rejection has the same gate plus a comment). */
  async function mayDecide(caller: Caller, status: Awaited<ReturnType<ApprovalService['pageStatus']>>): Promise<boolean> {
    const approval = status.pending?.approval;
    if (!approval) return false;
    const groupMembers = new Map<string, string[]>();
    await expandGroups(ctx, groupsOfSteps([approval.workflowSnapshot.steps[approval.activeStep]]), groupMembers);
    for (const decision of ['approve', 'reject'] as const) {
      try {
        applyDecision(approval, caller.accountId, decision, 'x'.repeat(20), groupMembers, clock.now());
        return true;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
      }
    }
    return false;
  }

  return {
    async page(caller, pageId): Promise<PageCapabilities> {
      // pageStatus refuses (PAGE_NOT_FOUND) a page the caller cannot read: that refusal is the answer.
      const status = await approvals.pageStatus(caller, pageId);
      const [canEdit, isSpaceAdmin, canDecide] = await Promise.all([
        confluence.checkPagePermission(caller.accountId, pageId, 'update'),
        confluence.isSpaceAdmin(caller.accountId, status.spaceId),
        mayDecide(caller, status),
      ]);
      const pending = status.pending?.approval;
      return {
        pageId,
        spaceId: status.spaceId,
        // Submit needs the edit right (NO_EDIT_PERMISSION); the preflight then tells the rest.
        request: canEdit && !pending,
        decide: canDecide,
        // Same gate as approvals.cancel: the submitter or a space admin.
        cancel: pending !== undefined && (pending.submittedBy === caller.accountId || isSpaceAdmin),
        // Same gates as approvals.reset and workflows.assign (a space admin; owners may also assign their workflow).
        reset: isSpaceAdmin,
        assign: isSpaceAdmin,
      };
    },

    async space(caller, spaceId): Promise<SpaceCapabilities> {
      const [space, isSpaceAdmin, list] = await Promise.all([
        confluence.getSpace(spaceId),
        confluence.isSpaceAdmin(caller.accountId, spaceId),
        workflows.list(caller, spaceId),
      ]);
      return {
        spaceId,
        ...(space ? { spaceKey: space.key, spaceName: space.name } : {}),
        isSpaceAdmin,
        // workflows.create / importFrom / approvals.reset / audit of the space: space admins.
        createWorkflow: isSpaceAdmin,
        importWorkflow: isSpaceAdmin,
        resetApproval: isSpaceAdmin,
        readSpaceAudit: isSpaceAdmin,
        // workflows.update/duplicate/setEnabled/remove: an owner of the workflow or a space admin.
        configureWorkflowIds: list.filter((w) => isSpaceAdmin || w.owners.includes(caller.accountId)).map((w) => w.id),
        // changeSets.create checks each listed page; anyone who can read the space may start one.
        createChangeSet: true,
      };
    },

    async changeSet(caller, changeSetId) {
      // changeSets.get refuses a missing or invisible change set the same way.
      const cs = await changeSets.get(caller, changeSetId);
      // Same gate as changeSets.requireManage: its creator or a space admin; archived sets are read-only.
      const manage = cs.createdBy === caller.accountId || (await confluence.isSpaceAdmin(caller.accountId, cs.spaceId));
      const open = cs.status === 'open';
      return { changeSetId, update: manage && open, submit: manage && open, archive: manage && open };
    },

    async pageTitles(caller, pageIds) {
      // Titles only of pages the caller can read (the queue shows nothing else either).
      const cache = new PageCache(ctx, caller.accountId);
      const pages = await cache.pages(pageIds);
      const readable = await cache.readable([...pages.keys()]);
      return Object.fromEntries([...pages].filter(([id]) => readable.has(id)).map(([id, page]) => [id, { title: page.title, spaceId: page.spaceId }]));
    },

    async spaceNames(caller, spaceIds) {
      // For audit readers only: a site admin, or an admin of that space (the app sees every space).
      const siteAdmin = await confluence.isSiteAdmin(caller.accountId);
      const spaces = await Promise.all(
        [...new Set(spaceIds)].map(async (id) => {
          const allowed = siteAdmin || (await confluence.isSpaceAdmin(caller.accountId, id).catch(() => false));
          return [id, allowed ? await confluence.getSpace(id).catch(() => undefined) : undefined] as const;
        }),
      );
      return Object.fromEntries(spaces.filter(([, s]) => s !== undefined).map(([id, s]) => [id, { key: s!.key, name: s!.name }]));
    },

    async admin(caller) {
      // audit.list without a space filter, audit.verify and audit.export: site admins only.
      const siteAdmin = await confluence.isSiteAdmin(caller.accountId);
      return { readAudit: siteAdmin, verifyChain: siteAdmin, exportAudit: siteAdmin };
    },
  };
}
