/**
 * Group members as the reads that SHOW people or look for enough eligible ones need them (issue 23
 * item 5): a group is listed LISTED_MEMBERS at a time (one Confluence call each) and read further
 * only when the question needs it, so status, the queue, comments, preflight and submit answer for
 * a group of any size. A `required: "all"` group is still read whole (≤ 50 members when saved, and
 * its count is its size). Whether a step's deciders belong to a group not read to the end is asked
 * with one memberof question each (GroupMembership), so approvals count exactly as a decision
 * counts them. Created per operation (like PageCache), never kept across invocations.
 */
import type { WorkflowStep } from '../domain/model';
import type { Decidable } from '../domain/decisions';
import { activeStepOf, groupsOfSteps } from '../domain/approvers';
import { groupIdOf, slotHolder, stepDecisions, stepGroups } from '../domain/step-composition';
import type { EngineContext } from './context';
import { GroupMembership, groupsOfAllGroups } from './group-membership';
import { NAMED_PER_GROUP } from '../domain/named-progress';

/** One v1 page of members. */
export const LISTED_MEMBERS = 200;
/** One read follows at most 25 pages (the adapter refuses a chain of more than 50 as runaway). */
const MOST_PER_READ = 25 * LISTED_MEMBERS;

export class GroupListing {
  /** group id → members known now: those listed (in Confluence's order) and, after them, deciders found by asking */
  readonly members = new Map<string, string[]>();
  /** how many of `members` came from the listing (where the next read starts) */
  private readonly listed = new Map<string, number>();
  /** groups whose listing stopped before the end */
  private readonly open = new Set<string>();
  private readonly reads = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: EngineContext,
    readonly membership = new GroupMembership(ctx),
  ) {}

  /** How many members of the group were listed so far. */
  listedCount = (groupId: string): number => this.listed.get(groupId) ?? 0;

  /** Was this group's listing cut (members exist that were not listed)? */
  isCut = (groupId: string): boolean => this.open.has(groupId);

  /** Per group of the step: whether one of its Confluence groups was not listed to the end. */
  cutOf(step: WorkflowStep): boolean[] {
    return stepGroups(step).map((g) => g.approvers.some((a) => this.isCut(groupIdOf(a) ?? '')));
  }

  /** The active steps' groups of these approvals, and which of their deciders belong to a group cut short. */
  async readFor(approvals: Decidable[]): Promise<void> {
    await this.readSteps(approvals.map(activeStepOf));
    const asks = approvals.flatMap((a) => {
      const cut = groupsOfSteps([activeStepOf(a)]).filter(this.isCut);
      const holders = stepDecisions(a.decisions, a.activeStep).map(slotHolder);
      return cut.length > 0 ? holders.map((h) => ({ holder: h, cut })) : [];
    });
    await Promise.all(
      asks.map(async ({ holder, cut }) => {
        const unknown = cut.filter((g) => !this.members.get(g)?.includes(holder));
        if (unknown.length === 0) return;
        const mine = await this.membership.groupsOf(holder);
        for (const g of unknown) if (mine.has(g) && !this.members.get(g)?.includes(holder)) this.members.get(g)?.push(holder);
      }),
    );
  }

  /** The steps' groups: "all" groups whole, the others their first LISTED_MEMBERS. */
  async readSteps(steps: WorkflowStep[]): Promise<void> {
    const whole = new Set(steps.flatMap(groupsOfAllGroups));
    await Promise.all(groupsOfSteps(steps).map((g) => this.once(whole.has(g) ? `whole:${g}` : g, () => (whole.has(g) ? this.readWhole(g) : this.more(g)))));
  }

  /**
   * The next `count` members of a group cut short (its first ones when nothing was read yet);
   * false when there was nothing more to read.
   */
  async more(groupId: string, count = LISTED_MEMBERS): Promise<boolean> {
    if (this.listed.has(groupId) && !this.open.has(groupId)) return false;
    const start = this.listed.get(groupId) ?? 0;
    const page = await this.ctx.confluence.groupMembersCapped(groupId, Math.min(count, MOST_PER_READ), start);
    const known = this.members.get(groupId) ?? [];
    const listed = [...known.slice(0, start), ...page.members];
    const found = known.slice(start).filter((p) => !listed.includes(p));
    this.members.set(groupId, [...listed, ...found]);
    this.listed.set(groupId, listed.length);
    // an empty page that claims more ends the listing (never a loop on a Confluence quirk)
    if (page.more && page.members.length > 0) this.open.add(groupId);
    else this.open.delete(groupId);
    return page.members.length > 0;
  }

  private async readWhole(groupId: string): Promise<void> {
    if (this.listed.has(groupId) && !this.open.has(groupId)) return;
    const all = await this.ctx.confluence.getGroupMembers(groupId);
    this.members.set(groupId, all);
    this.listed.set(groupId, all.length);
    this.open.delete(groupId);
  }

  private once(key: string, read: () => Promise<unknown>): Promise<void> {
    let done = this.reads.get(key);
    if (!done) this.reads.set(key, (done = read().then(() => undefined)));
    return done;
  }
}

/** A step's people as a comment @mentions them: named accounts, and the first NAMED_PER_GROUP members of each group; `more` when members were left out. */
export function namedApprovers(step: WorkflowStep, listing: GroupListing): { approvers: string[]; more: boolean } {
  const principals = stepGroups(step).flatMap((g) => g.approvers);
  const groups = groupsOfSteps([step]);
  const approvers = principals.flatMap((a) => {
    const g = groupIdOf(a);
    return g === undefined ? [a] : (listing.members.get(g) ?? []).slice(0, NAMED_PER_GROUP);
  });
  const more = groups.some((g) => listing.isCut(g) || (listing.members.get(g)?.length ?? 0) > NAMED_PER_GROUP);
  return { approvers: [...new Set(approvers)], more };
}
