/**
 * Who acts for whom in what people read (SPEC 2.3b): comments and reminders @mention the person who
 * can act. A `replace` delegate stands in the waiting list instead of the delegator; an `add`
 * delegate stands beside them. Each cover is explained once ("Carol is away until 12 Dec; Dave covers").
 */
import type { Delegation } from './delegation';
import { covers, isActive } from './delegation';

export interface Cover {
  delegator: string;
  delegate: string;
  mode: Delegation['mode'];
  /** ISO 8601 UTC */
  endsAt: string;
}

/** The active delegations of `people` that cover this space and workflow, oldest delegation first. */
export function coversOf(delegations: Delegation[], people: string[], at: { spaceId: string; workflowId: string }, now: number): Cover[] {
  const waiting = new Set(people);
  return delegations
    .filter((d) => waiting.has(d.delegatorAccountId) && d.delegateAccountId !== d.delegatorAccountId && isActive(d, now) && covers(d, at.spaceId, at.workflowId))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((d) => ({ delegator: d.delegatorAccountId, delegate: d.delegateAccountId, mode: d.mode, endsAt: d.endsAt }));
}

/** `people` with each replaced person swapped for their delegate(s) and each `add` delegate after the person, each once. */
export function actingPeople(people: string[], cover: Cover[]): string[] {
  return [
    ...new Set(
      people.flatMap((p) => {
        const mine = cover.filter((c) => c.delegator === p);
        const replaced = mine.some((c) => c.mode === 'replace');
        return [...(replaced ? [] : [p]), ...mine.map((c) => c.delegate)];
      }),
    ),
  ];
}
