/**
 * `approval.decisionPreview` (SPEC 2.1a): what the caller's approval would do now, before they
 * click. The caller must be able to view the page; otherwise the approval answers like a missing one.
 */
import type { Caller } from '../../domain/caller';
import type { DecisionPreview } from '../../domain/decisions';
import { previewDecision } from '../../domain/decisions';
import { DomainError } from '../../domain/errors';
import { pageSlotScope, slotsAndMembers } from './decide-in-slot';
import { sodExcluded } from '../../domain/sod';
import type { EngineContext } from '../context';
import { defineOperation } from '../operation';
import { effectiveApproval, loadVisibleApproval } from './records';

export const decisionPreview = defineOperation({
  rights: 'Anyone who can view the page (else APPROVAL_NOT_FOUND, audited, as for a missing approval).',
  async execute(ctx: EngineContext, caller: Caller, approvalId: string): Promise<DecisionPreview> {
  const loaded = await loadVisibleApproval(ctx, caller, approvalId, 'approval.decisionPreview');
  const { approval } = await effectiveApproval(ctx, loaded.approval);
  const excluded = sodExcluded(approval, approval.activeStep);
  // The slots decide would try (a delegate's approval fills the delegator's slot, SPEC 2.3b): the first that counts.
  const slots = await slotsAndMembers(ctx, approval, pageSlotScope(ctx, caller.accountId, approval), caller.accountId).catch((err: unknown) => {
    if (err instanceof DomainError) return { choices: [], groupMembers: new Map<string, string[]>() };
    throw err;
  });
  const previews = slots.choices.map((c) => previewDecision(approval, c.onBehalfOf ?? caller.accountId, slots.groupMembers, excluded));
  return previews.find((p) => p.countsToward.length > 0) ?? { countsToward: [], completesStep: false, completesApproval: false };
  },
});

export type { DecisionPreview };
