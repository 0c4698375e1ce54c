/**
 * Platform profile: one switch per platform fact we could not confirm (docs/forge-platform.md lists
 * each with its evidence). The app's adapters read it to pick a code path; the local runtime reads
 * the same file (`npm start -- --profile <file>`) to make its Forge and Confluence twins answer
 * that way. The default is the most pessimistic reading under which the product can still work.
 */
import { z } from 'zod';

export const platformProfileSchema = z
  .object({
    name: z.string().min(1).max(60),
    /** apiRoute: where the platform puts the 3LO user (`context.principal`, only the claims of `contextToken`, or nowhere). */
    apiRoutePrincipal: z.enum(['context', 'contextToken', 'absent']),
    /** apiRoute: where the OAuth client id is (request context field, `contextToken` claim, or nowhere). */
    apiRouteClientId: z.enum(['context', 'contextToken', 'absent']),
    /** apiRoute: which request headers Forge forwards to the function (`conservative`: none of content-type/idempotency-key). */
    apiRouteHeaders: z.enum(['all', 'conservative']),
    /** apiRoute: may the app call Confluence as the resolved caller (asUser(accountId) impersonation)? */
    apiRouteImpersonation: z.boolean(),
    /** Is the app user a Confluence administrator (needed for permission/check about another user)? */
    appUserIsConfluenceAdmin: z.boolean(),
  })
  .strict();

export type PlatformProfile = z.infer<typeof platformProfileSchema>;

/** Strict default: the real captured payload shape, app user neither admin nor in page restrictions. */
export const DEFAULT_PLATFORM_PROFILE: PlatformProfile = {
  name: 'pessimistic',
  apiRoutePrincipal: 'contextToken',
  apiRouteClientId: 'absent',
  apiRouteHeaders: 'conservative',
  apiRouteImpersonation: true,
  appUserIsConfluenceAdmin: false,
};
