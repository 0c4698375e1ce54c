/**
 * `changeset.decisionPreview` (SPEC 2.1a, 2.5a): where a pending set approval stands (the active
 * step's groups, the different approvers `sod.changeSetMinDistinctApprovers` still waits for) and
 * what the caller's approval would do now, judged by the very rules `changeset.decide` applies
 * (rules.ts: their slot, delegation, SoD, the distinct-approver wait, every page visible and
 * unchanged). Writes nothing: a refusal is answered as `preview.refusal`, not audited.
 */
import type { Caller } from '../../../domain/caller';
import { activeStepOf } from '../../../domain/approvers';
import { distinctApprovers, missingDistinctApprovers, stepPeople, type SetDecisionPreview } from '../../../domain/decisions';
import { DomainError } from '../../../domain/errors';
import type { PendingStepView, SetApproval } from '../../../domain/model';
import { sodExcluded } from '../../../domain/sod';
import { countsToward, slotHolder, stepDecisions } from '../../../domain/step-composition';
import type { EngineContext } from '../../context';
import { SpaceAccess } from '../../access';
import { defineOperation } from '../../operation';
import type { GroupMembership } from '../../group-membership';
import { GroupListing } from '../../group-listing';
import { progressWith } from '../../step-progress';
import { changedPins } from './invalidate';
import { cannotViewEveryPage, judgeSetDecision, loadVisibleSet, pinnedPageChanged, setNotPending } from './rules';

/** SPEC 2.5a/2.1a/2.3a: where a pending set approval stands (its active step's groups, and the wait for different approvers). */
export interface SetProgressView {
  activeStep: number;
  stepName?: string;
  groups: PendingStepView['groups'];
  /** `sod.changeSetMinDistinctApprovers` > 0: the different people who approved so far and how many more the final approval needs */
  distinctApprovers?: { required: number; approvedBy: string[]; missing: number };
}

export interface SetReviewPreview {
  progress: SetProgressView;
  preview: SetDecisionPreview;
}

export const setDecisionPreview = defineOperation({
  rights: 'Anyone who can view the change set\'s space (else SET_APPROVAL_NOT_FOUND, audited, as for a missing set approval); the preview is the caller\'s own.',
  async execute(ctx: EngineContext, caller: Caller, setApprovalId: string): Promise<SetReviewPreview> {
    const { set } = await loadVisibleSet(ctx, caller, new SpaceAccess(ctx, caller.accountId), setApprovalId, 'changeset.decisionPreview');
    if (set.status !== 'pending') throw setNotPending();
    // progress from a page of each group's members (names "and more"); the preview asks memberships as the decision does
    const listing = new GroupListing(ctx);
    await listing.readFor([set]);
    return { progress: progressOf(set, listing), preview: await previewOf(ctx, caller, set, listing.membership) };
  },
});

function progressOf(set: SetApproval, listing: GroupListing): SetProgressView {
  const step = activeStepOf(set);
  const required = set.workflowSnapshot.sod?.changeSetMinDistinctApprovers ?? 0;
  return {
    activeStep: set.activeStep,
    ...(step.name ? { stepName: step.name } : {}),
    groups: progressWith(set, listing.members, listing.cutOf(step)),
    ...(required > 0 ? { distinctApprovers: { required, approvedBy: [...distinctApprovers(set.decisions)], missing: missingDistinctApprovers(set, required) } } : {}),
  };
}

const NOTHING = { counts: false, countsToward: [], completesStep: false, completesApproval: false };
const refused = (err: DomainError): SetDecisionPreview => ({ ...NOTHING, refusal: { code: err.code, message: err.message } });

async function previewOf(ctx: EngineContext, caller: Caller, set: SetApproval, membership: GroupMembership): Promise<SetDecisionPreview> {
  let outcome;
  try {
    outcome = await judgeSetDecision(ctx, caller.accountId, set, 'approve', undefined, membership);
  } catch (err) {
    if (err instanceof DomainError) return refused(err);
    throw err;
  }
  // as the decision would find them: every page visible to the caller and still at its pinned version
  const ids = set.manifest.map((m) => m.pageId);
  const pages = await ctx.confluence.getPages(ids);
  if (ids.some((id) => !pages.has(id))) return refused(cannotViewEveryPage());
  if (changedPins(set, pages).length > 0) return refused(pinnedPageChanged());
  const made = outcome.approval.decisions.at(-1);
  const holder = made?.onBehalfOf ?? caller.accountId;
  const step = activeStepOf(set);
  const groupMembers = await membership.forStep(step, [holder, ...stepDecisions(set.decisions, set.activeStep).map(slotHolder)]);
  const people = stepPeople(set, groupMembers, sodExcluded(set, set.activeStep));
  return {
    counts: true,
    countsToward: countsToward(step, set.decisions, set.activeStep, holder, people),
    completesStep: outcome.completedStep !== undefined,
    completesApproval: outcome.approval.status === 'approved',
    ...(outcome.awaitingApprovers ? { awaitingApprovers: outcome.awaitingApprovers } : {}),
    ...(made?.onBehalfOf ? { onBehalfOf: made.onBehalfOf } : {}),
  };
}
