/**
 * SPEC 2.5a: a page of an atomic change set takes its state from the set approval, through its
 * `set-member` pointer, so the set's final decision is ONE write whatever the page count. Readers
 * resolve the page's latest approval here: the newer of its own latest approval and the set
 * approval that pinned it, the latter shown as a PageApproval of that page (id = set approval id).
 */
import type { PageApproval, SetApproval } from '../../../domain/model';
import type { PageLatest } from '../../../domain/page-state';
import { parseStored, setApprovalSchema, setMemberSchema } from '../../../domain/schemas';
import type { StoredItem } from '../../../ports/store';
import type { EngineContext } from '../../context';
import { keys } from '../../keys';
import { getManyByKey } from '../../store-reads';

/**
 * How a reader uses the resolution: `display` (status, enrichment) shows a set still being
 * submitted as nothing, so a crashed or running submit never shows some pages pinned and others
 * not; `lock` (eligibility, submit) treats a live one as pending, so nothing else is submitted
 * under it, except by a new submit of the same change set (`replacing`), which takes it over.
 */
export type ResolveMode = { kind: 'display' } | { kind: 'lock'; replacing?: string };

export const DISPLAY: ResolveMode = { kind: 'display' };
export const LOCK: ResolveMode = { kind: 'lock' };

/** What a set approval means for its pages now: a dead submit or an invalidated review means nothing. */
export function effectiveSetStatus(set: SetApproval, now: number, mode: ResolveMode): PageApproval['status'] | undefined {
  if (set.status === 'submitting') return mode.kind === 'lock' && mode.replacing !== set.changeSetId && now < set.submitDeadline ? 'pending' : undefined;
  if (set.status === 'invalidated') return undefined;
  return set.status;
}

export function asPageApproval(set: SetApproval, pageId: string, status: PageApproval['status']): PageApproval | undefined {
  const pinned = set.manifest.find((m) => m.pageId === pageId);
  if (!pinned) return undefined;
  return {
    id: set.id,
    pageId,
    spaceId: set.spaceId,
    pageVersion: pinned.pageVersion,
    workflowId: set.workflowId,
    workflowSnapshot: set.workflowSnapshot,
    status,
    activeStep: set.activeStep,
    decisions: set.decisions,
    submittedBy: set.submittedBy,
    submittedAt: set.submittedAt,
    source: set.source,
    ...(set.clientId ? { clientId: set.clientId } : {}),
    changeSetId: set.changeSetId,
    ...(set.decidedAt !== undefined ? { decidedAt: set.decidedAt } : {}),
    ...(pinned.contentHash ? { contentHash: pinned.contentHash, hashAlg: 'v1' as const } : {}),
    version: set.version,
  };
}

export interface ResolvedLatest<T extends PageLatest = PageLatest> {
  /** a set approval's is whole; a page's own is what the reader passed (its page state's summary, or the whole approval) */
  latest: T | PageApproval | undefined;
  approvedVia?: { changeSetId: string; setApprovalId: string };
}

export function resolveLatest<T extends PageLatest>(own: T | undefined, set: SetApproval | undefined, pageId: string, now: number, mode: ResolveMode): ResolvedLatest<T> {
  const status = set ? effectiveSetStatus(set, now, mode) : undefined;
  if (!set || !status || (own && own.submittedAt > set.submittedAt)) return { latest: own };
  const latest = asPageApproval(set, pageId, status);
  if (!latest) return { latest: own };
  return { latest, approvedVia: { changeSetId: set.changeSetId, setApprovalId: set.id } };
}

/** Set approvals the given `set-member` pointers name, in one batched read (none when no pointer exists). */
export async function loadPointedSets(ctx: EngineContext, memberItems: Iterable<StoredItem | undefined>): Promise<Map<string, { item: StoredItem; set: SetApproval }>> {
  const ids = new Set<string>();
  for (const item of memberItems) if (item) ids.add(parseStored(setMemberSchema, item.key, item.value).setApprovalId);
  if (ids.size === 0) return new Map();
  const got = await getManyByKey(ctx.store, [...ids].map(keys.setApproval));
  const out = new Map<string, { item: StoredItem; set: SetApproval }>();
  for (const item of got.values()) {
    const set = parseStored(setApprovalSchema, item.key, item.value);
    out.set(set.id, { item, set });
  }
  return out;
}

/** The set approval a page's pointer names, from sets loaded with loadPointedSets. */
export function setOf(memberItem: StoredItem | undefined, sets: Map<string, { set: SetApproval }>): SetApproval | undefined {
  if (!memberItem) return undefined;
  return sets.get(parseStored(setMemberSchema, memberItem.key, memberItem.value).setApprovalId)?.set;
}
