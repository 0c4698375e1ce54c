/** Delegations that cover the people an approval waits for, read for comments and reminders (SPEC 2.3b). */
import type { Cover } from '../../domain/delegation-cover';
import { actingPeople, coversOf } from '../../domain/delegation-cover';
import type { GroupProgress } from '../../domain/step-composition';
import type { Delegation } from '../../domain/delegation';
import type { PageApproval } from '../../domain/model';
import type { EngineContext } from '../context';
import { liveDelegations, liveDelegationsOf } from './store';

/** One indexed query per waiting person (a comment names few people; the step caps them at 50). */
export async function coversForWaiting(ctx: EngineContext, approval: Pick<PageApproval, 'spaceId' | 'workflowId'>, people: string[]): Promise<Cover[]> {
  if (people.length === 0) return [];
  const now = ctx.clock.now();
  const given = await Promise.all([...new Set(people)].map((p) => liveDelegationsOf(ctx, 'delegator', p, now)));
  return coversOf(given.flatMap((g) => g.items), people, approval, now);
}

/** Every live delegation, page by page up to `maxPages` (the daily job reads them once per run). */
export async function allLiveDelegations(ctx: EngineContext, maxPages = 10): Promise<Delegation[]> {
  const now = ctx.clock.now();
  const found: Delegation[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < maxPages; n++) {
    const page = await liveDelegations(ctx, now, { ...(cursor ? { cursor } : {}) });
    found.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return found;
}

/** The delegations covering who a step waits for; a failed read leaves the answer without them (never blocks a notice or a status). */
export async function waitingCover(ctx: EngineContext, approval: Pick<PageApproval, 'spaceId' | 'workflowId'>, people: string[]): Promise<Cover[]> {
  return coversForWaiting(ctx, approval, people).catch(() => []);
}

/** Progress with each group's waiting list naming who acts (a `replace` delegate instead of the delegator, an `add` one beside). */
export const withCover = (groups: GroupProgress[], cover: Cover[]): GroupProgress[] =>
  cover.length === 0 ? groups : groups.map((g) => ({ ...g, waitingFor: actingPeople(g.waitingFor, cover) }));
