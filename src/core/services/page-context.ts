/**
 * Batched gathering of everything eligibility needs for N pages, so preflight and submit share one
 * code path and one cost: getPages once (⌈N/250⌉ calls), permission checks in parallel, page
 * states + assignments in ⌈2N/25⌉ parallel getMany calls, one workflow query per space, each
 * group's first page of members (group-listing.ts; more only while a page lacks eligible approvers),
 * and one users-bulk lookup (per 250 approvers) of the approvers' accounts.
 */
import type { Caller } from '../domain/caller';
import type { EligibilityInput } from '../domain/eligibility';
import { checkEligibility, resolveWorkflow } from '../domain/eligibility';
import { expandApprovers, groupsOfSteps } from '../domain/approvers';
import type { UnavailableCause } from '../domain/approver-availability';
import type { SodEditors } from '../domain/sod';
import { editorVersions, excludesEditors, SOD_VERSION_CAP } from '../domain/sod';
import type { SetApproval, Workflow, WorkflowStep } from '../domain/model';
import { loadPointedSets, resolveLatest, setOf } from './changesets/atomic/resolve';
import { assignmentSchema, pageStateSchema, parseStored } from '../domain/schemas';
import type { PageLatest } from '../domain/page-state';
import type { PageInfo } from '../ports/confluence';
import { PageCache } from './page-cache';
import { GroupListing, LISTED_MEMBERS } from './group-listing';
import type { StoredItem } from '../ports/store';
import type { EngineContext } from './context';
import { keys } from './keys';
import { readHoldingEpochs } from './submit-epoch';
import { getManyByKey } from './store-reads';
import { listSpaceWorkflows, spaceWorkflowsByKey } from './workflows/store';
import { pendingShardKeys, type ShardReads } from './approvals/pending-count';
import { accountUnavailability, coveredOn, delegateCovers, type DelegateCover } from './approver-availability';
import { rulesOf } from './routing/rules-store';
import { primeBridgeOn } from './automation/label-bridge-store';
import { rulesInOrder, type RoutingFacts, type RoutingRule } from '../domain/routing';

export interface PageContext {
  pages: Map<string, PageInfo>;
  inputs: Map<string, EligibilityInput>;
  /** stored page-state items (for the version condition of the submit transaction) */
  pageStateItems: Map<string, StoredItem | undefined>;
  /** stored assignment items (the workflow a submission resolves under) */
  assignmentItems: Map<string, StoredItem | undefined>;
  /** per space, its submit epoch as read with the assignments (the submit transaction is conditioned on it: submit-epoch.ts) */
  submitEpochs: Map<string, StoredItem | undefined>;
  /** SPEC 2.5a `set-member` pointers (a submit is conditioned on them) and the set approvals they name */
  memberItems: Map<string, StoredItem | undefined>;
  sets: Map<string, { item: StoredItem; set: SetApproval }>;
  /** the workflows' groups as far as eligibility needed them (a page of members, further only while a page lacks approvers) */
  groupMembers: Map<string, string[]>;
  listing: GroupListing;
  /** issue 19: approvers of the resolved workflows whose account is deactivated or gone */
  unavailable: Map<string, UnavailableCause>;
  /** the pending-count shards of `options.pendingShard`, for each workflow of the pages' spaces read by key */
  pendingShards: ShardReads;
}

/** SPEC 2.3a: the editors the workflow excludes, read as the caller (the submitter); beyond the cap, unverified without reading. */
async function readSodEditors(ctx: EngineContext, workflow: Workflow, page: PageInfo, latest: PageLatest | undefined): Promise<SodEditors> {
  const sod = workflow.sod;
  if (!excludesEditors(sod)) return { workflowId: workflow.id, editors: [], verified: true };
  const range = editorVersions(sod, page.version, latest?.status === 'approved' ? latest.pageVersion : undefined);
  if (range.upTo - range.after > SOD_VERSION_CAP) return { workflowId: workflow.id, editors: [], verified: false };
  const read = await ctx.confluence.pageVersionEditors(page.id, range.after, range.upTo);
  return { workflowId: workflow.id, ...read };
}

/** The page's latest approval as its page state keeps it (a summary: domain/page-state.ts). */
export function parsePageState(item: StoredItem | undefined): PageLatest | undefined {
  return item ? parseStored(pageStateSchema, item.key, item.value) : undefined;
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
async function readForPages(ctx: EngineContext, pageIds: string[], cache: PageCache, pendingShard: number | undefined, forSubmit: boolean) {
  // the edit checks (one call per page, most of a large submit's time) need no page info: they start
  // beside the batched read, queued behind it (the call gate is first come, first served)
  const pagesRead = cache.pages(pageIds);
  cache.startEditChecks(pageIds);
  const pages = await pagesRead;
  const found = pageIds.filter((id) => pages.has(id));
  const spaces = [...new Set([...pages.values()].map((p) => p.spaceId))];
  // the pages' state and each space's workflow count, rules and label bridge in one batched get (issue 23: fewer round trips)
  // a submission commits on its epochs and needs them held; a read-only answer (panel, preflight) does not pay for it
  const storedRead = (forSubmit ? readHoldingEpochs : (c: EngineContext, k: string[]) => getManyByKey(c.store, k))(ctx, [
    ...found.flatMap((id) => [keys.pageState(id), keys.assignment(id), keys.setMember(id)]),
    ...spaces.flatMap((s) => [keys.workflowCount(s), keys.routingRules(s), keys.labelBridge(s), keys.submitEpoch(s)]),
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
  /** replacing: an atomic submit may take over its set approval (SPEC 2.5a); pendingShard: the shard a submit writes; forSubmit: hold the epochs (readHoldingEpochs) */
  options: { expectedSpaceId?: string; chosenWorkflowId?: string; replacing?: string; pendingShard?: number; forSubmit?: boolean } = {},
  cache: PageCache = new PageCache(ctx, caller.accountId),
): Promise<PageContext> {
  const { pages, perms: permsRead, stored, workflowsBySpace, memberItems, sets, rulesBySpace, facts, shardReads } = await readForPages(ctx, pageIds, cache, options.pendingShard, options.forSubmit ?? false);

  const inputs = new Map<string, EligibilityInput>();
  const pageStateItems = new Map<string, StoredItem | undefined>();
  const assignmentItems = new Map<string, StoredItem | undefined>();
  const listing = new GroupListing(ctx);
  const groupMembers = listing.members;
  const unavailable = new Map<string, UnavailableCause>();
  const resolvedByPage = new Map<string, Workflow>();
  const neededSteps: WorkflowStep[] = [];
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
        neededSteps.push(...resolved.workflow.steps);
        resolvedByPage.set(pageId, resolved.workflow);
      }
      if (resolved.ok && excludesEditors(resolved.workflow.sod) && page.status === 'current') {
        sodReads.push(readSodEditors(ctx, resolved.workflow, page, input.latest).then((sod) => void inputs.set(pageId, { ...input, sod })));
      }
    }
  }
  await checkApproversAndRights(ctx, { listing, neededSteps, sodReads, permsRead, resolvedByPage, unavailable, inputs });
  const submitEpochs = new Map([...workflowsBySpace.keys()].map((s) => [s, stored.get(keys.submitEpoch(s))]));
  return { pages, inputs, pageStateItems, assignmentItems, submitEpochs, memberItems, sets, groupMembers, listing, unavailable, pendingShards: shardReads };
}

/**
 * The approvers' accounts are looked up while the edit checks still run (after the SoD reads, which
 * rewrite their inputs); then the rights go into every input, and groups are read on where a page lacks approvers.
 */
async function checkApproversAndRights(
  ctx: EngineContext,
  run: {
    listing: GroupListing;
    neededSteps: WorkflowStep[];
    sodReads: Promise<void>[];
    permsRead: Promise<{ canRead: ReadonlySet<string>; canEdit: ReadonlySet<string> }>;
    resolvedByPage: ReadonlyMap<string, Workflow>;
    unavailable: Map<string, UnavailableCause>;
    inputs: Map<string, EligibilityInput>;
  },
): Promise<void> {
  const { listing, resolvedByPage, unavailable, inputs } = run;
  const seen = { checked: new Set<string>(), cover: [] as DelegateCover[] };
  const approversRead = Promise.all([listing.readSteps(run.neededSteps), ...run.sodReads]).then(() => markUnavailableApprovers(ctx, resolvedByPage, listing.members, unavailable, inputs, seen));
  const [perms] = await Promise.all([run.permsRead, approversRead]);
  for (const [pageId, input] of inputs) inputs.set(pageId, { ...input, canRead: perms.canRead.has(pageId), canEdit: perms.canEdit.has(pageId) });
  await readOnWhileShort(ctx, listing, resolvedByPage, unavailable, inputs, seen);
}

/**
 * Eligibility needs only enough eligible approvers: the first page of each group usually has them
 * (markUnavailableApprovers checked its accounts). While a page would be refused
 * NO_ELIGIBLE_APPROVER and one of its groups was not read to the end, more of those groups is read
 * (and its accounts checked), so the answer is the one the whole list would give.
 */
async function readOnWhileShort(
  ctx: EngineContext,
  listing: GroupListing,
  resolvedByPage: ReadonlyMap<string, Workflow>,
  unavailable: Map<string, UnavailableCause>,
  inputs: Map<string, EligibilityInput>,
  seen: { checked: Set<string>; cover: DelegateCover[] },
): Promise<void> {
  // each round reads twice as many members as the last, so a group of n needs O(log n) rounds of account checks
  for (let count = LISTED_MEMBERS; ; count *= 2) {
    const short = [...resolvedByPage].filter(([pageId]) => {
      const input = inputs.get(pageId);
      const result = input ? checkEligibility(input) : undefined;
      return result !== undefined && !result.ok && result.code === 'NO_ELIGIBLE_APPROVER';
    });
    const cut = [...new Set(short.flatMap(([, wf]) => groupsOfSteps(wf.steps)))].filter(listing.isCut);
    if (cut.length === 0) return;
    await Promise.all(cut.map((g) => listing.more(g, count)));
    await markUnavailableApprovers(ctx, resolvedByPage, listing.members, unavailable, inputs, seen);
  }
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
  /** who was looked up and the covers found, kept across rounds so a person is looked up once */
  seen: { checked: Set<string>; cover: DelegateCover[] },
): Promise<void> {
  const workflows = new Map([...resolvedByPage.values()].map((wf) => [wf.id, wf]));
  const approvers = [...new Set([...workflows.values()].flatMap((wf) => wf.steps.flatMap((step) => expandApprovers(step, groupMembers))))].filter((p) => !seen.checked.has(p));
  for (const p of approvers) seen.checked.add(p);
  const fresh = await accountUnavailability(ctx, approvers);
  for (const [accountId, cause] of fresh) unavailable.set(accountId, cause);
  if (fresh.size > 0) seen.cover.push(...(await delegateCovers(ctx, fresh.keys(), [...resolvedByPage.keys()])));
  if (seen.cover.length === 0) return;
  for (const [pageId, wf] of resolvedByPage) {
    const covered = coveredOn(seen.cover, { pageId, spaceId: wf.spaceId, workflowId: wf.id });
    const input = inputs.get(pageId);
    if (covered.size > 0 && input) inputs.set(pageId, { ...input, unavailable: new Map([...unavailable].filter(([p]) => !covered.has(p))) });
  }
}
