/**
 * Display names for account ids, so views can show people instead of raw ids. Confluence shows
 * display names to every user who can use it, so any authenticated caller may resolve them.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import type { ErrorDetail } from '../domain/errors';
import type { EngineContext } from './context';
import { defineOperation } from './operation';
import { groupIdOf } from '../domain/approvers';
import { ACCOUNT_ID_PATTERN } from '../domain/fields';

/** One Confluence users-bulk batch: the UI never needs more at once. */
export const MAX_PEOPLE_IDS = 250;
const MAX_ID_LENGTH = 128;

/** Display names by account id (at most 250 ids), and group names for "group:<id>" entries; unknown ids are absent. */
export const displayNames = defineOperation({
  rights: 'Any signed-in caller (Confluence shows display names to everyone who can use it).',
  async execute(ctx: EngineContext, _caller: Caller, accountIds: string[]): Promise<Record<string, string>> {
    validate(accountIds);
    // Group approvers ("group:<id>") are named by their Confluence group name, people by display name.
    const groups = [...new Set(accountIds.filter((id) => Boolean(groupIdOf(id)) && ACCOUNT_ID_PATTERN.test(id)))];
    // another shape names no user (simply absent) and would make Confluence refuse the whole batch
    const lookup = [...new Set(accountIds)].filter((id) => groupIdOf(id) === undefined && ACCOUNT_ID_PATTERN.test(id));
    const [users, groupNames] = await Promise.all([
      lookup.length ? ctx.confluence.getUsers(lookup) : new Map<string, { displayName: string }>(),
      groups.length ? ctx.confluence.groupNames(groups.map((g) => groupIdOf(g) ?? '')) : new Map<string, string>(),
    ]);
    const names: Record<string, string> = {};
    for (const id of lookup) {
      const user = users.get(id);
      if (user) names[id] = user.displayName;
    }
    for (const id of groups) {
      const name = groupNames.get(groupIdOf(id) ?? '');
      if (name !== undefined) names[id] = name;
    }
    return names;
  },
});

function validate(accountIds: string[]): void {
  if (accountIds.length > MAX_PEOPLE_IDS) {
    throw new DomainError('TOO_MANY_IDS', `At most ${MAX_PEOPLE_IDS} account ids can be looked up at once.`, [
      { field: 'accountIds', code: 'TOO_MANY', reason: `at most ${MAX_PEOPLE_IDS} ids` },
    ]);
  }
  const details: ErrorDetail[] = [];
  accountIds.forEach((id, i) => {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
      details.push({ field: `accountIds.${i}`, code: 'FORMAT', reason: `an account id is 1 to ${MAX_ID_LENGTH} characters` });
    }
  });
  if (details.length) throw new DomainError('INVALID_ACCOUNT_ID', 'Every account id must be 1 to 128 characters.', details);
}
