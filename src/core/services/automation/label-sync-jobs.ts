/**
 * When the Automation label bridge runs (SPEC 3a): after any committed change whose audit records say
 * a page may have moved between the bridge's states (submitted, finally approved, rejected,
 * cancelled or reset, stale or fresh again, an atomic set's submit and final decision), and only in a space
 * whose bridge is on (one store read per space and invocation). Hooked where every audited change commits
 * (commit.ts), so no path that moves a page can forget its labels.
 */
import type { AuditEntry } from '../../audit';
import type { AuditAction } from '../../domain/model';
import type { Job } from '../../ports/jobs';
import type { EngineContext } from '../context';
import { bridgeOnOnce } from './label-bridge-store';

const PAGE_STATE_ACTIONS: ReadonlySet<AuditAction> = new Set(['approval.submitted', 'approval.rejected', 'approval.cancelled', 'approval.reset', 'approval.stale', 'approval.fresh_again']);

/** Atomic set records that move every pinned page: its submit (into review) and its final decision; each names its manifest (`pageId@version`). */
const SET_ACTIONS: ReadonlySet<AuditAction> = new Set(['changeset.submitted', 'changeset.approved', 'changeset.rejected']);

/** The pages (by space) an entry may have moved: `approval.approved` only as the final approval. */
export function pagesMovedBy(entries: readonly AuditEntry[]): Map<string, Set<string>> {
  const bySpace = new Map<string, Set<string>>();
  const add = (spaceId: string, pageId: string) => bySpace.set(spaceId, (bySpace.get(spaceId) ?? new Set()).add(pageId));
  for (const e of entries) {
    if (e.pageId !== undefined && (PAGE_STATE_ACTIONS.has(e.action) || (e.action === 'approval.approved' && e.details.status === 'approved'))) add(e.spaceId, e.pageId);
    if (SET_ACTIONS.has(e.action) && Array.isArray(e.details.manifest)) {
      for (const pin of e.details.manifest) {
        const pageId = typeof pin === 'string' ? /^(\d{1,19})@/.exec(pin)?.[1] : undefined;
        if (pageId !== undefined) add(e.spaceId, pageId);
      }
    }
  }
  return bySpace;
}

/** After the commit of `entries`: a `labels.sync` per moved page of a space with the bridge on. Never fails the committed change. */
export async function labelSyncJobs(ctx: EngineContext, entries: readonly AuditEntry[]): Promise<Job[]> {
  const moved = pagesMovedBy(entries);
  if (moved.size === 0) return [];
  const jobs: Job[] = [];
  try {
    for (const [spaceId, pageIds] of moved) {
      if (await bridgeOnOnce(ctx, spaceId)) jobs.push(...[...pageIds].map((pageId) => ({ kind: 'labels.sync' as const, pageId })));
    }
  } catch {
    ctx.log('label bridge: could not read the setting', { spaces: moved.size });
    return [];
  }
  return jobs;
}
