/** Evidence (SPEC 5a): the installation key, signed checkpoints, approval receipts and evidence packs. */
import type { Caller } from '../domain/caller';
import type { PageStateView } from '../domain/model';
import type { EngineContext } from '../services/context';
import { signCheckpoint, type SignedCheckpoint } from './checkpoint';
import { publishedKeys, type PublishedKey } from './installation-key';
import { approvalReceipt, type ApprovalReceipt } from './receipt';

export type { ApprovalReceipt, PublishedKey, SignedCheckpoint };

export interface EvidenceService {
  /** the installation's public signing keys; anyone signed in may read them */
  keys(caller: Caller): Promise<PublishedKey[]>;
  /** the signed receipt of a status the caller read with approvals.pageStatus (undefined unless approved) */
  receipt(caller: Caller, status: PageStateView): Promise<ApprovalReceipt | undefined>;
  /** the scheduled job: sign the chain head (no caller: runs as the app) */
  signCheckpoint(): Promise<SignedCheckpoint | undefined>;
}

export function createEvidenceService(ctx: EngineContext): EvidenceService {
  return {
    keys: async () => publishedKeys(ctx),
    receipt: async (_caller, status) => (status.state === 'approved' ? approvalReceipt(ctx, status.latestApproval) : undefined),
    signCheckpoint: () => signCheckpoint(ctx),
  };
}
