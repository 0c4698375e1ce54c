/**
 * Reads which approvers can no longer approve (issue 19): account state from one batched Confluence
 * users-bulk lookup (`inactive` = deactivated; `closed` or absent = removed), and for pending
 * approvals the view of the page, read as each approver in one batched page read. Where the platform
 * cannot read as the approver, view is not judged (unknown is not "cannot view": nobody is flagged
 * on a guess).
 */
import type { UnavailableCause } from '../domain/approver-availability';
import type { EngineContext } from './context';
import { covers, isActive, type Delegation } from '../domain/delegation';
import { liveDelegationsOf } from './delegations/store';

/** Deactivated and removed accounts among `accountIds` (one users-bulk call per 250 people). */
export async function accountUnavailability(ctx: EngineContext, accountIds: Iterable<string>): Promise<Map<string, UnavailableCause>> {
  const ids = [...new Set(accountIds)];
  const out = new Map<string, UnavailableCause>();
  if (ids.length === 0) return out;
  const users = await ctx.confluence.getUsers(ids);
  for (const id of ids) {
    const status = users.get(id)?.accountStatus;
    if (!users.has(id) || status === 'closed') out.set(id, 'removed');
    else if (status === 'inactive') out.set(id, 'deactivated');
  }
  return out;
}

/** Who of `accountIds` cannot read which of `pageIds`: one batched page read as each person; unverifiable people are left out. */
export async function viewUnavailability(ctx: EngineContext, accountIds: Iterable<string>, pageIds: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  await Promise.all(
    [...new Set(accountIds)].map(async (accountId) => {
      const readable = await ctx.confluence.pagesReadableBy(accountId, pageIds);
      if (!readable) return;
      const hidden = new Set(pageIds.filter((p) => !readable.has(p)));
      if (hidden.size > 0) out.set(accountId, hidden);
    }),
  );
  return out;
}

/** An active delegation of an unavailable approver, and the pages its delegate cannot view. */
export interface DelegateCover {
  delegation: Delegation;
  hiddenPages: ReadonlySet<string>;
}

/**
 * SPEC 2.3b: the active delegations of `people` whose delegate can still act (account fine; the view
 * of each of `pageIds` read as the delegate, unverifiable counting as able). Read only for people
 * already found unavailable, so an ordinary preflight or scan reads no delegation.
 */
export async function delegateCovers(ctx: EngineContext, people: Iterable<string>, pageIds: string[]): Promise<DelegateCover[]> {
  const now = ctx.clock.now();
  const found = (await Promise.all([...new Set(people)].map(async (p) => (await liveDelegationsOf(ctx, 'delegator', p, now)).items))).flat().filter((d) => isActive(d, now));
  if (found.length === 0) return [];
  const delegates = [...new Set(found.map((d) => d.delegateAccountId))];
  const gone = await accountUnavailability(ctx, delegates);
  const hidden = await viewUnavailability(
    ctx,
    delegates.filter((d) => !gone.has(d)),
    pageIds,
  );
  return found.filter((d) => !gone.has(d.delegateAccountId)).map((delegation) => ({ delegation, hiddenPages: hidden.get(delegation.delegateAccountId) ?? new Set<string>() }));
}

/** The unavailable people of one page and workflow whose slot a delegate covers there. */
export function coveredOn(covers_: DelegateCover[], page: { pageId: string; spaceId: string; workflowId: string }): Set<string> {
  return new Set(covers_.filter((c) => covers(c.delegation, page.spaceId, page.workflowId) && !c.hiddenPages.has(page.pageId)).map((c) => c.delegation.delegatorAccountId));
}
