/**
 * The ONLY place that decides who is calling the REST API (SPEC §4). Atlassian documents neither
 * field for apiRoute, so it tries platform-set sources in the order the evidence supports
 * (docs/forge-platform.md §2):
 *  - user:      1. context.principal.accountId (second handler argument, set by the platform)
 *               2. the `accountId` claim of request.contextToken, accepted ONLY when the token is a
 *                  Forge context token (`iss: forge/context-token`, `aud: forge`), names the invoked
 *                  apiRoute as its module, and the id is not the app's own user: a non-user
 *                  invocation's token (a scheduled trigger's) also carries an `accountId`.
 *  - client id: 1. request.context.clientId, then request.context.oauthClientId
 *               2. claims of request.contextToken: `clientId`, then `client_id`, then `azp`
 * `contextToken` is issued by Forge with the invocation; it is read only from the invocation's
 * top-level field, never from headers, query or body (caller-controlled). Its signature is not
 * verified here: the platform delivered it, the caller cannot set that field. Fails closed (401)
 * when no user is found; a missing client id is recorded as "unavailable".
 */
import type { Caller } from '../../core/domain/caller';
import { ACCOUNT_ID_PATTERN } from '../../core/domain/fields';
import { DomainError } from '../../core/domain/errors';
import type { ForgeApiRequest, ForgeInvocationContext } from './forge-types';

// Atlassian account ids are short printable strings (e.g. 557058:uuid or a 24-hex id).
const CLIENT_ID = /^[\x21-\x7e]{1,256}$/;
/** A JWT is three base64url parts; an unsigned one (alg none) has an empty third part. */
const JWT = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_CHARS = 16 * 1024;
/** Names kept per observation (claims, headers); the diagnostics record holds at most this many. */
export const MAX_NAMES = 50;
/** Characters kept of each name: a caller sets header names, and the record refuses a longer one. */
export const MAX_NAME_CHARS = 100;
/** The names an observation keeps: each cut to MAX_NAME_CHARS, at most MAX_NAMES of them. */
const namesOf = (names: string[]): string[] => names.map((n) => n.slice(0, MAX_NAME_CHARS)).sort().slice(0, MAX_NAMES);

/** What every public Forge context token says about itself (docs/forge-platform.md U2). */
export const CONTEXT_TOKEN_ISSUER = 'forge/context-token';
export const CONTEXT_TOKEN_AUDIENCE = 'forge';
export const CLIENT_ID_CLAIMS = ['clientId', 'client_id', 'azp'] as const;
const CLIENT_ID_CONTEXT_FIELDS = ['clientId', 'oauthClientId'] as const;

export type PrincipalSource = 'context.principal' | 'contextToken.accountId' | 'none';
export type ClientIdSource = `request.context.${(typeof CLIENT_ID_CONTEXT_FIELDS)[number]}` | `contextToken.${(typeof CLIENT_ID_CLAIMS)[number]}` | 'unavailable';
/** Why a token's `accountId` was not taken as the caller (diagnostics: a refused source, never its value). */
export type TokenAccountRefusal = 'not-a-context-token' | 'module-mismatch' | 'app-user';

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
  /** The token carried an `accountId` the guard refused, and why. */
  tokenAccountRefused?: TokenAccountRefusal;
  identityFailed: boolean;
}

export interface IdentityResult {
  caller?: Caller;
  observation: IdentityObservation;
}

export interface IdentityOptions {
  /**
   * The app's own user on this site (the identity of asApp() calls). Asked only when the user would
   * come from the token; a lookup that fails throws (the call cannot be attributed safely).
   * `installation`: the platform-set installation of the invocation (a warm instance may serve
   * several), so an answer kept in memory is never another site's.
   */
  appAccountId(installation?: string): Promise<string | undefined>;
}

/** Payload of a JWT, or undefined when it is not one (the signature is the platform's business). */
export function decodeTokenClaims(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return undefined;
  const match = JWT.exec(token);
  if (!match) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8'));
    return asRecord(claims);
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const validAccountId = (value: unknown): value is string => typeof value === 'string' && ACCOUNT_ID_PATTERN.test(value);

type UserAnswer = { accountId?: string; source: PrincipalSource; refused?: TokenAccountRefusal };

/** The token's `accountId`, if the guard lets it name the caller of this apiRoute invocation. */
async function tokenUser(claims: Record<string, unknown> | undefined, invoked: { module: unknown; installation?: string }, options: IdentityOptions): Promise<UserAnswer> {
  const accountId = claims?.accountId;
  if (!claims || !validAccountId(accountId)) return { source: 'none' };
  if (claims.iss !== CONTEXT_TOKEN_ISSUER || claims.aud !== CONTEXT_TOKEN_AUDIENCE) return { source: 'none', refused: 'not-a-context-token' };
  const tokenModule = asRecord(claims.context)?.moduleKey;
  if (typeof invoked.module !== 'string' || tokenModule !== invoked.module) return { source: 'none', refused: 'module-mismatch' };
  if (accountId === (await options.appAccountId(invoked.installation))) return { source: 'none', refused: 'app-user' };
  return { accountId, source: 'contextToken.accountId' };
}

/** The installation the platform invoked us for: the site ARI of the invocation context, else the request's cloud id. */
function installationOf(request: Record<string, unknown> | undefined, context: unknown): string | undefined {
  const named = [asRecord(context)?.installContext, asRecord(request?.context)?.cloudId].find((v) => typeof v === 'string' && v.length > 0);
  return typeof named === 'string' ? named : undefined;
}

async function userOf(request: Record<string, unknown> | undefined, context: unknown, claims: Record<string, unknown> | undefined, options: IdentityOptions): Promise<UserAnswer> {
  const fromContext = asRecord(asRecord(context)?.principal)?.accountId;
  if (validAccountId(fromContext)) return { accountId: fromContext, source: 'context.principal' };
  return tokenUser(claims, { module: asRecord(request?.context)?.moduleKey, installation: installationOf(request, context) }, options);
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

/** Resolves the caller without throwing on "no user", and says which sources answered. */
export async function observeIdentity(request: ForgeApiRequest | undefined, context: ForgeInvocationContext | undefined, options: IdentityOptions): Promise<IdentityResult> {
  const req = asRecord(request);
  const claims = decodeTokenClaims(req?.contextToken);
  const user = await userOf(req, context, claims, options);
  const client = clientOf(asRecord(req?.context), claims);
  const headers = asRecord(req?.headers);
  const observation: IdentityObservation = {
    principalSource: user.source,
    clientIdSource: client.source,
    contextTokenPresent: claims !== undefined,
    tokenClaimNames: claims ? namesOf(Object.keys(claims)) : [],
    headerNames: headers ? namesOf(Object.keys(headers).map((h) => h.toLowerCase())) : [],
    ...(user.refused ? { tokenAccountRefused: user.refused } : {}),
    identityFailed: user.accountId === undefined,
  };
  if (user.accountId === undefined) return { observation };
  const caller: Caller = { accountId: user.accountId, source: 'api', clientId: client.clientId ?? 'unavailable', clientIdSource: client.source };
  return { caller, observation };
}

export function unauthenticated(): DomainError {
  return new DomainError('UNAUTHENTICATED', 'This API needs a signed-in Atlassian user (3LO token); no user could be resolved.');
}

export async function resolveCaller(request: ForgeApiRequest | undefined, context: ForgeInvocationContext | undefined, options: IdentityOptions): Promise<Caller> {
  const { caller } = await observeIdentity(request, context, options);
  if (!caller) throw unauthenticated();
  return caller;
}

/** The observation the handler made of an invocation, for the diagnostics wrapper (no second lookup). */
const observed = new WeakMap<object, IdentityObservation>();

export function rememberObservation(request: object, observation: IdentityObservation): void {
  observed.set(request, observation);
}

export function observationOf(request: object): IdentityObservation | undefined {
  return observed.get(request);
}
