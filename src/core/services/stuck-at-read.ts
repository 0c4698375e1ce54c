/**
 * The stuck groups a read shows (issue 23, branch s-stuck). The read-time check looks at no more
 * than READ_STUCK_MEMBERS members, so a big group nobody can fill costs a few dozen calls, not one
 * per member. Without a verdict within that bound the read neither claims "stuck" nor judges "not
 * stuck" itself: it shows the daily job's verdict (the `lc-stuck` flag, judged on every member) when
 * the flag is about the same state, and otherwise nothing (not known to be stuck yet).
 */
import type { PageApproval } from '../domain/model';
import { parseStored } from '../domain/schemas';
import { lcKeys } from '../records/lifecycle-keys';
import { stuckFlagSchema, type StuckFlag } from '../records/lifecycle-schemas';
import type { EngineContext } from './context';
import type { GroupListing } from './group-listing';
import { activeStepStuck, READ_STUCK_MEMBERS, type StuckGroup } from './step-progress';

export async function stuckAtRead(ctx: EngineContext, approval: PageApproval, listing: GroupListing): Promise<StuckGroup[]> {
  const check = await activeStepStuck(ctx, approval, listing, undefined, { members: READ_STUCK_MEMBERS });
  if (check.judged) return check.groups;
  const item = await ctx.store.get(lcKeys.stuck(approval.id));
  const flag = item ? parseStored(stuckFlagSchema, item.key, item.value) : undefined;
  return flag && sameState(flag, approval, check.groups) ? flag.groups : [];
}

/**
 * The flag is about this state: the same active step, and every group it names is still short among
 * the members the read looked at (a group the read found enough eligible people for was refilled
 * since the daily run, and that finding is certain).
 */
function sameState(flag: StuckFlag, approval: PageApproval, short: StuckGroup[]): boolean {
  const stillShort = new Set(short.map((g) => g.group));
  return flag.step === approval.activeStep && flag.groups.length > 0 && flag.groups.every((g) => stillShort.has(g.group));
}
