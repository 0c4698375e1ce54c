/**
 * SPEC 2.3b at decision time, for a page approval and an atomic set approval alike: the actor's own
 * slot first, then slots delegated to them; the first in which the decision counts is taken. A
 * refusal in every slot answers with the first slot's reason.
 */
import { activeStepOf, expandApprovers } from '../../domain/approvers';
import type { Decidable, DecisionOutcome } from '../../domain/decisions';
import { applyDecision } from '../../domain/decisions';
import { DomainError } from '../../domain/errors';
import { sodExcluded } from '../../domain/sod';
import type { EngineContext } from '../context';
import type { PageApproval } from '../../domain/model';
import { PageCache } from '../page-cache';
import { slotsToTry, type SlotScope } from '../delegations/resolve';

export type SlotDecidable = Decidable & { sodEditors?: string[] };

export async function decideInASlot<T extends SlotDecidable>(
  ctx: EngineContext,
  actorId: string,
  approval: T,
  scope: SlotScope,
  decision: 'approve' | 'reject',
  comment: string | undefined,
  groupMembers: Map<string, string[]>,
  minDistinctApprovers?: number,
): Promise<DecisionOutcome<T>> {
  const excluded = sodExcluded(approval, approval.activeStep);
  const members = new Set(expandApprovers(activeStepOf(approval), groupMembers));
  const choices = await slotsToTry(ctx, scope, actorId, members);
  const now = ctx.clock.now();
  let first: DomainError | undefined;
  for (const choice of choices) {
    try {
      return applyDecision(approval, actorId, decision, comment, groupMembers, now, { excluded, ...choice, ...(minDistinctApprovers ? { minDistinctApprovers } : {}) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      first ??= err;
    }
  }
  throw first ?? new DomainError('NOT_AN_APPROVER', 'You are not an approver of the active step.');
}

/** A page approval's delegation scope; whether the delegate can view the page is asked only when a delegated slot is on offer. */
export function pageSlotScope(ctx: EngineContext, actorId: string, approval: Pick<PageApproval, 'spaceId' | 'workflowId' | 'pageId'>): SlotScope {
  return { spaceId: approval.spaceId, workflowId: approval.workflowId, actorCanView: async () => (await new PageCache(ctx, actorId).readable([approval.pageId])).has(approval.pageId) };
}
