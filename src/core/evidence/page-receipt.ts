/**
 * The signed receipt of a page's completed approval for the page panel's "Download approval receipt"
 * (SPEC 5a): the same receipt GET /pages/status gives pipelines, so a person can hand an auditor the
 * proof that this version was approved, checkable offline against the keys at GET /keys.
 */
import type { Caller } from '../domain/caller';
import type { EngineContext } from '../services/context';
import { defineOperation } from '../services/operation';
import { pageStatus } from '../services/approvals/read';
import { approvalReceipt, type ApprovalReceipt } from './receipt';

export const pageReceipt = defineOperation({
  rights: 'Anyone who can view the page (else PAGE_NOT_FOUND, audited, as the status read); null while the page is not approved.',
  async execute(ctx: EngineContext, caller: Caller, pageId: string): Promise<ApprovalReceipt | null> {
    // status, then its receipt: as the REST route GET /pages/status does (transport/api/routes.ts), which also returns the status
    const status = await pageStatus.execute(ctx, caller, pageId);
    return (await approvalReceipt.execute(ctx, caller, status)) ?? null;
  },
});
