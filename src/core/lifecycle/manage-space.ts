/**
 * Manage space (SPEC 2.9), space admins only: the page tree one level at a time (read as the admin,
 * so Confluence's restrictions apply), each page's approval state, review state, workflow and last
 * state change; and "clear assignment", which removes the page's explicit workflow and resets its
 * lifecycle to `draft` in one audited transaction (history and audit records are kept).
 * Change assignment and reset approval state are the existing `assignment.set` / reset use cases.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { resolveWorkflow } from '../domain/eligibility';
import type { ApprovalStatus, PageApprovalState, ReviewState, Staleness } from '../domain/model';
import type { PageLatest } from '../domain/page-state';
import type { UnavailableApprover } from '../domain/approver-availability';
import { derivePageState } from '../domain/page-state';
import { assignmentSchema, parseStored } from '../domain/schemas';
import type { PageInfo } from '../ports/confluence';
import type { TreeParent } from '../ports/lifecycle-confluence';
import type { TxOp } from '../ports/store';
import { cancelledWithStateOps } from '../services/approvals/records';
import type { EngineContext } from '../services/context';
import { auditEntry, commitWithAudit } from '../services/commit';
import { denial } from '../services/denials';
import { withRetry } from '../services/retry';
import { getManyByKey } from '../services/store-reads';
import { keys } from '../services/keys';
import { epochBump } from '../services/submit-epoch';
import { listSpaceWorkflows } from '../services/workflows/store';
import { parsePageState } from '../services/page-context';
import { stalenessOfMany } from '../services/staleness/evaluate';
import { DISPLAY, loadPointedSets, resolveLatest, setOf } from '../services/changesets/atomic/resolve';
import { lcKeys } from '../records/lifecycle-keys';
import { deriveReview } from '../domain/review';
import { stuckFlagSchema } from '../records/lifecycle-schemas';
import { defineOperation } from '../services/operation';
import { ruleOfSource } from '../domain/routing';
import { driftMarkerSchema } from '../services/routing/record-drift';
import type { StoredItem } from '../ports/store';

export interface TreeRow {
  id: string;
  type: 'page' | 'folder';
  title: string;
  /** pages only (folders carry no approval) */
  approval?: {
    state: PageApprovalState;
    /** staleness.stale */
    isStale: boolean;
    versionDelta: number;
    /** SPEC 2.4a, as in /pages/status */
    staleness: Staleness;
    reviewState: ReviewState | null;
    reviewDueAt: number | null;
    approvalId: string | null;
    /** the page's explicit assignment, else the workflow a submit would use; null when none applies */
    /**
     * `boundByRule`: a routing rule made the assignment (SPEC 2.2a); `drift`: the label/move events
     * recorded that this rule would no longer route the page (it stays on its workflow)
     */
    workflow: { id: string; name: string; explicit: boolean; boundByRule: boolean; drift: boolean } | null;
    lastChange: { at: number; status: ApprovalStatus } | null;
    /** the daily job found the pending approval's active step can no longer complete (set only then) */
    stuck?: ManageStuck;
  };
}

const forbidden = (): DomainError => new DomainError('FORBIDDEN', 'Only a space admin can manage the pages of this space.');
const pageNotFound = (): DomainError => new DomainError('PAGE_NOT_FOUND', 'Page not found.');

async function requireSpaceAdmin(ctx: EngineContext, caller: Caller, spaceId: string, operation: string, pageId?: string): Promise<void> {
  if (await ctx.confluence.isSpaceAdmin(caller.accountId, spaceId)) return;
  throw await denial(ctx, caller, forbidden(), spaceId, { operation, ...(pageId ? { pageId } : {}) });
}

function lastChangeOf(latest: PageLatest | undefined): { at: number; status: ApprovalStatus } | null {
  return latest ? { at: latest.decidedAt ?? latest.submittedAt, status: latest.status } : null;
}

export const spaceTree = defineOperation({
  rights: 'A space admin (FORBIDDEN 403, audited).',
  async execute(
    ctx: EngineContext,
    caller: Caller,
    input: { spaceId: string; parent?: { kind: 'page' | 'folder'; id: string }; cursor?: string },
  ): Promise<{ items: TreeRow[]; nextCursor?: string }> {
    await requireSpaceAdmin(ctx, caller, input.spaceId, 'space.tree');
    const parent: TreeParent = input.parent ?? { kind: 'space', spaceId: input.spaceId };
    const level = await ctx.confluence.listChildren(caller.accountId, parent, input.cursor);
    const pageIds = level.items.filter((i) => i.type === 'page').map((i) => i.id);
    const [pages, stored, workflows] = await Promise.all([
      pageIds.length > 0 ? ctx.confluence.getPages(pageIds) : Promise.resolve(new Map<string, PageInfo>()),
      getManyByKey(ctx.store, pageIds.flatMap((id) => [keys.pageState(id), keys.assignment(id), keys.setMember(id), keys.routingDrift(id)])),
      listSpaceWorkflows(ctx, input.spaceId),
    ]);
    const now = ctx.clock.now();
    const stuck = await stuckFlags(ctx, pageIds.flatMap((id) => parsePageState(stored.get(keys.pageState(id))) ?? []));
    // a page of an atomic change set takes its state from the set approval (SPEC 2.5a), as in /pages/status
    const pointed = await loadPointedSets(ctx, pageIds.map((id) => stored.get(keys.setMember(id))));
    const shown = pageIds.filter((id) => pages.get(id)?.spaceId === input.spaceId); // only this space's pages are managed here
    const latestOf = new Map(shown.map((id) => [id, resolveLatest(parsePageState(stored.get(keys.pageState(id))), setOf(stored.get(keys.setMember(id)), pointed), id, now, DISPLAY).latest]));
    // SPEC 2.4a with the status builder: a cached hash costs a store read, only a missing one a Confluence read (5 in flight)
    const staleness = await stalenessOfMany(ctx, shown.map((id) => ({ latest: latestOf.get(id), currentVersion: pages.get(id)!.version })));
    const stalenessById = new Map(shown.map((id, i) => [id, staleness[i]!]));
    const items: TreeRow[] = [];
    for (const node of level.items) {
      if (node.type === 'folder') {
        items.push({ id: node.id, type: 'folder', title: node.title });
        continue;
      }
      const page = pages.get(node.id);
      const pageStaleness = stalenessById.get(node.id);
      if (!page || !pageStaleness) continue;
      const assignItem = stored.get(keys.assignment(node.id));
      const latest = latestOf.get(node.id);
      const assignment = assignItem ? parseStored(assignmentSchema, assignItem.key, assignItem.value) : undefined;
      const assigned = assignment ? workflows.find((w) => w.id === assignment.workflowId) : undefined;
      const resolved = resolveWorkflow(input.spaceId, assigned, workflows);
      const wf = assigned ?? (resolved.ok ? resolved.workflow : undefined);
      const boundByRule = assigned !== undefined && ruleOfSource(assignment?.source) !== undefined;
      const derived = derivePageState(latest, page.version);
      items.push({
        id: node.id,
        type: 'page',
        title: page.title,
        approval: {
          state: derived.state,
          isStale: pageStaleness.stale,
          versionDelta: derived.versionDelta,
          staleness: pageStaleness,
          ...deriveReview(latest, now),
          approvalId: latest?.id ?? null,
          workflow: wf ? { id: wf.id, name: wf.name, explicit: assigned !== undefined, boundByRule, drift: boundByRule && driftRecorded(stored.get(keys.routingDrift(node.id)), assignment) } : null,
          lastChange: lastChangeOf(latest),
          ...(latest && stuck.has(latest.id) ? { stuck: stuck.get(latest.id) } : {}),
        },
      });
    }
    return { items, ...(level.nextCursor ? { nextCursor: level.nextCursor } : {}) };
  },
});

/** A stuck flag as manage space shows it: since when, which step (1-based), the groups left short, and who can no longer approve (issue 19). */
export interface ManageStuck {
  since: number;
  step: number;
  groups: string[];
  unavailable?: UnavailableApprover[];
}

/** Stuck flags of the pending approvals among `latest` that are still about their active step (one batched read). */
async function stuckFlags(ctx: EngineContext, latest: PageLatest[]): Promise<Map<string, ManageStuck>> {
  const pending = latest.filter((a) => a.status === 'pending');
  const found = new Map<string, ManageStuck>();
  if (pending.length === 0) return found;
  const flags = await getManyByKey(ctx.store, pending.map((a) => lcKeys.stuck(a.id)));
  for (const a of pending) {
    const item = flags.get(lcKeys.stuck(a.id));
    const flag = item ? parseStored(stuckFlagSchema, item.key, item.value) : undefined;
    if (!flag || flag.step !== a.activeStep) continue;
    const unavailable = flag.groups.flatMap((g) => g.unavailable ?? []).filter((u, i, all) => all.findIndex((o) => o.accountId === u.accountId) === i);
    found.set(a.id, { since: flag.since, step: flag.step + 1, groups: flag.groups.map((g) => g.group), ...(unavailable.length > 0 ? { unavailable } : {}) });
  }
  return found;
}

/** Removes the explicit assignment and resets the page to `draft` (a pending approval is cancelled), atomically, audited. */
export const clearAssignment = defineOperation({
  rights: 'A space admin of the page (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller, pageId: string): Promise<void> {
    const page = (await ctx.confluence.getPages([pageId])).get(pageId);
    if (!page || !(await ctx.confluence.checkPagePermission(caller.accountId, pageId, 'read'))) throw pageNotFound();
    await requireSpaceAdmin(ctx, caller, page.spaceId, 'assignment.clear', pageId);
    await withRetry(ctx, async () => {
      const got = await getManyByKey(ctx.store, [keys.assignment(pageId), keys.pageState(pageId), keys.submitEpoch(page.spaceId)]);
      const assignItem = got.get(keys.assignment(pageId));
      const stateItem = got.get(keys.pageState(pageId));
      if (!assignItem && !stateItem) return;
      const assignment = assignItem ? parseStored(assignmentSchema, assignItem.key, assignItem.value) : undefined;
      const latest = parsePageState(stateItem);
      const ops: TxOp[] = [];
      // like every assignment change, the clear moves the space's submit epoch: a submission planned on the old assignment fails on it
      if (assignItem) ops.push({ op: 'delete', key: assignItem.key, condition: { kind: 'version', version: assignItem.version } }, epochBump(ctx, page.spaceId, got.get(keys.submitEpoch(page.spaceId))));
      if (stateItem) ops.push({ op: 'delete', key: stateItem.key, condition: { kind: 'version', version: stateItem.version } });
      if (latest?.status === 'pending') ops.push(...(await cancelledWithStateOps(ctx, latest)));
      await commitWithAudit(ctx, ops, [
        auditEntry(caller, 'assignment.cleared', page.spaceId, {
          pageId,
          ...(assignment ? { workflowId: assignment.workflowId } : {}),
          ...(latest ? { approvalId: latest.id, pageVersion: latest.pageVersion } : {}),
          details: { from: assignment?.workflowId ?? null, previousStatus: latest?.status ?? null },
        }),
      ]);
    });
  },
});

/** A drift marker counts only for the assignment it was recorded against (a re-assignment supersedes it). */
function driftRecorded(marker: StoredItem | undefined, assignment: { workflowId: string } | undefined): boolean {
  if (!marker || !assignment) return false;
  return parseStored(driftMarkerSchema, marker.key, marker.value).workflowId === assignment.workflowId;
}
