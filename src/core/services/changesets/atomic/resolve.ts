/**
 * SPEC 2.5a: a page of an atomic change set takes its state from the set approval, through its
 * `set-member` pointer, so the set's final decision is ONE write whatever the page count. Readers
 * resolve the page's latest approval here: the newer of its own latest approval and the newest set
 * approval that pinned it and still means something (a voided one falls back to the earlier set
 * approval the pointer remembers: Audit A#2), shown as a PageApproval of that page (id = set id).
 */
import type { PageApproval, SetApproval } from '../../../domain/model';
import type { PageLatest } from '../../../domain/page-state';
import { parseStored, SET_MEMBER_EARLIER, setApprovalSchema, setMemberSchema } from '../../../domain/schemas';
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

/** `sets`: the page's pinning set approvals, newest first (setOf); the first that means something now counts. */
export function resolveLatest<T extends PageLatest>(own: T | undefined, sets: readonly SetApproval[], pageId: string, now: number, mode: ResolveMode): ResolvedLatest<T> {
  const set = sets.find((s) => effectiveSetStatus(s, now, mode) !== undefined);
  const status = set ? effectiveSetStatus(set, now, mode) : undefined;
  if (!set || !status || (own && own.submittedAt > set.submittedAt)) return { latest: own };
  const latest = asPageApproval(set, pageId, status);
  if (!latest) return { latest: own };
  return { latest, approvedVia: { changeSetId: set.changeSetId, setApprovalId: set.id } };
}

/** Set approvals the given `set-member` pointers name (the newest and the earlier one that counts; with `all`, every earlier one), in one batched read. */
export async function loadPointedSets(ctx: EngineContext, memberItems: Iterable<StoredItem | undefined>, all = false): Promise<Map<string, { item: StoredItem; set: SetApproval }>> {
  const ids = new Set<string>();
  for (const item of memberItems) if (item) for (const setId of pointedIds(item).slice(0, all ? undefined : 2)) ids.add(setId);
  if (ids.size === 0) return new Map();
  const got = await getManyByKey(ctx.store, [...ids].map(keys.setApproval));
  const out = new Map<string, { item: StoredItem; set: SetApproval }>();
  for (const item of got.values()) {
    const set = parseStored(setApprovalSchema, item.key, item.value);
    out.set(set.id, { item, set });
  }
  return out;
}

/** The set approval ids a pointer names, newest first. */
function pointedIds(memberItem: StoredItem): string[] {
  const member = parseStored(setMemberSchema, memberItem.key, memberItem.value);
  return [member.setApprovalId, ...(member.earlier ?? [])];
}

/** The set approvals a page's pointer names, newest first, from sets loaded with loadPointedSets. */
export function setOf(memberItem: StoredItem | undefined, sets: Map<string, { set: SetApproval }>): SetApproval[] {
  if (!memberItem) return [];
  return pointedIds(memberItem).flatMap((id) => sets.get(id)?.set ?? []);
}

/**
 * The `earlier` list of the pointer a new set approval writes: the replaced set approval when it
 * still means something (decided; a voided or dead one does not), then what the old pointer kept.
 */
export function earlierSets(memberItem: StoredItem | undefined, sets: Map<string, { set: SetApproval }>, now: number): string[] {
  if (!memberItem) return [];
  const [current, ...earlier] = pointedIds(memberItem);
  const replaced = current === undefined ? undefined : sets.get(current)?.set;
  const keep = replaced && effectiveSetStatus(replaced, now, DISPLAY) !== undefined ? [replaced.id] : [];
  return [...keep, ...earlier].slice(0, SET_MEMBER_EARLIER);
}
