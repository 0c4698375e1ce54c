/**
 * The one way a composition root turns (platform profile, invocation) into a ConfluenceAccess, so
 * Forge and the local runtime pick the same code path for the same profile answer.
 */
import type { Invocation } from '../../core/services/engine';
import type { PlatformProfile } from '../platform-profile';
import type { ConfluenceAccess } from './rest-confluence';

/**
 * `via`: 'resolver' (Custom UI, byline: the platform runs the function as the user, asUser() works)
 * or 'apiRoute' (the user is known from the contextToken; acting as them needs impersonation unless
 * the platform sets the principal). Default 'resolver'.
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
    actingUserReachable: via === 'resolver' || profile.apiRoutePrincipal === 'context',
    ...rest,
  };
}

/** The user whose own invocation context asUser() (no id) acts for, if any. */
export function invokingUser(profile: PlatformProfile, invocation: Invocation, via: 'resolver' | 'apiRoute'): string | undefined {
  return via === 'resolver' || profile.apiRoutePrincipal === 'context' ? invocation.actingAccountId : undefined;
}
