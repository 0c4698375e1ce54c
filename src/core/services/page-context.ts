/**
 * Batched gathering of everything eligibility needs for N pages, so preflight and submit share one
 * code path and one cost: getPages once (⌈N/250⌉ calls), permission checks in parallel, page
 * states + assignments in ⌈2N/25⌉ parallel getMany calls, one workflow query per space, each
 * group expanded once.
 */
import type { Caller } from '../domain/caller';
import type { EligibilityInput } from '../domain/eligibility';
import { resolveWorkflow } from '../domain/eligibility';
import { groupsOfSteps } from '../domain/approvers';
import type { PageApproval, Workflow } from '../domain/model';
import { assignmentSchema, pageApprovalSchema, parseStored } from '../domain/schemas';
import type { PageInfo } from '../ports/confluence';
import type { StoredItem } from '../ports/store';
import type { EngineContext } from './context';
import { getManyByKey } from './context';
import { keys } from './keys';
import { listSpaceWorkflows } from './workflows';

export interface PageContext {
  pages: Map<string, PageInfo>;
  inputs: Map<string, EligibilityInput>;
  /** stored page-state items (for the version condition of the submit transaction) */
  pageStateItems: Map<string, StoredItem | undefined>;
  groupMembers: Map<string, string[]>;
}

/** Fetch members of groups not yet in `cache`, in parallel. */
export async function expandGroups(ctx: EngineContext, groupIds: string[], cache: Map<string, string[]>): Promise<void> {
  const missing = [...new Set(groupIds)].filter((g) => !cache.has(g));
  const members = await Promise.all(missing.map((g) => ctx.confluence.getGroupMembers(g)));
  missing.forEach((g, i) => cache.set(g, members[i]));
}

/**
 * Request-scoped cache of what Confluence said about pages, so one request asks getPages once for
 * the ids it needs (the first call should name them all) and each permission at most once.
 * Permission checks run in parallel; "read" is only asked when "update" was refused (an editor can read).
 */
export class PageCache {
  private readonly info = new Map<string, PageInfo | undefined>();
  private readonly read = new Map<string, boolean>();
  private readonly edit = new Map<string, boolean>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly accountId: string,
  ) {}

  async pages(pageIds: string[]): Promise<Map<string, PageInfo>> {
    const missing = [...new Set(pageIds)].filter((id) => !this.info.has(id));
    if (missing.length > 0) {
      const got = await this.ctx.confluence.getPages(missing);
      for (const id of missing) this.info.set(id, got.get(id));
    }
    const out = new Map<string, PageInfo>();
    for (const id of pageIds) {
      const page = this.info.get(id);
      if (page) out.set(id, page);
    }
    return out;
  }

  async readable(pageIds: string[]): Promise<Set<string>> {
    const unknown = [...new Set(pageIds)].filter((id) => !this.read.has(id) && !this.edit.get(id));
    const results = await Promise.all(unknown.map((id) => this.ctx.confluence.checkPagePermission(this.accountId, id, 'read')));
    unknown.forEach((id, i) => this.read.set(id, results[i]));
    return new Set(pageIds.filter((id) => this.edit.get(id) || this.read.get(id)));
  }

  async permissions(pageIds: string[]): Promise<{ canRead: Set<string>; canEdit: Set<string> }> {
    const unknown = [...new Set(pageIds)].filter((id) => !this.edit.has(id));
    const results = await Promise.all(unknown.map((id) => this.ctx.confluence.checkPagePermission(this.accountId, id, 'update')));
    unknown.forEach((id, i) => this.edit.set(id, results[i]));
    const canRead = await this.readable(pageIds);
    return { canRead, canEdit: new Set(pageIds.filter((id) => this.edit.get(id))) };
  }
}

export function parsePageState(item: StoredItem | undefined): PageApproval | undefined {
  return item ? parseStored(pageApprovalSchema, item.key, item.value) : undefined;
}

export async function loadPageContext(
  ctx: EngineContext,
  caller: Caller,
  pageIds: string[],
  options: { expectedSpaceId?: string; chosenWorkflowId?: string } = {},
  cache: PageCache = new PageCache(ctx, caller.accountId),
): Promise<PageContext> {
  const pages = await cache.pages(pageIds);
  const found = pageIds.filter((id) => pages.has(id));
  const spaces = [...new Set(found.map((id) => pages.get(id)!.spaceId))];
  const [perms, stored, workflowLists] = await Promise.all([
    cache.permissions(found),
    getManyByKey(ctx.store, found.flatMap((id) => [keys.pageState(id), keys.assignment(id)])),
    Promise.all(spaces.map((s) => listSpaceWorkflows(ctx, s))),
  ]);
  const workflowsBySpace = new Map<string, Workflow[]>(spaces.map((s, i) => [s, workflowLists[i]]));

  const inputs = new Map<string, EligibilityInput>();
  const pageStateItems = new Map<string, StoredItem | undefined>();
  const groupMembers = new Map<string, string[]>();
  const neededGroups: string[] = [];
  for (const pageId of pageIds) {
    const page = pages.get(pageId);
    const stateItem = stored.get(keys.pageState(pageId));
    const assignItem = stored.get(keys.assignment(pageId));
    const spaceWorkflows = page ? (workflowsBySpace.get(page.spaceId) ?? []) : [];
    const assignment = assignItem ? parseStored(assignmentSchema, assignItem.key, assignItem.value) : undefined;
    const input: EligibilityInput = {
      callerId: caller.accountId,
      pageId,
      page,
      canRead: perms.canRead.has(pageId),
      canEdit: perms.canEdit.has(pageId),
      ...(options.expectedSpaceId !== undefined ? { expectedSpaceId: options.expectedSpaceId } : {}),
      latest: parsePageState(stateItem),
      assigned: assignment ? spaceWorkflows.find((w) => w.id === assignment.workflowId) : undefined,
      spaceWorkflows,
      ...(options.chosenWorkflowId !== undefined ? { chosenWorkflowId: options.chosenWorkflowId } : {}),
      groupMembers,
      now: ctx.clock.now(),
    };
    inputs.set(pageId, input);
    pageStateItems.set(pageId, stateItem);
    if (page) {
      const resolved = resolveWorkflow(page.spaceId, input.assigned, spaceWorkflows, options.chosenWorkflowId);
      if (resolved.ok) neededGroups.push(...groupsOfSteps(resolved.workflow.steps));
    }
  }
  await expandGroups(ctx, neededGroups, groupMembers);
  return { pages, inputs, pageStateItems, groupMembers };
}
