/**
 * Batched gathering of everything eligibility needs for N pages, so preflight and submit share one
 * code path and one cost: getPages once (⌈N/250⌉ calls), permission checks in parallel, page
 * states + assignments in ⌈2N/25⌉ parallel getMany calls, one workflow query per space, each
 * group expanded once, and one users-bulk lookup (per 250 approvers) of the approvers' accounts.
 */
import type { Caller } from '../domain/caller';
import type { EligibilityInput } from '../domain/eligibility';
import { resolveWorkflow } from '../domain/eligibility';
import { expandApprovers, groupsOfSteps } from '../domain/approvers';
import type { UnavailableCause } from '../domain/approver-availability';
import type { SodEditors } from '../domain/sod';
import { editorVersions, excludesEditors, SOD_VERSION_CAP } from '../domain/sod';
import type { PageApproval, SetApproval, Workflow } from '../domain/model';
import { loadPointedSets, resolveLatest, setOf } from './changesets/atomic/resolve';
import { assignmentSchema, pageApprovalSchema, parseStored } from '../domain/schemas';
import type { PageInfo } from '../ports/confluence';
import { PageCache } from './page-cache';
import type { StoredItem } from '../ports/store';
import type { EngineContext } from './context';
import { getManyByKey } from './store-reads';
import { keys } from './keys';
import { listSpaceWorkflows, spaceWorkflowsByKey } from './workflows/store';
import { pendingShardKeys, type ShardReads } from './approvals/pending-count';
import { accountUnavailability, coveredOn, delegateCovers } from './approver-availability';
import { rulesOf } from './routing/rules-store';
import { primeBridgeOn } from './automation/label-bridge-store';
import { rulesInOrder, type RoutingFacts, type RoutingRule } from '../domain/routing';

export interface PageContext {
  pages: Map<string, PageInfo>;
  inputs: Map<string, EligibilityInput>;
  /** stored page-state items (for the version condition of the submit transaction) */
  pageStateItems: Map<string, StoredItem | undefined>;
  /** stored assignment items (the submit transaction is conditioned on them) */
  assignmentItems: Map<string, StoredItem | undefined>;
  /** SPEC 2.5a `set-member` pointers (a submit is conditioned on them) and the set approvals they name */
  memberItems: Map<string, StoredItem | undefined>;
  sets: Map<string, { item: StoredItem; set: SetApproval }>;
  groupMembers: Map<string, string[]>;
  /** issue 19: approvers of the resolved workflows whose account is deactivated or gone */
  unavailable: Map<string, UnavailableCause>;
  /** the pending-count shards of `options.pendingShard`, for each workflow of the pages' spaces read by key */
  pendingShards: ShardReads;
}

/** Fetch members of groups not yet in `cache`, in parallel. */
export async function expandGroups(ctx: EngineContext, groupIds: string[], cache: Map<string, string[]>): Promise<void> {
  const missing = [...new Set(groupIds)].filter((g) => !cache.has(g));
  const members = await Promise.all(missing.map(async (g) => [g, await ctx.confluence.getGroupMembers(g)] as const));
  for (const [g, ids] of members) cache.set(g, ids);
}

/** SPEC 2.3a: the editors the workflow excludes, read as the caller (the submitter); beyond the cap, unverified without reading. */
async function readSodEditors(ctx: EngineContext, workflow: Workflow, page: PageInfo, latest: PageApproval | undefined): Promise<SodEditors> {
  const sod = workflow.sod;
  if (!excludesEditors(sod)) return { workflowId: workflow.id, editors: [], verified: true };
  const range = editorVersions(sod, page.version, latest?.status === 'approved' ? latest.pageVersion : undefined);
  if (range.upTo - range.after > SOD_VERSION_CAP) return { workflowId: workflow.id, editors: [], verified: false };
  const read = await ctx.confluence.pageVersionEditors(page.id, range.after, range.upTo);
  return { workflowId: workflow.id, ...read };
}

export function parsePageState(item: StoredItem | undefined): PageApproval | undefined {
  return item ? parseStored(pageApprovalSchema, item.key, item.value) : undefined;
}

/**
 * Labels and ancestors, read as the caller (the engine's reader), of the pages routing rules may
 * decide: no assignment yet and a space with enabled rules. Absent from the map: could not be read.
 */
async function routingFactsOf(
  ctx: EngineContext,
  pageIds: string[],
  pages: Map<string, PageInfo>,
  rulesBySpace: Map<string, RoutingRule[]>,
  stored: Map<string, StoredItem>,
): Promise<Map<string, RoutingFacts>> {
  const needed = pageIds.filter((id) => {
    const page = pages.get(id);
    return page && (rulesBySpace.get(page.spaceId) ?? []).length > 0 && !stored.has(keys.assignment(id));
  });
  const read = await Promise.all(needed.map(async (id) => [id, await ctx.confluence.routingFacts(id)] as const));
  return new Map(read.flatMap(([id, f]) => (f ? [[id, f] as const] : [])));
}

/** Every read loadPageContext decides on, batched: pages and permissions as the caller, stored state, each space's workflows and rules, routing facts. */
async function readForPages(ctx: EngineContext, pageIds: string[], cache: PageCache, pendingShard?: number) {
  // the edit checks (one call per page, most of a large submit's time) need no page info: they start
  // beside the batched read, queued behind it (the call gate is first come, first served)
  const pagesRead = cache.pages(pageIds);
  cache.startEditChecks(pageIds);
  const pages = await pagesRead;
  const found = pageIds.filter((id) => pages.has(id));
  const spaces = [...new Set([...pages.values()].map((p) => p.spaceId))];
  // the pages' state and each space's workflow count, rules and label bridge in one batched get (issue 23: fewer round trips)
  const storedRead = getManyByKey(ctx.store, [
    ...found.flatMap((id) => [keys.pageState(id), keys.assignment(id), keys.setMember(id)]),
    ...spaces.flatMap((s) => [keys.workflowCount(s), keys.routingRules(s), keys.labelBridge(s)]),
  ]);
  // permissions are awaited last (loadPageContext): resolving workflows and expanding groups need none
  const perms = cache.permissions(found);
  perms.catch(() => undefined);
  const shardReads = new Map<string, StoredItem | undefined>();
  const [stored, workflowLists] = await Promise.all([storedRead, Promise.all(spaces.map(async (s) => [s, await spaceWorkflows(ctx, s, storedRead, shardReads, pendingShard)] as const))]);
  const workflowsBySpace = new Map<string, Workflow[]>(workflowLists);
  const memberItems = new Map(pageIds.map((id) => [id, stored.get(keys.setMember(id))]));
  const sets = await loadPointedSets(ctx, memberItems.values());
  const rulesBySpace = new Map(spaces.map((s) => [s, rulesInOrder(rulesOf(stored.get(keys.routingRules(s))).rules)]));
  for (const s of spaces) primeBridgeOn(ctx, s, stored.get(keys.labelBridge(s)));
  const facts = await routingFactsOf(ctx, found, pages, rulesBySpace, stored);
  return { pages, perms, stored, workflowsBySpace, memberItems, sets, rulesBySpace, facts, shardReads };
}

/**
 * A space's workflows by key from the ids its count key names, with the pending-count shards a
 * submit on `pendingShard` will write (issue 23: one batched read, no index query and no shard read
 * of its own); a space whose count key names no ids, or too many for one read, is listed by query.
 */
async function spaceWorkflows(ctx: EngineContext, spaceId: string, storedRead: Promise<Map<string, StoredItem>>, shardReads: Map<string, StoredItem | undefined>, pendingShard?: number): Promise<Workflow[]> {
  const countItem = (await storedRead).get(keys.workflowCount(spaceId));
  const byKey = await spaceWorkflowsByKey(ctx, countItem, pendingShard !== undefined ? (id) => pendingShardKeys([id], pendingShard) : undefined);
  if (!byKey) return listSpaceWorkflows(ctx, spaceId, Promise.resolve(countItem));
  for (const [key, item] of byKey.also) shardReads.set(key, item);
  return byKey.workflows;
}

export async function loadPageContext(
  ctx: EngineContext,
  caller: Caller,
  pageIds: string[],
  /** replacing: an atomic submit may take over its own set approval still being submitted (SPEC 2.5a); pendingShard: the shard a submit writes, read with the workflows */
  options: { expectedSpaceId?: string; chosenWorkflowId?: string; replacing?: string; pendingShard?: number } = {},
  cache: PageCache = new PageCache(ctx, caller.accountId),
): Promise<PageContext> {
  const { pages, perms: permsRead, stored, workflowsBySpace, memberItems, sets, rulesBySpace, facts, shardReads } = await readForPages(ctx, pageIds, cache, options.pendingShard);

  const inputs = new Map<string, EligibilityInput>();
  const pageStateItems = new Map<string, StoredItem | undefined>();
  const assignmentItems = new Map<string, StoredItem | undefined>();
  const groupMembers = new Map<string, string[]>();
  const unavailable = new Map<string, UnavailableCause>();
  const resolvedByPage = new Map<string, Workflow>();
  const neededGroups: string[] = [];
  const sodReads: Promise<void>[] = [];
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
      canRead: false,
      canEdit: false,
      ...(options.expectedSpaceId !== undefined ? { expectedSpaceId: options.expectedSpaceId } : {}),
      latest: resolveLatest(parsePageState(stateItem), setOf(memberItems.get(pageId), sets), pageId, ctx.clock.now(), { kind: 'lock', ...(options.replacing ? { replacing: options.replacing } : {}) }).latest,
      assigned: assignment ? spaceWorkflows.find((w) => w.id === assignment.workflowId) : undefined,
      spaceWorkflows,
      ...(options.chosenWorkflowId !== undefined ? { chosenWorkflowId: options.chosenWorkflowId } : {}),
      groupMembers,
      unavailable,
      now: ctx.clock.now(),
      ...(page && (rulesBySpace.get(page.spaceId) ?? []).length > 0 ? { routing: { rules: rulesBySpace.get(page.spaceId) ?? [], ...(facts.has(pageId) ? { facts: facts.get(pageId) } : {}) } } : {}),
    };
    inputs.set(pageId, input);
    pageStateItems.set(pageId, stateItem);
    assignmentItems.set(pageId, assignItem);
    if (page) {
      const resolved = resolveWorkflow(page.spaceId, input.assigned, spaceWorkflows, options.chosenWorkflowId, input.routing);
      if (resolved.ok) {
        neededGroups.push(...groupsOfSteps(resolved.workflow.steps));
        resolvedByPage.set(pageId, resolved.workflow);
      }
      if (resolved.ok && excludesEditors(resolved.workflow.sod) && page.status === 'current') {
        sodReads.push(readSodEditors(ctx, resolved.workflow, page, input.latest).then((sod) => void inputs.set(pageId, { ...input, sod })));
      }
    }
  }
  // approvers' accounts are looked up while the edit checks still run (after the SoD reads, which rewrite their inputs)
  const approversRead = Promise.all([expandGroups(ctx, neededGroups, groupMembers), ...sodReads]).then(() => markUnavailableApprovers(ctx, resolvedByPage, groupMembers, unavailable, inputs));
  const [perms] = await Promise.all([permsRead, approversRead]);
  for (const [pageId, input] of inputs) inputs.set(pageId, { ...input, canRead: perms.canRead.has(pageId), canEdit: perms.canEdit.has(pageId) });
  return { pages, inputs, pageStateItems, assignmentItems, memberItems, sets, groupMembers, unavailable, pendingShards: shardReads };
}

/**
 * One batched account lookup for every approver in play (the inputs share `unavailable`); then, SPEC 2.3b,
 * where an active, able delegate covers an unavailable approver, that page's input counts them.
 */
async function markUnavailableApprovers(
  ctx: EngineContext,
  resolvedByPage: ReadonlyMap<string, Workflow>,
  groupMembers: ReadonlyMap<string, string[]>,
  unavailable: Map<string, UnavailableCause>,
  inputs: Map<string, EligibilityInput>,
): Promise<void> {
  const workflows = new Map([...resolvedByPage.values()].map((wf) => [wf.id, wf]));
  const approvers = [...workflows.values()].flatMap((wf) => wf.steps.flatMap((step) => expandApprovers(step, groupMembers)));
  for (const [accountId, cause] of await accountUnavailability(ctx, approvers)) unavailable.set(accountId, cause);
  if (unavailable.size === 0) return;
  const cover = await delegateCovers(ctx, unavailable.keys(), [...resolvedByPage.keys()]);
  for (const [pageId, wf] of resolvedByPage) {
    const covered = coveredOn(cover, { pageId, spaceId: wf.spaceId, workflowId: wf.id });
    const input = inputs.get(pageId);
    if (covered.size > 0 && input) inputs.set(pageId, { ...input, unavailable: new Map([...unavailable].filter(([p]) => !covered.has(p))) });
  }
}
