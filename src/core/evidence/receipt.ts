/**
 * Approval receipts (SPEC 5a): for a completed approval, the canonical JSON of `{pageId, pageVersion,
 * contentHash?, workflowId, decisions[], approvedAt}` and the installation's Ed25519 signature over its
 * UTF-8 bytes, so a pipeline can check offline, against GET /keys, that the version it publishes is
 * the one approved. Decisions carry their signature manifestation fields when signed.
 */
import type { Caller } from '../domain/caller';
import type { PageApproval, PageStateView } from '../domain/model';
import { defineOperation } from '../services/operation';
import { canonicalJson } from '../domain/canonical-json';
import type { EngineContext } from '../services/context';
import { currentSigningKey, signText } from './installation-key';

export interface ApprovalReceipt {
  payload: string;
  /** base64 Ed25519 signature of the payload's UTF-8 bytes */
  signature: string;
  keyId: string;
}

export function receiptPayload(approval: PageApproval): string {
  return canonicalJson({
    pageId: approval.pageId,
    pageVersion: approval.pageVersion,
    workflowId: approval.workflowId,
    decisions: approval.decisions.map((d) => ({
      step: d.step,
      accountId: d.accountId,
      decision: d.decision,
      at: d.at,
      ...(d.signature ? { signature: d.signature } : {}),
    })),
    approvedAt: approval.decidedAt,
  });
}

/** The receipt of a page status the caller read (approvals.pageStatus checked their right); undefined unless approved. */
export const approvalReceipt = defineOperation({
  rights: 'Whoever read the page status it is given (the status read checked the view right).',
  async execute(ctx: EngineContext, _caller: Caller, status: PageStateView): Promise<ApprovalReceipt | undefined> {
    const approval = status.latestApproval;
    if (status.state !== 'approved' || approval?.status !== 'approved') return undefined;
    const payload = receiptPayload(approval);
    const key = await currentSigningKey(ctx);
    return { payload, signature: signText(key, payload), keyId: key.keyId };
  },
});
