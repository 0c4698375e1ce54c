/**
 * What Forge hands an apiRoute function, built per platform profile (docs/local-runtime.md
 * "Invocation payload"). The shape follows the one captured real payload: `method`,
 * `call.functionKey` (= the route's module key), multi-value `headers`, `queryParameters` arrays, a
 * string `body`, the full gateway `path`, `userPath: null`, `context {cloudId, moduleKey,
 * userAccess}` and a `contextToken` of the real shape. Where the user and the client id appear is
 * what the profile says.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { LOCAL_APP_USER } from '../site/seed';
import type { PlatformProfile } from '../../src/adapters/platform-profile';
import type { ForgeApiRequest, ForgeInvocationContext } from '../../src/transport/api/forge-types';

/**
 * `conservative`: only content-negotiation and client-identification headers, the minimum every
 * proxy forwards (no content-type, no idempotency-key, no custom headers). `all`: everything the
 * client sent except what a gateway never forwards (credentials, cookies, hop-by-hop, framing).
 */
const CONSERVATIVE_HEADERS = new Set(['accept', 'accept-language', 'accept-encoding', 'user-agent']);
const NEVER_FORWARDED = new Set(['authorization', 'cookie', 'host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'te', 'upgrade', 'proxy-authorization']);

export function forwardedHeaders(headers: Record<string, string | string[] | undefined>, mode: PlatformProfile['apiRouteHeaders']): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || NEVER_FORWARDED.has(name)) continue;
    if (mode === 'conservative' && !CONSERVATIVE_HEADERS.has(name)) continue;
    out[name] = Array.isArray(value) ? [...value] : [value];
  }
  return out;
}

export function queryParameters(url: URL): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  return query;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A context token in the real shape (docs/forge-platform.md U2): header `RS256` with a
 * `forge/context-token/…` key id, a random signature (the app does not verify it: the platform
 * delivered it). The app must never trust it more than Forge lets it and must never log it.
 */
export function contextToken(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', kid: 'forge/context-token/local-1', typ: 'JWT' })}.${b64url(claims)}.${randomBytes(32).toString('base64url')}`;
}

export interface ContextTokenInput {
  appId: string;
  environmentId: string;
  cloudId: string;
  moduleKey: string;
  extensionType: string;
  /** absent: no `accountId` claim at all */
  accountId?: string;
  licenseActive: boolean;
  nowMs: number;
  extra?: Record<string, unknown>;
}

/** The claims every public Forge context token carries, for one module invocation. */
export function contextTokenClaims(input: ContextTokenInput): Record<string, unknown> {
  const nowS = Math.floor(input.nowMs / 1000);
  return {
    iss: 'forge/context-token',
    aud: 'forge',
    ...(input.accountId === undefined ? {} : { accountId: input.accountId }),
    context: { cloudId: input.cloudId, moduleKey: input.moduleKey },
    appId: `ari:cloud:ecosystem::app/${input.appId}`,
    appVersion: '1.0.0',
    extensionId: `ari:cloud:ecosystem::extension/${input.appId}/${input.environmentId}/static/${input.moduleKey}`,
    extensionType: input.extensionType,
    contextIds: [`ari:cloud:confluence::site/${input.cloudId}`],
    unlicensed: !input.licenseActive,
    iat: nowS,
    nbf: nowS,
    exp: nowS + 900,
    jti: randomUUID(),
    ...input.extra,
  };
}

export interface ApiInvocationInput {
  profile: PlatformProfile;
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  route: { key: string };
  cloudId: string;
  appId: string;
  environmentId: string;
  installContext: string;
  accountId: string;
  clientId: string;
  licenseActive: boolean;
  nowMs: number;
}

export function buildApiInvocation(input: ApiInvocationInput): { request: ForgeApiRequest; context: ForgeInvocationContext } {
  const { profile } = input;
  const tokenAccount = { context: input.accountId, contextToken: input.accountId, appUserInToken: LOCAL_APP_USER.accountId, absent: undefined }[profile.apiRoutePrincipal];
  const claims = contextTokenClaims({
    appId: input.appId,
    environmentId: input.environmentId,
    cloudId: input.cloudId,
    moduleKey: input.route.key,
    extensionType: 'core:apiRoute',
    ...(tokenAccount === undefined ? {} : { accountId: tokenAccount }),
    licenseActive: input.licenseActive,
    nowMs: input.nowMs,
    ...(profile.apiRouteClientId === 'contextToken' ? { extra: { clientId: input.clientId } } : {}),
  });

  const requestContext: NonNullable<ForgeApiRequest['context']> = {
    cloudId: input.cloudId,
    moduleKey: input.route.key,
    userAccess: { enabled: false, hasAccess: true },
  };
  if (profile.apiRouteClientId === 'context') requestContext.clientId = input.clientId;

  const request: ForgeApiRequest & { call: { functionKey: string } } = {
    method: input.method,
    call: { functionKey: input.route.key },
    headers: forwardedHeaders(input.headers, profile.apiRouteHeaders),
    queryParameters: queryParameters(input.url),
    body: input.body,
    path: input.url.pathname,
    userPath: null,
    context: requestContext,
    contextToken: contextToken(claims),
  };
  const context: ForgeInvocationContext = {
    installContext: input.installContext,
    license: { isActive: input.licenseActive },
    ...(profile.apiRoutePrincipal === 'context' ? { principal: { accountId: input.accountId } } : {}),
  };
  return { request, context };
}
