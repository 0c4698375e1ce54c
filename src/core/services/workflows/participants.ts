/**
 * Approvers and owners must exist (SPEC 2.1): a save naming an unknown user or `group:<id>` is
 * refused with UNKNOWN_APPROVER and the bad ids in `details`. An approver who cannot view the space
 * is only a warning (APPROVER_CANNOT_VIEW_SPACE): access may be granted later.
 */
import { DomainError } from '../../domain/errors';
import type { ErrorDetail } from '../../domain/errors';
import { groupIdOf } from '../../domain/approvers';
import type { EligibilityIssue, WorkflowStep } from '../../domain/model';
import type { EngineContext } from '../context';

/** Shapes Confluence can look up at all; anything else names nobody (and would fail the whole batch). */
const ACCOUNT_ID_SHAPE = /^[0-9A-Za-z:_-]{1,128}$/;
const GROUP_ID_SHAPE = /^[0-9A-Za-z_-]{1,64}$/;

export interface Participants {
  steps?: WorkflowStep[];
  owners?: string[];
}

export async function checkParticipants(ctx: EngineContext, spaceId: string, saved: Participants): Promise<EligibilityIssue[]> {
  const named: { field: string; id: string }[] = [
    ...(saved.steps ?? []).flatMap((step, i) => step.approvers.map((id) => ({ field: `steps[${i}].approvers`, id }))),
    ...(saved.owners ?? []).map((id) => ({ field: 'owners', id })),
  ];
  const userIds = [...new Set(named.filter((n) => groupIdOf(n.id) === undefined).map((n) => n.id))];
  const groupIds = [...new Set(named.flatMap((n) => groupIdOf(n.id) ?? []))];
  const lookupUsers = userIds.filter((id) => ACCOUNT_ID_SHAPE.test(id));
  const lookupGroups = groupIds.filter((id) => GROUP_ID_SHAPE.test(id));
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
  return viewWarnings(ctx, spaceId, saved.steps ?? []);
}

/** Direct user approvers who cannot view the space (groups are not expanded here: membership changes over time). */
async function viewWarnings(ctx: EngineContext, spaceId: string, steps: WorkflowStep[]): Promise<EligibilityIssue[]> {
  const approvers = [...new Set(steps.flatMap((s) => s.approvers).filter((a) => groupIdOf(a) === undefined))];
  const canView = await Promise.all(approvers.map((a) => ctx.confluence.canViewSpace(a, spaceId)));
  return approvers
    .filter((_, i) => !canView[i])
    .map((a) => ({ code: 'APPROVER_CANNOT_VIEW_SPACE', reason: `Approver ${a} cannot view the space` }));
}
