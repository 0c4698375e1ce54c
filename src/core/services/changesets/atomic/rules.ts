/**
 * What `changeset.decide` and `changeset.decisionPreview` judge alike (SPEC 2.5a): the set as the
 * caller may see it, and one approver's decision under the rules of 2.1a-2.3b in a slot of theirs,
 * so the preview answers exactly what the decision would do.
 */
import type { Caller } from '../../../domain/caller';
import type { DecisionOutcome } from '../../../domain/decisions';
import { DomainError } from '../../../domain/errors';
import type { SetApproval } from '../../../domain/model';
import { parseStored, setApprovalSchema } from '../../../domain/schemas';
import { excludesEditors } from '../../../domain/sod';
import type { StoredItem } from '../../../ports/store';
import type { EngineContext } from '../../context';
import type { SpaceAccess } from '../../access';
import { denial } from '../../denials';
import { keys } from '../../keys';
import { decideInASlot } from '../../approvals/decide-in-slot';
import type { GroupMembership } from '../../group-membership';

export const setNotFound = (): DomainError => new DomainError('SET_APPROVAL_NOT_FOUND', 'Set approval not found.');
export const setNotPending = (): DomainError => new DomainError('APPROVAL_NOT_PENDING', 'This set approval is no longer pending.');
export const cannotViewEveryPage = (): DomainError => new DomainError('APPROVER_CANNOT_VIEW_PAGE', 'You cannot view every page of this change set, so you cannot decide on it.');
export const pinnedPageChanged = (): DomainError => new DomainError('APPROVAL_NOT_PENDING', 'A page of this change set changed after it was submitted; the set must be submitted again.');

/** The set approval, or SET_APPROVAL_NOT_FOUND for a missing one and (audited) for one in a space the caller cannot view. */
export async function loadVisibleSet(ctx: EngineContext, caller: Caller, access: SpaceAccess, setApprovalId: string, operation: string): Promise<{ item: StoredItem; set: SetApproval }> {
  const item = await ctx.store.get(keys.setApproval(setApprovalId));
  if (!item) throw setNotFound();
  const set = parseStored(setApprovalSchema, item.key, item.value);
  if (!(await access.canView(set.spaceId))) throw await denial(ctx, caller, setNotFound(), set.spaceId, { operation, changeSetId: set.changeSetId });
  return { item, set };
}

/**
 * The decision in the actor's slot (their own or a delegated one), `sod.changeSetMinDistinctApprovers`
 * at the final approval; throws the refusal. Every page's visibility to the actor is checked by the
 * caller, so a delegate's view right needs no second read.
 */
export async function judgeSetDecision(
  ctx: EngineContext,
  actorId: string,
  set: SetApproval,
  decision: 'approve' | 'reject',
  comment: string | undefined,
  membership?: GroupMembership,
): Promise<DecisionOutcome<SetApproval>> {
  if (set.sodUnverifiable && excludesEditors(set.workflowSnapshot.sod)) {
    throw new DomainError('SOD_UNVERIFIABLE', 'Separation of duties could not check who edited every page of this set at submission, so no decision can be recorded; submit the set again.');
  }
  const scope = { spaceId: set.spaceId, workflowId: set.workflowId, actorCanView: async () => true };
  return decideInASlot(ctx, actorId, set, scope, decision, comment, { minDistinctApprovers: set.workflowSnapshot.sod?.changeSetMinDistinctApprovers, membership });
}
