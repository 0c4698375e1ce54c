/**
 * An atomic change set's approval in evidence (SPEC 5a, audit B5). Its records (changeset.submitted,
 * .decided, .approved|rejected|invalidated, and the pinned-page approval.stale) are the set's, keyed by
 * its change set and naming the set approval in `details.setApprovalId`; the submit names the pinned
 * pages in `details.manifest` ("pageId@version"). So a `set_…` approval id resolves through the set
 * approval, and a page's pack adds the records of the set approvals that pinned it, found through the
 * page's `set-member` pointer (pinnedPageReads).
 */
import type { Caller } from '../domain/caller';
import type { AuditFilter, AuditRecord } from '../domain/model';
import { parseStored, setApprovalSchema, setMemberSchema } from '../domain/schemas';
import type { SpaceAccess } from '../services/access';
import { approvalNotFound } from '../services/approvals/records';
import type { EngineContext } from '../services/context';
import { denial } from '../services/denials';
import { keys } from '../services/keys';
import { getManyByKey } from '../services/store-reads';

/** One audit read of a pack's scope: the filter, and which of the records it lists the pack holds. */
export interface ScopeRead {
  filter: AuditFilter;
  select: (records: AuditRecord[]) => AuditRecord[];
}

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

/**
 * Reads that add, to a page's own records, those of the set approvals that pinned it and still mean
 * something: the ones its `set-member` pointer names (the newest, and up to SET_MEMBER_EARLIER decided
 * earlier ones). Bounded whatever the number of change sets the page is in (one pointer read, one
 * batched read, one audit read per change set named); a voided set approval's records are in its
 * change set's pack.
 */
export async function pinnedPageReads(ctx: EngineContext, pageId: string): Promise<ScopeRead[]> {
  const pointer = await ctx.store.get(keys.setMember(pageId));
  if (!pointer) return [];
  const member = parseStored(setMemberSchema, pointer.key, pointer.value);
  const sets = await getManyByKey(ctx.store, [member.setApprovalId, ...(member.earlier ?? [])].map(keys.setApproval));
  const byChangeSet = new Map<string, Set<string>>();
  for (const item of sets.values()) {
    const set = parseStored(setApprovalSchema, item.key, item.value);
    byChangeSet.set(set.changeSetId, (byChangeSet.get(set.changeSetId) ?? new Set()).add(set.id));
  }
  return [...byChangeSet].map(([changeSetId, ids]) => ({ filter: { changeSetId }, select: (records) => records.filter((r) => ids.has(setApprovalIdOf(r) as string)) }));
}
