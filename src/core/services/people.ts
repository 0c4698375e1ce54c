/**
 * Display names for account ids, so views can show people instead of raw ids. Confluence shows
 * display names to every user who can use it, so any authenticated caller may resolve them.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import type { ErrorDetail } from '../domain/errors';
import type { EngineContext } from './context';
import { defineOperation } from './operation';

/** One Confluence users-bulk batch: the UI never needs more at once. */
export const MAX_PEOPLE_IDS = 250;
const MAX_ID_LENGTH = 128;
/** Shape of an Atlassian account id. Anything else names no user (so it is simply absent), and
 * Confluence's bulk lookup would refuse the whole batch for it. */
const ACCOUNT_ID_SHAPE = /^[0-9A-Za-z:_-]+$/;

/** Display names by account id (at most 250 ids); unknown ids are absent. */
export const displayNames = defineOperation({
  rights: 'Any signed-in caller (Confluence shows display names to everyone who can use it).',
  async execute(ctx: EngineContext, _caller: Caller, accountIds: string[]): Promise<Record<string, string>> {
    validate(accountIds);
    const lookup = [...new Set(accountIds)].filter((id) => ACCOUNT_ID_SHAPE.test(id));
    if (lookup.length === 0) return {};
    const users = await ctx.confluence.getUsers(lookup);
    const names: Record<string, string> = {};
    for (const id of lookup) {
      const user = users.get(id);
      if (user) names[id] = user.displayName;
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
