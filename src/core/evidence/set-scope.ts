/**
 * An atomic change set's approval in evidence (SPEC 5a, audit B5). Its records (changeset.submitted,
 * .decided, .approved|rejected|invalidated, and the pinned-page approval.stale) are the set's, keyed by
 * its change set and naming the set approval in `details.setApprovalId`; the submit names the pinned
 * pages in `details.manifest` ("pageId@version"). So a `set_…` approval id resolves through the set
 * approval, and a page's pack adds the records of every set approval that pinned it, found through the
 * page's change-set membership entries (every change set that lists or once listed it).
 */
import type { Caller } from '../domain/caller';
import type { AuditFilter, AuditRecord } from '../domain/model';
import { parseStored, setApprovalSchema } from '../domain/schemas';
import { STORE_LIMITS } from '../ports/store';
import type { SpaceAccess } from '../services/access';
import { approvalNotFound } from '../services/approvals/records';
import { membershipSchema } from '../services/changesets/store';
import type { EngineContext } from '../services/context';
import { denial } from '../services/denials';
import { keys } from '../services/keys';

/** One audit read of a pack's scope: the filter, and which of the records it lists the pack holds. */
export interface ScopeRead {
  filter: AuditFilter;
  select: (records: AuditRecord[]) => AuditRecord[];
}

/** Change sets one page's pack looks through at most (its membership entries, 100 a query). */
const MAX_SETS_OF_PAGE = 1000;

const setApprovalIdOf = (r: AuditRecord): unknown => r.details.setApprovalId;

/** The records of one set approval among a change set's. */
const ofSetApproval = (setApprovalId: string) => (records: AuditRecord[]) => records.filter((r) => setApprovalIdOf(r) === setApprovalId);

/** A `set_…` approval id as a scope, if the caller can view its space (else like a missing approval, audited); undefined when no such set approval exists. */
export async function setApprovalScope(ctx: EngineContext, caller: Caller, access: SpaceAccess, setApprovalId: string, operation: string): Promise<{ spaceId: string; read: ScopeRead } | undefined> {
  const item = await ctx.store.get(keys.setApproval(setApprovalId));
  if (!item) return undefined;
  const set = parseStored(setApprovalSchema, item.key, item.value);
  if (!(await access.canView(set.spaceId))) throw await denial(ctx, caller, approvalNotFound(), set.spaceId, { operation, changeSetId: set.changeSetId });
  return { spaceId: set.spaceId, read: { filter: { changeSetId: set.changeSetId }, select: ofSetApproval(set.id) } };
}

/** The records of the set approvals that pinned this page: those whose submit's manifest names it. */
function pinnedPageRecords(pageId: string) {
  return (records: AuditRecord[]): AuditRecord[] => {
    const pinned = new Set(
      records
        .filter((r) => r.action === 'changeset.submitted' && Array.isArray(r.details.manifest) && r.details.manifest.some((m) => typeof m === 'string' && m.startsWith(`${pageId}@`)))
        .map(setApprovalIdOf),
    );
    return records.filter((r) => typeof setApprovalIdOf(r) === 'string' && pinned.has(setApprovalIdOf(r)));
  };
}

/** Reads that add, to a page's own records, those of the atomic set approvals that pinned it. */
export async function pinnedPageReads(ctx: EngineContext, pageId: string): Promise<ScopeRead[]> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await ctx.store.query({ prefix: keys.changeSetOfPagePrefix(pageId), limit: STORE_LIMITS.maxQueryLimit, ...(cursor ? { cursor } : {}) });
    for (const item of page.items) ids.add(parseStored(membershipSchema, item.key, item.value).changeSetId);
    cursor = ids.size < MAX_SETS_OF_PAGE ? page.nextCursor : undefined;
  } while (cursor);
  return [...ids].map((changeSetId) => ({ filter: { changeSetId }, select: pinnedPageRecords(pageId) }));
}
