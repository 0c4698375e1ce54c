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
import { decisionSlots, type SlotScope } from '../delegations/resolve';

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
  const slots = await decisionSlots(ctx, scope, actorId, members);
  const now = ctx.clock.now();
  if (slots.choices.length === 0 && slots.replacedBy) {
    const until = slots.replacedBy.endsAt.slice(0, 10);
    throw new DomainError('NOT_AN_APPROVER', `You handed your approvals to ${slots.replacedBy.delegateAccountId} until ${until}; revoke the delegation to decide yourself.`);
  }
  const choices = slots.choices.length > 0 ? slots.choices : [{}];
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
