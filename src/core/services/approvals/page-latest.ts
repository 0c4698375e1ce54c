/**
 * The approval that decides a page's state, as `/pages/status` shows it: the newer of the page's own
 * latest approval (with its in-flight workflow adoption) and the atomic set approval that pins it.
 * Shared by the status read and the Automation label bridge, so both derive the same state.
 */
import type { PageApproval } from '../../domain/model';
import type { EngineContext } from '../context';
import { getManyByKey } from '../store-reads';
import { keys } from '../keys';
import { parsePageState } from '../page-context';
import { effectiveApproval } from './records';
import { wholeApprovals } from './stored';
import { DISPLAY, loadPointedSets, resolveLatest, setOf } from '../changesets/atomic/resolve';

/** What readPageLatest resolves (not the page-state summary, domain/page-state.ts PageLatest). */
interface ResolvedPageLatest {
  latest?: PageApproval;
  approvedVia?: { changeSetId: string; setApprovalId: string };
}

export async function readPageLatest(ctx: EngineContext, pageId: string): Promise<ResolvedPageLatest> {
  const items = await getManyByKey(ctx.store, [keys.pageState(pageId), keys.setMember(pageId)]);
  const memberItem = items.get(keys.setMember(pageId));
  const own = parsePageState(items.get(keys.pageState(pageId)));
  // the page state is a summary: the whole approval is read beside the pinning set (issue 23 item 4)
  const [pointed, [whole]] = await Promise.all([loadPointedSets(ctx, [memberItem]), wholeApprovals(ctx, own ? [own] : [])]);
  const resolved = resolveLatest(whole, setOf(memberItem, pointed), pageId, ctx.clock.now(), DISPLAY);
  const stored = resolved.latest;
  const latest = stored && !resolved.approvedVia ? (await effectiveApproval(ctx, stored)).approval : stored;
  return { ...(latest ? { latest } : {}), ...(resolved.approvedVia ? { approvedVia: resolved.approvedVia } : {}) };
}
