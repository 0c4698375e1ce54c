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
import { sodExcluded } from '../domain/sod';
import { pageSlotScope, slotsAndMembers } from './approvals/decide-in-slot';
import { FIELD_LIMITS } from '../domain/limits';
import type { PageCapabilities, SpaceCapabilities } from './types';
import { defineOperation } from './operation';
import { pageStatus } from './approvals/read';
import { listWorkflows } from './workflows/read';
import { hasPendingApprovals } from './approvals/pending-count';
import { getChangeSet } from './changesets/read';
import { pagesPendingThrough, setReviewOf } from './changesets/atomic/review-guard';
import type { EngineContext } from './context';
import { PageCache } from './page-cache';
import { loadPageContext } from './page-context';
import { ELIGIBILITY_REASONS, pageGate } from '../domain/eligibility';
import { INSTALLATION_SPACE } from '../audit';
import { getManyByKey } from './store-reads';
import { keys } from './keys';
import { parseStored, workflowSchema } from '../domain/schemas';
import { SpaceAccess } from './access';

type PageStatusView = Awaited<ReturnType<typeof pageStatus.execute>>;

/**
 * Would approval.decide accept a decision by this caller now, in any slot they may fill (their own,
 * or one delegated to them, SPEC 2.3b), with separation of duties applied? (A rejection has the same
 * gate plus a comment.)
 */
async function mayDecide(ctx: EngineContext, caller: Caller, status: PageStatusView): Promise<boolean> {
  const approval = status.pending?.approval;
  if (!approval) return false;
  const excluded = sodExcluded(approval, approval.activeStep);
  let slots: Awaited<ReturnType<typeof slotsAndMembers>>;
  try {
    slots = await slotsAndMembers(ctx, approval, pageSlotScope(ctx, caller.accountId, approval), caller.accountId);
  } catch (err) {
    if (err instanceof DomainError) return false;
    throw err;
  }
  for (const decision of ['approve', 'reject'] as const) {
    for (const choice of slots.choices) {
      try {
        applyDecision(approval, caller.accountId, decision, 'x'.repeat(FIELD_LIMITS.rejectionComment.min), slots.groupMembers, ctx.clock.now(), { excluded, ...choice });
        return true;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
      }
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
    const [context, isSpaceAdmin, canDecide] = await Promise.all([
      loadPageContext(ctx, caller, [pageId]),
      new SpaceAccess(ctx, caller.accountId).isAdmin(status.spaceId),
      mayDecide(ctx, caller, status),
    ]);
    const pending = status.pending?.approval;
    const input = context.inputs.get(pageId);
    // The page-level part of the one eligibility rule (published, editable, nothing pending, not
    // approved unless due or expired for review); the form's preflight then tells the workflow's answer.
    const gate = input ? pageGate(input) : { ok: false as const, code: 'PAGE_NOT_FOUND', reason: ELIGIBILITY_REASONS.PAGE_NOT_FOUND };
    return {
      pageId,
      spaceId: status.spaceId,
      request: gate.ok,
      ...(gate.ok ? {} : { requestRefusal: { code: gate.code, reason: gate.reason } }),
      decide: canDecide,
      // Same gate as approvals.cancel: the submitter or a space admin.
      cancel: pending !== undefined && (pending.submittedBy === caller.accountId || isSpaceAdmin),
      // Same gates as approvals.reset and workflows.assign: space admins.
      reset: isSpaceAdmin,
      assign: isSpaceAdmin,
      // Same gate as content.restore (SPEC 2.4a): an editor or a space admin, an approved version to go back to, and newer versions since.
      restore: (input?.canEdit === true || isSpaceAdmin) && status.state === 'approved' && status.approvedAtVersion !== null && status.currentPageVersion > status.approvedAtVersion,
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
      // workflows.remove: space admins, and only while nothing under the workflow is pending.
      deleteWorkflowIds: isSpaceAdmin ? (await Promise.all(list.map(async (w) => ((await hasPendingApprovals(ctx, w.id)) ? [] : [w.id])))).flat() : [],
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
    // changeSets.archive also waits for what was submitted through the set (CHANGE_SET_HAS_PENDING).
    const settled = manage && open && (await pagesPendingThrough(ctx, cs)) === 0 && !(await setReviewOf(ctx, cs.id)).pending;
    return { changeSetId, update: manage && open, submit: manage && open, archive: settled };
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
      [...new Set(spaceIds)].filter((id) => id !== INSTALLATION_SPACE).map(async (id) => {
        const allowed = await access.isAdmin(id).catch(() => false);
        const space = allowed ? await ctx.confluence.getSpace(id).catch(() => undefined) : undefined;
        return space ? ([[id, { key: space.key, name: space.name }]] as const) : [];
      }),
    );
    return Object.fromEntries(spaces.flat());
  },
});

export const workflowNames = defineOperation({
  rights: 'Any signed-in caller; a workflow is named only to those who can view its space (SPEC 2.1: nobody else learns it exists).',
  execute: async (ctx: EngineContext, caller: Caller, workflowIds: string[]): Promise<Record<string, string>> => {
    const access = new SpaceAccess(ctx, caller.accountId);
    const got = await getManyByKey(ctx.store, [...new Set(workflowIds)].map(keys.workflow));
    const named = await Promise.all(
      [...got.values()].map(async (item) => {
        const wf = parseStored(workflowSchema, item.key, item.value);
        return (await access.canView(wf.spaceId).catch(() => false)) ? [[wf.id, wf.name] as const] : [];
      }),
    );
    return Object.fromEntries(named.flat());
  },
});

export const adminCapabilities = defineOperation({
  rights: 'Any signed-in caller: the answer says what the admin page offers them.',
  async execute(ctx: EngineContext, caller: Caller): Promise<{ readAudit: boolean; verifyChain: boolean; exportAudit: boolean; rotateSigningKey: boolean }> {
    // audit.list without a space filter, audit.verify, audit.export and evidence.rotateKey: site admins only.
    const siteAdmin = await ctx.confluence.isSiteAdmin(caller.accountId);
    return { readAudit: siteAdmin, verifyChain: siteAdmin, exportAudit: siteAdmin, rotateSigningKey: siteAdmin };
  },
});
