/**
 * Single-page operations whose public meaning REST and resolvers share (docs/api.md, "one result,
 * one meaning"): a page the caller cannot see is PAGE_NOT_FOUND (404) for preflight exactly as for
 * status and submit, and an ineligible submit is a 409 carrying the eligibility code and reason.
 */
import type { Caller } from '../../core/domain/caller';
import { DomainError } from '../../core/domain/errors';
import type { PageApproval, PreflightResult } from '../../core/domain/model';
import type { Engine } from '../../core/services/engine';

const NOT_FOUND = 'Page not found, or not visible to you.';

export async function preflightPage(engine: Engine, caller: Caller, pageId: string, workflowId?: string): Promise<PreflightResult> {
  const result = await engine.approvals.preflightPage(caller, pageId, workflowId);
  if (result.code === 'PAGE_NOT_FOUND') throw new DomainError('not_found', 'PAGE_NOT_FOUND', result.reason ?? NOT_FOUND);
  return result;
}

export async function submitPage(
  engine: Engine,
  caller: Caller,
  pageId: string,
  workflowId?: string,
  options?: Parameters<Engine['approvals']['submitPage']>[3],
): Promise<PageApproval> {
  try {
    return await engine.approvals.submitPage(caller, pageId, workflowId, options);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'PAGE_NOT_FOUND') throw new DomainError('not_found', 'PAGE_NOT_FOUND', err.message);
    if (err instanceof DomainError && err.kind === 'conflict' && !err.details) {
      throw new DomainError('conflict', err.code, err.message, [{ code: err.code, reason: err.message }]);
    }
    throw err;
  }
}
