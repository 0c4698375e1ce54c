/**
 * The one way a composition root turns (platform profile, invocation) into a ConfluenceAccess, so
 * Forge and the local runtime pick the same code path for the same profile answer.
 */
import type { Invocation } from '../../core/services/engine';
import type { PlatformProfile } from '../platform-profile';
import type { ConfluenceAccess } from './rest-confluence';

/**
 * `via`: 'resolver' (Custom UI, byline: the platform runs the function as the user, asUser() works)
 * or 'apiRoute' (the user is known from the identity module; acting as them needs impersonation).
 * Default 'resolver'.
 */
export function confluenceAccess(
  profile: PlatformProfile,
  invocation: Invocation,
  extra: Pick<ConfluenceAccess, 'gate' | 'observe'> & { via?: 'resolver' | 'apiRoute' } = {},
): ConfluenceAccess {
  const { via = 'resolver', ...rest } = extra;
  return {
    ...(invocation.actingAccountId ? { actingAccountId: invocation.actingAccountId } : {}),
    impersonation: profile.apiRouteImpersonation,
    appUserIsConfluenceAdmin: profile.appUserIsConfluenceAdmin,
    // apiRoute payloads say `userAccess.enabled: false`: asUser() without an id is not available there.
    actingUserReachable: via === 'resolver',
    ...rest,
  };
}

/**
 * The user whose own invocation context asUser() (no id) acts for, if any. Never in apiRoute, even
 * when the platform sets a principal: the captured payload says `userAccess.enabled: false`, so the
 * API caller is reached by asUser(accountId) (impersonation) only.
 */
export function invokingUser(invocation: Invocation, via: 'resolver' | 'apiRoute'): string | undefined {
  return via === 'resolver' ? invocation.actingAccountId : undefined;
}
