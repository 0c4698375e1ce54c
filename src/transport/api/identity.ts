/**
 * The ONLY place that decides who is calling the REST API (SPEC §4). Atlassian documents neither
 * field for apiRoute, so it tries platform-set sources in a fixed order (docs/forge-platform.md):
 *  - user:      1. context.principal.accountId (second handler argument, set by the platform)
 *               2. claims of request.contextToken: `aaid`, then `principal`, then `sub`
 *  - client id: 1. request.context.clientId, then request.context.oauthClientId
 *               2. claims of request.contextToken: `clientId`, then `client_id`, then `azp`
 * `contextToken` is issued by Forge with the invocation (captured real payload); it is read only from
 * the invocation's top-level field, never from headers, query or body (caller-controlled). Its
 * signature is not verified here: the platform delivered it, the caller cannot set that field.
 * Fails closed (401) when no user is found; a missing client id is recorded as "unavailable".
 */
import type { Caller } from '../../core/domain/caller';
import { DomainError } from '../../core/domain/errors';
import type { ForgeApiRequest, ForgeInvocationContext } from './forge-types';

// Atlassian account ids are short printable strings (e.g. 557058:uuid or a 24-hex id).
const ACCOUNT_ID = /^[A-Za-z0-9:._-]{1,128}$/;
const CLIENT_ID = /^[\x21-\x7e]{1,256}$/;
/** A JWT is three base64url parts; an unsigned one (alg none) has an empty third part. */
const JWT = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_CHARS = 16 * 1024;
/** Names kept per observation (claims, headers); the diagnostics record holds at most this many. */
const MAX_NAMES = 50;

export const ACCOUNT_ID_CLAIMS = ['aaid', 'principal', 'sub'] as const;
export const CLIENT_ID_CLAIMS = ['clientId', 'client_id', 'azp'] as const;
const CLIENT_ID_CONTEXT_FIELDS = ['clientId', 'oauthClientId'] as const;

export type PrincipalSource = 'context.principal' | `contextToken.${(typeof ACCOUNT_ID_CLAIMS)[number]}` | 'none';
export type ClientIdSource = `request.context.${(typeof CLIENT_ID_CONTEXT_FIELDS)[number]}` | `contextToken.${(typeof CLIENT_ID_CLAIMS)[number]}` | 'unavailable';

/** What the identity sources answered, by name only (platform diagnostics keep this, never values). */
export interface IdentityObservation {
  principalSource: PrincipalSource;
  clientIdSource: ClientIdSource;
  /** Was there a decodable contextToken at all? */
  contextTokenPresent: boolean;
  /** Names of the token's claims (no values). */
  tokenClaimNames: string[];
  /** Names of the forwarded request headers, lower-cased (no values). */
  headerNames: string[];
  identityFailed: boolean;
}

export interface IdentityResult {
  caller?: Caller;
  observation: IdentityObservation;
}

/** Payload of a JWT, or undefined when it is not one (the signature is the platform's business). */
export function decodeTokenClaims(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return undefined;
  const match = JWT.exec(token);
  if (!match) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function claimAccountId(value: unknown): string | undefined {
  // `principal` may be the id itself or an object carrying it.
  const id = value !== null && typeof value === 'object' ? (value as { accountId?: unknown }).accountId : value;
  return typeof id === 'string' && ACCOUNT_ID.test(id) ? id : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function userOf(context: unknown, claims: Record<string, unknown> | undefined): { accountId?: string; source: PrincipalSource } {
  const principal = asRecord(asRecord(context)?.principal);
  const fromContext = claimAccountId(principal?.accountId);
  if (fromContext) return { accountId: fromContext, source: 'context.principal' };
  for (const claim of ACCOUNT_ID_CLAIMS) {
    const id = claimAccountId(claims?.[claim]);
    if (id) return { accountId: id, source: `contextToken.${claim}` };
  }
  return { source: 'none' };
}

function clientOf(requestContext: Record<string, unknown> | undefined, claims: Record<string, unknown> | undefined): { clientId?: string; source: ClientIdSource } {
  const valid = (v: unknown): v is string => typeof v === 'string' && CLIENT_ID.test(v);
  for (const field of CLIENT_ID_CONTEXT_FIELDS) {
    const value = requestContext?.[field];
    if (valid(value)) return { clientId: value, source: `request.context.${field}` };
  }
  for (const claim of CLIENT_ID_CLAIMS) {
    const value = claims?.[claim];
    if (valid(value)) return { clientId: value, source: `contextToken.${claim}` };
  }
  return { source: 'unavailable' };
}

/** Resolves the caller without throwing, and says which sources answered. */
export function observeIdentity(request: ForgeApiRequest | undefined, context: ForgeInvocationContext | undefined): IdentityResult {
  const req = asRecord(request);
  const claims = decodeTokenClaims(req?.contextToken);
  const user = userOf(context, claims);
  const client = clientOf(asRecord(req?.context), claims);
  const headers = asRecord(req?.headers);
  const observation: IdentityObservation = {
    principalSource: user.source,
    clientIdSource: client.source,
    contextTokenPresent: claims !== undefined,
    tokenClaimNames: claims ? Object.keys(claims).sort().slice(0, MAX_NAMES) : [],
    headerNames: headers ? Object.keys(headers).map((h) => h.toLowerCase()).sort().slice(0, MAX_NAMES) : [],
    identityFailed: user.accountId === undefined,
  };
  if (user.accountId === undefined) return { observation };
  const caller: Caller = { accountId: user.accountId, source: 'api', clientId: client.clientId ?? 'unavailable', clientIdSource: client.source };
  return { caller, observation };
}

export function resolveCaller(request: ForgeApiRequest | undefined, context: ForgeInvocationContext | undefined): Caller {
  const { caller } = observeIdentity(request, context);
  if (!caller) {
    throw new DomainError('UNAUTHENTICATED', 'This API needs a signed-in Atlassian user (3LO token); no user could be resolved.');
  }
  return caller;
}
