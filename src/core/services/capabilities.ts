/**
 * What the caller may do on each surface (SPEC §6 "every view asks the server what the user may
 * do"). Nothing here changes state; a refusal of the read it starts with (page status, the
 * space's workflows, the change set) is recorded as that read's `access.denied`. Each answer comes from the rule the
 * acting service enforces — the decision rule is the pure applyDecision run dry, page access is
 * Confluence's own permission check — so the UI shows exactly the actions the engine would accept.
 * A test (test/ui/capabilities.test.ts) checks every answer against the real action's outcome.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { applyDecision } from '../domain/decisions';
import { activeStepOf, groupsOfSteps } from '../domain/approvers';
import { FIELD_LIMITS } from '../domain/limits';
import type { PageCapabilities, SpaceCapabilities } from './types';
import { defineOperation } from './operation';
import { pageStatus } from './approvals/read';
import { listWorkflows } from './workflows/read';
import { getChangeSet } from './changesets/read';
import type { EngineContext } from './context';
import { PageCache } from './page-cache';
import { expandGroups } from './page-context';
import { SpaceAccess } from './access';

type PageStatusView = Awaited<ReturnType<typeof pageStatus.execute>>;

/** Would applyDecision accept a decision by this caller now? (a rejection has the same gate plus a comment). */
async function mayDecide(ctx: EngineContext, caller: Caller, status: PageStatusView): Promise<boolean> {
  const approval = status.pending?.approval;
  if (!approval) return false;
  const groupMembers = new Map<string, string[]>();
  await expandGroups(ctx, groupsOfSteps([activeStepOf(approval)]), groupMembers);
  for (const decision of ['approve', 'reject'] as const) {
    try {
      applyDecision(approval, caller.accountId, decision, 'x'.repeat(FIELD_LIMITS.rejectionComment.min), groupMembers, ctx.clock.now());
      return true;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
    }
  }
  return false;
}

export const pageCapabilities = defineOperation({
  rights: 'Anyone who can view the page (else PAGE_NOT_FOUND, audited as approval.status).',
  execute: async (ctx: EngineContext, caller: Caller, pageId: string): Promise<PageCapabilities> => {
    // pageStatus refuses (PAGE_NOT_FOUND) a page the caller cannot read: that refusal is the answer.
    const status = await pageStatus.execute(ctx, caller, pageId);
    // Site admins count as space admins of every space (SpaceAccess, as the use cases check it).
    const [canEdit, isSpaceAdmin, canDecide] = await Promise.all([
      ctx.confluence.checkPagePermission(caller.accountId, pageId, 'update'),
      new SpaceAccess(ctx, caller.accountId).isAdmin(status.spaceId),
      mayDecide(ctx, caller, status),
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
      // Same gates as approvals.reset and workflows.assign: space admins.
      reset: isSpaceAdmin,
      assign: isSpaceAdmin,
    };
  },
});

export const spaceCapabilities = defineOperation({
  rights: 'Anyone who can view the space (else SPACE_NOT_FOUND, audited as workflow.list).',
  execute: async (ctx: EngineContext, caller: Caller, spaceId: string): Promise<SpaceCapabilities> => {
    const [space, isSpaceAdmin, canCreatePages, list] = await Promise.all([
      ctx.confluence.getSpace(spaceId),
      new SpaceAccess(ctx, caller.accountId).isAdmin(spaceId),
      ctx.confluence.canCreatePagesIn(caller.accountId, spaceId),
      listWorkflows.execute(ctx, caller, spaceId),
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
      // Editing a workflow's definition: its owners and space admins (enable, duplicate, delete: admins; the UI asks per action).
      configureWorkflowIds: list.filter((w) => isSpaceAdmin || w.owners.includes(caller.accountId)).map((w) => w.id),
      // changeSets.create needs the edit right on at least one listed page: offered to whoever may
      // edit pages of the space (the create then checks each page's own restrictions).
      createChangeSet: isSpaceAdmin || canCreatePages,
    };
  },
});

export const changeSetCapabilities = defineOperation({
  rights: 'Anyone who can view its space (else CHANGE_SET_NOT_FOUND, audited).',
  execute: async (ctx: EngineContext, caller: Caller, changeSetId: string) => {
    // changeSets.get refuses a missing or invisible change set the same way.
    const cs = await getChangeSet.execute(ctx, caller, changeSetId);
    // Same gate as changeSets' requireManage: its creator or a space admin; archived sets are read-only.
    const manage = cs.createdBy === caller.accountId || (await new SpaceAccess(ctx, caller.accountId).isAdmin(cs.spaceId));
    const open = cs.status === 'open';
    return { changeSetId, update: manage && open, submit: manage && open, archive: manage && open };
  },
});

export const pageTitles = defineOperation({
  rights: 'Any signed-in caller; unknown or unreadable pages are absent.',
  execute: async (ctx: EngineContext, caller: Caller, pageIds: string[]): Promise<Record<string, { title: string; spaceId: string }>> => {
    // Titles only of pages the caller can read (the queue shows nothing else either).
    const cache = new PageCache(ctx, caller.accountId);
    const pages = await cache.pages(pageIds);
    const readable = await cache.readable([...pages.keys()]);
    return Object.fromEntries([...pages].filter(([id]) => readable.has(id)).map(([id, page]) => [id, { title: page.title, spaceId: page.spaceId }]));
  },
});

export const spaceNames = defineOperation({
  rights: 'Any signed-in caller; only spaces the caller administers (or all, for a site admin) are named.',
  execute: async (ctx: EngineContext, caller: Caller, spaceIds: string[]): Promise<Record<string, { key: string; name: string }>> => {
    // For audit readers only: a site admin, or an admin of that space.
    const access = new SpaceAccess(ctx, caller.accountId);
    const spaces = await Promise.all(
      [...new Set(spaceIds)].map(async (id) => {
        const allowed = await access.isAdmin(id).catch(() => false);
        const space = allowed ? await ctx.confluence.getSpace(id).catch(() => undefined) : undefined;
        return space ? ([[id, { key: space.key, name: space.name }]] as const) : [];
      }),
    );
    return Object.fromEntries(spaces.flat());
  },
});

export const adminCapabilities = defineOperation({
  rights: 'Any signed-in caller: the answer says what the admin page offers them.',
  async execute(ctx: EngineContext, caller: Caller): Promise<{ readAudit: boolean; verifyChain: boolean; exportAudit: boolean }> {
    // audit.list without a space filter, audit.verify and audit.export: site admins only.
    const siteAdmin = await ctx.confluence.isSiteAdmin(caller.accountId);
    return { readAudit: siteAdmin, verifyChain: siteAdmin, exportAudit: siteAdmin };
  },
});
