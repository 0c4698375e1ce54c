/**
 * Group membership as a decision needs it (issue 23 item 5): counting a step's approvals asks "is P
 * in G" only for the people who decide or already hold a slot, so those groups are answered by ONE
 * memberof question per person (cached for the operation), never by listing a group of 10,000
 * members. Where the number of members matters, the list is still read in full: a `required: "all"`
 * group (capped at 50 members when saved, SPEC 2.1a) and every group of a step whose rejectPolicy is
 * "unreachable" (can the rest still fill it?).
 */
import type { WorkflowStep } from '../domain/model';
import { groupsOfSteps } from '../domain/approvers';
import { groupIdOf, rejectPolicyOf, stepGroups } from '../domain/step-composition';
import type { EngineContext } from './context';

export class GroupMembership {
  private readonly asked = new Map<string, Promise<Set<string>>>();

  constructor(private readonly ctx: EngineContext) {}

  /** The person's group ids: one Confluence call per person for this operation. */
  groupsOf(accountId: string): Promise<Set<string>> {
    let groups = this.asked.get(accountId);
    if (!groups) this.asked.set(accountId, (groups = this.ctx.confluence.groupIdsOf(accountId)));
    return groups;
  }

  /** Named in the step, or a member of one of its groups. */
  async isApprover(step: WorkflowStep, accountId: string): Promise<boolean> {
    if (stepGroups(step).some((g) => g.approvers.includes(accountId))) return true;
    const groupIds = groupsOfSteps([step]);
    if (groupIds.length === 0) return false;
    const mine = await this.groupsOf(accountId);
    return groupIds.some((g) => mine.has(g));
  }

  /**
   * The step's group members as counting `people` needs them: the whole list where the count
   * matters (see above), elsewhere exactly which of `people` belong to the group.
   */
  async forStep(step: WorkflowStep, people: Iterable<string>): Promise<Map<string, string[]>> {
    const listed = new Set(rejectPolicyOf(step) === 'unreachable' ? groupsOfSteps([step]) : groupsOfAllGroups(step));
    const asked = groupsOfSteps([step]).filter((g) => !listed.has(g));
    const members = new Map<string, string[]>();
    const persons = [...new Set(people)];
    const [, groupsOfPeople] = await Promise.all([expandGroups(this.ctx, [...listed], members), Promise.all(persons.map((p) => (asked.length > 0 ? this.groupsOf(p) : Promise.resolve(new Set<string>()))))]);
    for (const g of asked) members.set(g, persons.filter((_, i) => groupsOfPeople[i]?.has(g)));
    return members;
  }
}

/** Group principals of the step's `required: "all"` groups. */
export function groupsOfAllGroups(step: WorkflowStep): string[] {
  return stepGroups(step)
    .filter((g) => g.required === 'all')
    .flatMap((g) => g.approvers.flatMap((a) => groupIdOf(a) ?? []));
}

/** Whole member lists of groups not yet in `cache`, in parallel (where the whole list is the rule; elsewhere GroupListing). */
async function expandGroups(ctx: EngineContext, groupIds: string[], cache: Map<string, string[]>): Promise<void> {
  const missing = [...new Set(groupIds)].filter((g) => !cache.has(g));
  const members = await Promise.all(missing.map(async (g) => [g, await ctx.confluence.getGroupMembers(g)] as const));
  for (const [g, ids] of members) cache.set(g, ids);
}
