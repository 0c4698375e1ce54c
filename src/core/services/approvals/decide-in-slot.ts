/**
 * SPEC 2.3b at decision time, for a page approval and an atomic set approval alike: the actor's own
 * slot first, then slots delegated to them; the first in which the decision counts is taken. A
 * refusal in every slot answers with the first slot's reason.
 */
import { activeStepOf } from '../../domain/approvers';
import type { Decidable, DecisionOutcome } from '../../domain/decisions';
import { applyDecision } from '../../domain/decisions';
import { DomainError } from '../../domain/errors';
import { sodExcluded } from '../../domain/sod';
import type { EngineContext } from '../context';
import type { PageApproval } from '../../domain/model';
import { PageCache } from '../page-cache';
import { slotsToTry, type SlotChoice, type SlotScope } from '../delegations/resolve';
import { GroupMembership } from '../group-membership';
import { slotHolder } from '../../domain/step-composition';

export type SlotDecidable = Decidable & { sodEditors?: string[] };

export async function decideInASlot<T extends SlotDecidable>(
  ctx: EngineContext,
  actorId: string,
  approval: T,
  scope: SlotScope,
  decision: 'approve' | 'reject',
  comment: string | undefined,
  options: { minDistinctApprovers?: number; membership?: GroupMembership } = {},
): Promise<DecisionOutcome<T>> {
  const { minDistinctApprovers, membership } = options;
  const excluded = sodExcluded(approval, approval.activeStep);
  const { choices, groupMembers } = await slotsAndMembers(ctx, approval, scope, actorId, membership);
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

/**
 * The slots the actor may decide in and the active step's group members as counting a decision in
 * them needs (GroupMembership: one memberof question per person involved, not whole groups).
 * Decide, its preview and the panel's capability all ask this; a caller that asks more of the same
 * people (the set preview) passes its own `membership`, so each question is asked once.
 */
export async function slotsAndMembers(
  ctx: EngineContext,
  approval: Decidable,
  scope: SlotScope,
  actorId: string,
  membership = new GroupMembership(ctx),
): Promise<{ choices: SlotChoice[]; groupMembers: Map<string, string[]> }> {
  const step = activeStepOf(approval);
  const choices = await slotsToTry(ctx, scope, actorId, (p) => membership.isApprover(step, p));
  const holders = approval.decisions.filter((d) => d.step === approval.activeStep).map(slotHolder);
  const delegators = choices.flatMap((c) => (c.onBehalfOf ? [c.onBehalfOf] : []));
  return { choices, groupMembers: await membership.forStep(step, [actorId, ...delegators, ...holders]) };
}

/** A page approval's delegation scope; whether the delegate can view the page is asked only when a delegated slot is on offer. */
export function pageSlotScope(ctx: EngineContext, actorId: string, approval: Pick<PageApproval, 'spaceId' | 'workflowId' | 'pageId'>): SlotScope {
  return { spaceId: approval.spaceId, workflowId: approval.workflowId, actorCanView: async () => (await new PageCache(ctx, actorId).readable([approval.pageId])).has(approval.pageId) };
}
