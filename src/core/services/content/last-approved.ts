/** The page's last approved approval: the latest one when approved, else the newest approved in its recent history. */
import type { PageLatest } from '../../domain/page-state';
import type { EngineContext } from '../context';
import { approvalIndex, keys } from '../keys';
import { parsePageState } from '../page-context';
import { approvalsOfItems } from '../approvals/stored';

/** How far back a resubmitted page's history is searched for its last approval. */
const HISTORY_DEPTH = 20;

export async function lastApproved(ctx: EngineContext, pageId: string): Promise<PageLatest | undefined> {
  const latest = parsePageState(await ctx.store.get(keys.pageState(pageId)));
  if (!latest || latest.status === 'approved') return latest?.status === 'approved' ? latest : undefined;
  const refs = await ctx.store.queryEntity({ ...approvalIndex.history(pageId), order: 'desc', limit: HISTORY_DEPTH });
  return (await approvalsOfItems(ctx, refs.items)).find((s) => s.approval.status === 'approved')?.approval;
}
