/**
 * Platform profile: one switch per platform fact we could not confirm (docs/forge-platform.md lists
 * each with its evidence). The app's adapters read it to pick a code path; the local runtime reads
 * the same file (`npm start -- --profile <file>`) to make its Forge and Confluence twins answer
 * that way. The default is `documented`; `strict` is the least friendly reading under which it still works.
 */
import { z } from 'zod';

export const platformProfileSchema = z
  .object({
    name: z.string().min(1).max(60),
    /**
     * apiRoute: where the platform puts the 3LO user. `context`: `context.principal` (and the context
     * token's `accountId`); `contextToken`: only the real-shape token's `accountId`; `appUserInToken`:
     * the token's `accountId` is the app's own user (what a non-user invocation's token carries: the
     * identity module must refuse it); `absent`: nowhere.
     */
    apiRoutePrincipal: z.enum(['context', 'contextToken', 'appUserInToken', 'absent']),
    /** apiRoute: where the OAuth client id is (request context field, `contextToken` claim, or nowhere). */
    apiRouteClientId: z.enum(['context', 'contextToken', 'absent']),
    /** apiRoute: which request headers Forge forwards to the function (`conservative`: none of content-type/idempotency-key). */
    apiRouteHeaders: z.enum(['all', 'conservative']),
    /** apiRoute: do the function's custom response headers (retry-after, idempotent-replayed) reach the caller? */
    apiRouteResponseHeaders: z.enum(['forwarded', 'dropped']),
    /** apiRoute: may the app call Confluence as the resolved caller (asUser(accountId) impersonation)? */
    apiRouteImpersonation: z.boolean(),
    /** Is the app user a Confluence administrator (needed for permission/check about another user)? */
    appUserIsConfluenceAdmin: z.boolean(),
    /**
     * Storage index queries (`query`, entity index queries) after a write: `strong` shows the write at
     * once; `eventual` lags it (Atlassian documents index queries as eventually consistent, `get` as
     * strongly consistent: docs/forge-platform.md U22). The local runtime's store follows it.
     */
    indexConsistency: z.enum(['strong', 'eventual']),
    /**
     * Does the batched v2 page list (`GET /wiki/api/v2/pages?id=…`) answer `include-operations=true`
     * with each page's permitted operations for the caller (docs/forge-platform.md U24)? `included`:
     * the list is asked for them and `update` among them answers the edit check with no call of its
     * own; `absent` (undocumented for the list): never asked, one permission check per page.
     */
    pageListOperations: z.enum(['included', 'absent']),
    /**
     * The most Confluence calls one invocation gets answered (docs/forge-platform.md U25): past it the
     * Forge proxy answers 429 `forge-proxy-error: FETCH_LIMIT_EXCEEDED`. Absent: no cap (the current
     * limits page lists none). The call gate refuses past it, operations that know their call count
     * refuse before calling, and the local twin enforces it.
     */
    confluenceCallsPerInvocation: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();

export type PlatformProfile = z.infer<typeof platformProfileSchema>;

/**
 * `documented` (SPEC §7): the reading best supported by the evidence: the product's published docs
 * (user and OAuth client id from the 3LO request context), Atlassian's docs (request headers can be
 * passed to app REST APIs) and captured payloads; custom response headers do not reach the caller.
 */
export const DOCUMENTED_PLATFORM_PROFILE: PlatformProfile = {
  name: 'documented',
  apiRoutePrincipal: 'context',
  apiRouteClientId: 'context',
  apiRouteHeaders: 'all',
  apiRouteResponseHeaders: 'dropped',
  apiRouteImpersonation: true,
  appUserIsConfluenceAdmin: false,
  // documented as eventual; `strong` keeps `npm start` lists instant (strict turns the lag on)
  indexConsistency: 'strong',
  // the v2 reference documents include-operations for one page only, not for the list (U24)
  pageListOperations: 'absent',
};

/**
 * `strict`: every unconfirmed fact at its least friendly answer under which the API still works
 * (the user only in the context token's `accountId`, no client id, no request headers beyond
 * content negotiation, no response headers, index queries that lag writes, at most 99 Confluence
 * calls answered per invocation).
 */
export const STRICT_PLATFORM_PROFILE: PlatformProfile = {
  name: 'strict',
  apiRoutePrincipal: 'contextToken',
  apiRouteClientId: 'absent',
  apiRouteHeaders: 'conservative',
  apiRouteResponseHeaders: 'dropped',
  apiRouteImpersonation: true,
  appUserIsConfluenceAdmin: false,
  indexConsistency: 'eventual',
  pageListOperations: 'absent',
  // ECO-491: "limit 100" network requests per invocation, and the 100th call was refused (U25)
  confluenceCallsPerInvocation: 99,
};

export const DEFAULT_PLATFORM_PROFILE: PlatformProfile = DOCUMENTED_PLATFORM_PROFILE;
