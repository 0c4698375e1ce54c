/**
 * Approvers and owners must exist (SPEC 2.1): a save naming an unknown user or `group:<id>` is
 * refused with UNKNOWN_APPROVER and the bad ids in `details`. An approver who cannot view the space
 * is only a warning (APPROVER_CANNOT_VIEW_SPACE): access may be granted later.
 */
import { DomainError } from '../../domain/errors';
import { ACCOUNT_ID_PATTERN, PATH_ID_PATTERN } from '../../domain/fields';
import type { ErrorDetail } from '../../domain/errors';
import { ALL_MEMBERS_CAP, groupIdOf, membersOf, stepGroups, stepPrincipals } from '../../domain/step-composition';
import type { EligibilityIssue, WorkflowStep } from '../../domain/model';
import type { EngineContext } from '../context';

export interface Participants {
  steps?: WorkflowStep[];
  owners?: string[];
}

export async function checkParticipants(ctx: EngineContext, spaceId: string, saved: Participants): Promise<EligibilityIssue[]> {
  const named: { field: string; id: string }[] = [
    ...(saved.steps ?? []).flatMap((step, i) =>
      stepGroups(step).flatMap((g, j) => g.approvers.map((id) => ({ field: step.mode === undefined ? `steps[${i}].groups[${j}].approvers` : `steps[${i}].approvers`, id }))),
    ),
    ...(saved.owners ?? []).map((id) => ({ field: 'owners', id })),
  ];
  const userIds = [...new Set(named.filter((n) => groupIdOf(n.id) === undefined).map((n) => n.id))];
  const groupIds = [...new Set(named.flatMap((n) => groupIdOf(n.id) ?? []))];
  const lookupUsers = userIds.filter((id) => ACCOUNT_ID_PATTERN.test(id));
  // shapes Confluence can look up at all; anything else names nobody (and would fail the whole batch)
  const lookupGroups = groupIds.filter((id) => PATH_ID_PATTERN.test(id));
  const [users, groups] = await Promise.all([
    lookupUsers.length > 0 ? ctx.confluence.getUsers(lookupUsers) : Promise.resolve(new Map<string, unknown>()),
    lookupGroups.length > 0 ? ctx.confluence.existingGroups(lookupGroups) : Promise.resolve(new Set<string>()),
  ]);
  const known = (id: string): boolean => {
    const group = groupIdOf(id);
    return group === undefined ? users.has(id) : groups.has(group);
  };
  const unknown = named.filter((n) => !known(n.id));
  if (unknown.length > 0) {
    const ids = [...new Set(unknown.map((n) => n.id))];
    throw new DomainError(
      'UNKNOWN_APPROVER',
      `Unknown users or groups: ${ids.join(', ')}.`,
      unknown.map((n): ErrorDetail => ({ field: n.field, code: 'UNKNOWN_APPROVER', reason: `${n.id} is not a known user or group` })),
    );
  }
  await checkAllGroupSizes(ctx, saved.steps ?? []);
  return viewWarnings(ctx, spaceId, saved.steps ?? []);
}

/** SPEC 2.1a: `required: "all"` over Confluence groups means every member, so such a group may have at most 50 (GROUP_TOO_LARGE_FOR_ALL). */
async function checkAllGroupSizes(ctx: EngineContext, steps: WorkflowStep[]): Promise<void> {
  const details: ErrorDetail[] = [];
  for (const [i, step] of steps.entries()) {
    for (const [j, g] of stepGroups(step).entries()) {
      const groupIds = g.approvers.flatMap((a) => groupIdOf(a) ?? []);
      if (g.required !== 'all' || groupIds.length === 0) continue;
      // one more than the cap answers "too large" without listing a group of any size to the end
      const read = await Promise.all(groupIds.map((id) => ctx.confluence.groupMembersCapped(id, ALL_MEMBERS_CAP + 1)));
      const members = new Map(groupIds.map((id, k) => [id, read[k]?.members ?? []]));
      if (read.some((r) => r.more) || membersOf(g, members).length > ALL_MEMBERS_CAP) {
        details.push({ field: step.mode === undefined ? `steps[${i}].groups[${j}].required` : `steps[${i}].mode`, code: 'GROUP_TOO_LARGE_FOR_ALL', reason: `"all" needs every member, and these groups have more than ${ALL_MEMBERS_CAP}` });
      }
    }
  }
  if (details.length > 0) {
    throw new DomainError('GROUP_TOO_LARGE_FOR_ALL', `"All members" is limited to groups of at most ${ALL_MEMBERS_CAP} people; set a count instead.`, details);
  }
}

/** Ids a warning names before it counts the rest: it stays short for a workflow of 500 approvers. */
const SHOWN_IDS = 10;
const named = (ids: string[]): string => (ids.length > SHOWN_IDS ? `${ids.slice(0, SHOWN_IDS).join(', ')} and ${ids.length - SHOWN_IDS} more` : ids.join(', '));

/** Calls one approver's view check takes (the space's grants, the approver's groups), one page each. */
const CALLS_PER_VIEW_CHECK = 2;

/**
 * Direct user approvers who cannot view the space (groups are not expanded here: membership changes
 * over time). U25: under a per-invocation Confluence call cap, only the approvers whose checks fit
 * are checked and the rest are named in one APPROVERS_NOT_CHECKED warning: a warning never refuses a save.
 */
async function viewWarnings(ctx: EngineContext, spaceId: string, steps: WorkflowStep[]): Promise<EligibilityIssue[]> {
  const approvers = [...new Set(steps.flatMap(stepPrincipals).filter((a) => groupIdOf(a) === undefined))];
  const left = ctx.confluence.callsLeft();
  const checked = left === undefined ? approvers : approvers.slice(0, Math.floor(left / CALLS_PER_VIEW_CHECK));
  const unchecked = approvers.slice(checked.length);
  const canView = await Promise.all(checked.map((a) => ctx.confluence.canViewSpace(a, spaceId)));
  return [
    ...checked.filter((_, i) => !canView[i]).map((a) => ({ code: 'APPROVER_CANNOT_VIEW_SPACE', reason: `Approver ${a} cannot view the space` })),
    ...(unchecked.length > 0
      ? [{ code: 'APPROVERS_NOT_CHECKED', reason: `Whether ${unchecked.length} ${unchecked.length === 1 ? 'approver' : 'approvers'} (${named(unchecked)}) can view the space was not checked: one request may not make that many Confluence calls` }]
      : []),
  ];
}
