/**
 * How many people a read names (issue 23 item 5): a group of 10,000 members is shown as the first
 * names and "and more", never as 10,000 names. Counting never uses this cut: only what is shown.
 */
import type { GroupProgress } from './step-composition';

/** Names per group's `waitingFor` (a saved group names at most 50 accounts, so only Confluence groups are ever cut). */
export const NAMED_PER_GROUP = 50;

/**
 * Each group's `waitingFor` cut to NAMED_PER_GROUP. `waitingForMore` when people were left out:
 * names past the cut (then `waitingForCount` says how many wait in all), or a Confluence group
 * whose members were not all listed (`listingCut[i]`) while the group still needs approvals (its
 * unlisted members wait too; how many is not known).
 */
export function namedProgress(groups: GroupProgress[], listingCut: readonly boolean[]): GroupProgress[] {
  return groups.map((g, i) => {
    const needs = g.approvedBy.length < g.required;
    const cut = g.waitingFor.length > NAMED_PER_GROUP;
    const unlisted = needs && listingCut[i] === true;
    if (!cut && !unlisted) return g;
    return {
      ...g,
      waitingFor: g.waitingFor.slice(0, NAMED_PER_GROUP),
      waitingForMore: true,
      ...(unlisted ? {} : { waitingForCount: g.waitingFor.length }),
    };
  });
}
