/**
 * The one way a composition root turns (platform profile, invocation) into a ConfluenceAccess, so
 * Forge and the local runtime pick the same code path for the same profile answer.
 */
import type { Invocation } from '../../core/services/engine';
import type { PlatformProfile } from '../platform-profile';
import type { ConfluenceAccess } from './rest-confluence';

export function confluenceAccess(profile: PlatformProfile, invocation: Invocation, extra: Pick<ConfluenceAccess, 'gate' | 'observe'> = {}): ConfluenceAccess {
  return {
    ...(invocation.actingAccountId ? { actingAccountId: invocation.actingAccountId } : {}),
    impersonation: profile.apiRouteImpersonation,
    appUserIsConfluenceAdmin: profile.appUserIsConfluenceAdmin,
    ...extra,
  };
}
