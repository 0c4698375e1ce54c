/**
 * The one way a composition root turns (platform profile, invocation) into a ConfluenceAccess, so
 * Forge and the local runtime pick the same code path for the same profile answer.
 */
import type { Invocation } from '../../core/services/engine';
import type { PlatformProfile } from '../platform-profile';
import { CallGate, type CallGateOptions } from './call-gate';

/** How this invocation may reach Confluence; built per invocation by the composition roots. */
export interface ConfluenceAccess {
  /** The user the invocation acts for (absent: triggers and jobs act as the app). */
  actingAccountId?: string;
  /** asUser(accountId) works for a user other than the invocation's own (profile apiRouteImpersonation). */
  impersonation: boolean;
  /** The app user holds Confluence Administrator, so permission/check about another user works as the app. */
  appUserIsConfluenceAdmin: boolean;
  /**
   * Can calls be made as the acting user without impersonation (default true: resolvers run with the
   * user's own context)? apiRoute only when the platform sets the principal. When false and
   * impersonation is off, reads run as the app and questions about the user take the "another
   * user" path: equally strict, but pages the app user cannot see stay hidden.
   */
  actingUserReachable?: boolean;
  /** Ask the batched page list for each page's permitted operations (profile pageListOperations, U24). */
  pageListOperations?: boolean;
  gate?: CallGate;
  /** Told when a call confirms or refutes a profile assumption (platform diagnostics). */
  observe?: (assumption: 'apiRouteImpersonation' | 'appUserIsConfluenceAdmin' | 'pageListOperations', holds: boolean) => void;
}

/**
 * `via`: 'resolver' (Custom UI, byline: the platform runs the function as the user, asUser() works)
 * or 'apiRoute' (the user is known from the identity module; acting as them needs impersonation).
 * Default 'resolver'.
 */
export function confluenceAccess(
  profile: PlatformProfile,
  invocation: Invocation,
  /** `gate`: a ready gate (tests); else one is built from `gateOptions` with the profile's per-invocation call cap (U25) */
  extra: Pick<ConfluenceAccess, 'gate' | 'observe'> & { via?: 'resolver' | 'apiRoute'; gateOptions?: Omit<CallGateOptions, 'callLimit'> } = {},
): ConfluenceAccess {
  const { via = 'resolver', gate, gateOptions, ...rest } = extra;
  const cap = profile.confluenceCallsPerInvocation;
  return {
    gate: gate ?? new CallGate({ ...gateOptions, ...(cap === undefined ? {} : { callLimit: cap }) }),
    ...(invocation.actingAccountId ? { actingAccountId: invocation.actingAccountId } : {}),
    impersonation: profile.apiRouteImpersonation,
    appUserIsConfluenceAdmin: profile.appUserIsConfluenceAdmin,
    // apiRoute payloads say `userAccess.enabled: false`: asUser() without an id is not available there.
    actingUserReachable: via === 'resolver',
    pageListOperations: profile.pageListOperations === 'included',
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
