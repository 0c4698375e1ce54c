/**
 * SPEC 2.4a: the final approval records the content hash of the PINNED version (read as the
 * deciding approver), when the approval's policy compares content. If it cannot be read the
 * approval still completes without a hash, and every later version reads stale HASH_UNAVAILABLE
 * (fail closed) until a resubmission.
 */
import { HASH_ALG } from '../../domain/content-hash';
import type { PageApproval } from '../../domain/model';
import { policyOf } from '../../domain/staleness';
import type { TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { cacheHashOp, computeHash } from './content';

export async function withApprovedContentHash(ctx: EngineContext, next: PageApproval): Promise<{ approval: PageApproval; hashOps: TxOp[] }> {
  if (next.status !== 'approved' || policyOf(next) === 'any_version') return { approval: next, hashOps: [] };
  const hash = await computeHash(ctx, next.pageId, next.pageVersion);
  if (!hash) return { approval: next, hashOps: [] };
  return { approval: { ...next, contentHash: hash, hashAlg: HASH_ALG }, hashOps: [cacheHashOp(next.pageId, next.pageVersion, hash)] };
}
