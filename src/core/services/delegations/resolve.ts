/**
 * Delegation at decision time (SPEC 2.3b): whose slots the deciding person may fill. Their own
 * (unless they delegated it with `replace`), then the slots of people who delegated to them
 * directly (no chains: a delegate's own delegations never pass on slots held as a delegate). A
 * delegate must be able to view the page.
 */
import type { Delegation } from '../../domain/delegation';
import { covers, isActive } from '../../domain/delegation';
import { DomainError } from '../../domain/errors';
import type { EngineContext } from '../context';
import { currentDelegations, liveDelegationsOf } from './store';

export interface SlotChoice {
  onBehalfOf?: string;
  delegationId?: string;
}

export interface DecisionSlots {
  /** in order of preference: the actor's own slot first */
  choices: SlotChoice[];
  /** the actor's own slot is handed over by this `replace` delegation */
  replacedBy?: Delegation;
}

/** What is being decided: a page approval or an atomic set approval, and whether the actor can view what it covers. */
export interface SlotScope {
  spaceId: string;
  workflowId: string;
  /** asked only when a delegated slot is on offer */
  actorCanView: () => Promise<boolean>;
}

/** Is this person an approver of the step being decided (named, or in one of its groups)? */
export type IsApprover = (accountId: string) => Promise<boolean>;

export async function decisionSlots(ctx: EngineContext, approval: SlotScope, actorId: string, isApprover: IsApprover): Promise<DecisionSlots> {
  const now = ctx.clock.now();
  const applies = (d: Delegation): boolean => isActive(d, now) && covers(d, approval.spaceId, approval.workflowId);
  const [given, received] = await Promise.all([liveDelegationsOf(ctx, 'delegator', actorId, now), liveDelegationsOf(ctx, 'delegate', actorId, now)]);
  // what the index lists may be a moment old (a revoke not in it yet): the ones that count are read again by key
  const relevant = await currentDelegations(ctx, [...given.items.filter((d) => applies(d) && d.mode === 'replace'), ...received.items.filter(applies)]);
  const replacedBy = relevant.find((d) => applies(d) && d.mode === 'replace' && d.delegatorAccountId === actorId);
  const own: SlotChoice[] = !replacedBy && (await isApprover(actorId)) ? [{}] : [];
  const offered = relevant.filter((d) => applies(d) && d.delegateAccountId === actorId && d.delegatorAccountId !== actorId).sort((a, b) => a.id.localeCompare(b.id));
  const approvers = await Promise.all(offered.map((d) => isApprover(d.delegatorAccountId)));
  const delegated = offered.filter((_, i) => approvers[i]).map((d): SlotChoice => ({ onBehalfOf: d.delegatorAccountId, delegationId: d.id }));
  const canView = delegated.length > 0 && (await approval.actorCanView());
  return { choices: [...own, ...(canView ? delegated : [])], ...(replacedBy ? { replacedBy } : {}) };
}

/**
 * The slots a decision tries, in order (the actor's own first; a person outside the step tries their
 * own so the refusal names why). NOT_AN_APPROVER when they handed their own away with `replace` and
 * hold no other. Decide and the panel's `decide` capability both ask this.
 */
export async function slotsToTry(ctx: EngineContext, scope: SlotScope, actorId: string, isApprover: IsApprover): Promise<SlotChoice[]> {
  const slots = await decisionSlots(ctx, scope, actorId, isApprover);
  if (slots.choices.length === 0 && slots.replacedBy) {
    const until = slots.replacedBy.endsAt.slice(0, 10);
    throw new DomainError('NOT_AN_APPROVER', `You handed your approvals to ${slots.replacedBy.delegateAccountId} until ${until}; revoke the delegation to decide yourself.`);
  }
  return slots.choices.length > 0 ? slots.choices : [{}];
}
