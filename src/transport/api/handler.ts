/**
 * One thin handler per route over the shared request pipeline (transport/shared/pipeline.ts): the
 * checks only REST can make (method, routed module, body framing, Idempotency-Key), one engine call
 * through the route table, the response allow-list and the envelope.
 * Authorization of the object itself (can this user see/edit this page or space?) is the engine's job;
 * the checks here are the ones only the transport can make. Handlers never throw: every outcome is a
 * well-formed `{statusCode, headers, body}` (an uncaught throw would become an opaque platform error).
 */
import type { Caller } from '../../core/domain/caller';
import type { ErrorDetail } from '../../core/domain/errors';
import { FIELD_LIMITS } from '../../core/domain/limits';
import type { EngineFactory } from '../../core/services/engine';
import { DomainError } from '../../core/domain/errors';
import { failureEnvelope, toPublicError, type PublicError } from '../public-error';
import { listCursorFor, writeOps, type Edge } from '../shared/edge';
import { invalidRequest, runPipeline } from '../shared/pipeline';
import type { ForgeApiHandler, ForgeApiRequest, ForgeApiResponse, ForgeInvocationContext } from './forge-types';
import { observeIdentity, rememberObservation, unauthenticated, type IdentityOptions } from './identity';
import { AnsweredMeanwhile, fingerprintOf, type ChangeClaim, type IdempotencyStore, type Settled } from './idempotency';
import type { Rider } from './rider';
import { keyedContext, settledResponse, shape, type Keyed } from './keyed';
import { ROUTES_BY_KEY, type ApiRoute } from './routes';
import { rideOnJobs } from '../diagnostics/job-ride';
import { rideOnAnswer } from '../diagnostics/answer-ride';

export const MAX_BODY_BYTES = 256 * 1024;
const IDEMPOTENCY_KEY = new RegExp(`^[\\x21-\\x7e]{1,${FIELD_LIMITS.idempotencyKey.max}}$`);
const IDEMPOTENCY_RULE = `must be one value of 1..${FIELD_LIMITS.idempotencyKey.max} visible ASCII characters`;
/** How long a client should wait when the same key's first request is still running. */

/** The idempotency key's query-parameter form, for platforms that do not forward the header (U4). */
export const IDEMPOTENCY_QUERY_PARAMETER = 'idempotencyKey';

function jsonResponse(statusCode: number, payload: unknown, extraHeaders: Record<string, string[]> = {}): ForgeApiResponse {
  return {
    statusCode,
    headers: { 'content-type': ['application/json'], 'cache-control': ['no-store'], ...extraHeaders },
    body: JSON.stringify(payload),
  };
}

/** Case-insensitive header lookup; tolerates a bare string where the platform should send an array. */
function headerValues(request: ForgeApiRequest, name: string): string[] | undefined {
  const headers: unknown = request.headers;
  if (headers === null || typeof headers !== 'object') return undefined;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
    return [];
  }
  return undefined;
}

function isJsonMediaType(value: string): boolean {
  return value.split(';')[0].trim().toLowerCase() === 'application/json';
}

/** Query values arrive as arrays; each parameter must be given exactly once. */
function singleQueryValues(request: ForgeApiRequest): Record<string, string> {
  const raw: unknown = request.queryParameters;
  const values: Record<string, string> = {};
  if (raw === undefined || raw === null) return values;
  if (typeof raw !== 'object') throw new DomainError('INVALID_REQUEST', 'The query string could not be read.');
  const details: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const list = typeof value === 'string' ? [value] : value;
    if (Array.isArray(list) && list.length === 1 && typeof list[0] === 'string') values[name] = list[0];
    else details.push({ field: name, code: 'INVALID_VALUE', reason: 'must be given exactly once' });
  }
  if (details.length > 0) throw new DomainError('INVALID_REQUEST', 'The request is invalid; see details for each field.', details);
  return values;
}

interface ParsedInput {
  input: unknown;
  /** what the idempotency fingerprint covers: the JSON body as sent (key order ignored) */
  rawBody: unknown;
}

function parseInput(route: ApiRoute, request: ForgeApiRequest): ParsedInput {
  if (route.request.in === 'query') {
    const query = singleQueryValues(request);
    const parsed = route.request.schema.safeParse(query);
    if (!parsed.success) throw invalidRequest(parsed.error.issues, query);
    return { input: parsed.data, rawBody: undefined };
  }

  // Forge may not forward Content-Type (UNCONFIRMED): absent is fine if the body parses; an explicit non-JSON type is not.
  const contentTypes = headerValues(request, 'content-type');
  if (contentTypes && contentTypes.length > 0 && !contentTypes.every(isJsonMediaType)) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON with Content-Type: application/json.');
  }
  const body: unknown = request.body;
  const isObjectBody = body !== null && typeof body === 'object' && !Array.isArray(body);
  if (body !== undefined && body !== null && typeof body !== 'string' && !isObjectBody) {
    throw new DomainError('INVALID_JSON', 'The request body is not valid JSON.');
  }
  const text = isObjectBody ? JSON.stringify(body) : ((body as string | null | undefined) ?? '');
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new DomainError('PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  }
  // Query parameters are not part of any POST route: reject them like unknown body fields.
  // ...but the idempotency key, whose query form exists for platforms that drop the header
  const query = queryParameterNames(request).filter((name) => name !== IDEMPOTENCY_QUERY_PARAMETER);
  if (query.length > 0) {
    throw new DomainError(
      'INVALID_REQUEST',
      'The request is invalid; see details for each field.',
      query.map((name) => ({ field: name, code: 'UNKNOWN_FIELD', reason: 'this operation takes no query parameters' })),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DomainError('INVALID_JSON', text.trim() === '' ? 'The request body is empty; send a JSON object.' : 'The request body is not valid JSON.');
  }
  const parsed = route.request.schema.safeParse(json);
  if (!parsed.success) throw invalidRequest(parsed.error.issues, json);
  return { input: parsed.data, rawBody: json };
}

function queryParameterNames(request: ForgeApiRequest): string[] {
  const raw: unknown = request.queryParameters;
  return raw !== null && typeof raw === 'object' ? Object.keys(raw) : [];
}

/** The HTTP frame of a refusal: the envelope, and Retry-After when the error carries a delay. */
function failureResponse(pub: PublicError): ForgeApiResponse {
  const headers = pub.retryAfter !== undefined ? { 'retry-after': [String(pub.retryAfter)] } : undefined;
  return jsonResponse(pub.status, failureEnvelope(pub), headers);
}

function toErrorResponse(err: unknown, route: ApiRoute): ForgeApiResponse {
  // Names and messages only: never the request, its headers or contextToken.
  return failureResponse(toPublicError(err, (line) => console.error(`api ${route.key}: internal error: ${line}`)));
}

/** Defense in depth behind the gateway's token-scope check: the routed module must share our scope; missing fails closed. */
function checkModuleKey(route: ApiRoute, request: ForgeApiRequest): void {
  // Absent or unknown fails closed: every real apiRoute invocation names its module.
  const moduleKey: unknown = request.context?.moduleKey;
  const routed = typeof moduleKey === 'string' ? ROUTES_BY_KEY.get(moduleKey) : undefined;
  if (!routed || routed.scope !== route.scope) {
    throw new DomainError('SCOPE_MISMATCH', 'This operation is not available through the route that was called.');
  }
}

function oneKey(values: string[] | undefined, field: string): string | undefined {
  if (values === undefined) return undefined;
  if (values.length !== 1 || !IDEMPOTENCY_KEY.test(values[0])) {
    throw new DomainError('INVALID_IDEMPOTENCY_KEY', `${field} ${IDEMPOTENCY_RULE}.`, [{ field, code: 'INVALID_VALUE', reason: IDEMPOTENCY_RULE }]);
  }
  return values[0];
}

/**
 * The key from the `Idempotency-Key` header or the `idempotencyKey` query parameter (SPEC §3: the
 * platform may not forward headers). Both present must agree: two different keys are ambiguous.
 */
function idempotencyKeyOf(request: ForgeApiRequest): string | undefined {
  const fromHeader = oneKey(headerValues(request, 'idempotency-key'), 'Idempotency-Key');
  const query: unknown = request.queryParameters;
  const raw = query !== null && typeof query === 'object' ? (query as Record<string, unknown>)[IDEMPOTENCY_QUERY_PARAMETER] : undefined;
  const fromQuery = oneKey(raw === undefined ? undefined : typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [], IDEMPOTENCY_QUERY_PARAMETER);
  if (fromHeader !== undefined && fromQuery !== undefined && fromHeader !== fromQuery) {
    throw new DomainError('INVALID_IDEMPOTENCY_KEY', 'The Idempotency-Key header and the idempotencyKey query parameter differ; send one key.', [
      { field: IDEMPOTENCY_QUERY_PARAMETER, code: 'INVALID_VALUE', reason: 'differs from the Idempotency-Key header' },
    ]);
  }
  return fromHeader ?? fromQuery;
}

/** Only final, deterministic answers are remembered; throttling and internal errors stay retryable. */
function isReplayable(statusCode: number): boolean {
  return statusCode < 500 && statusCode !== 429;
}

/** What every route handler is built over (one set per composition root). */
export interface RouteDeps {
  getEngine: EngineFactory;
  idempotency: IdempotencyStore;
  edge: Edge;
  identity: IdentityOptions;
}

async function execute(route: ApiRoute, deps: RouteDeps, caller: Caller, input: unknown, keyed?: Keyed): Promise<ForgeApiResponse> {
  try {
    const context = {
      engine: deps.getEngine({ actingAccountId: caller.accountId }),
      caller,
      ...(keyed ? keyedContext(route, keyed) : {}),
      listCursor: (query: Record<string, unknown> & { cursor?: string }, options?: { maxAgeMs?: number }) => listCursorFor(deps.edge, route.key, caller, query, options),
    };
    const data = await route.execute(context, input);
    // The response schema is an allow-list: anything else the engine returned is dropped here.
    const shaped = shape(route, data);
    if (!shaped.success) {
      const paths = shaped.error.issues.map((i) => i.path.join('.')).join(', ');
      return toErrorResponse(new Error(`engine result does not match the response schema at: ${paths}`), route);
    }
    return jsonResponse(route.response.status, shaped.data);
  } catch (err) {
    // another attempt of the key answered while this one planned its change: answer what it did
    if (err instanceof AnsweredMeanwhile) return settledResponse(err.settled, (refusal) => toErrorResponse(refusal, route));
    return toErrorResponse(err, route);
  }
}

/** The invocation's diagnostics record, for the transaction that records a keyed answer (answer-ride.ts). */
type AnswerRide = (statusCode: number) => Promise<Rider | undefined>;

/** Executes, or replays what an earlier request with the same Idempotency-Key answered. */
async function executeOnce(route: ApiRoute, deps: RouteDeps, caller: Caller, parsed: ParsedInput, key: string | undefined, ride: AnswerRide): Promise<ForgeApiResponse> {
  if (key === undefined) return execute(route, deps, caller, parsed.input);
  const scope = { accountId: caller.accountId, clientId: caller.clientId, routeKey: route.idempotencyScope };
  // The write's rate-limit count rides in the key's claim: one transaction, counted only if it executes.
  const alongside = (claimKey: string) => writeOps(deps.edge, caller, claimKey, route.counterSlot?.(parsed.input));
  if (route.claimWithChange) return executeWithChange(route, deps, caller, parsed, await deps.idempotency.beginWithChange(scope, key, fingerprintOf(parsed.rawBody), alongside), ride);
  const outcome = await deps.idempotency.begin(scope, key, fingerprintOf(parsed.rawBody), alongside);
  if (outcome.kind !== 'execute') return settledResponse(outcome, (refusal) => toErrorResponse(refusal, route));
  const keyed: Keyed = { requestToken: outcome.requestToken, answerOps: outcome.answerOps, withChange: false, recorded: false };
  const response = await execute(route, deps, caller, parsed.input, keyed);
  // the success answer was committed with the change: nothing left to record
  if (keyed.recorded && response.statusCode === route.response.status) return response;
  if (isReplayable(response.statusCode)) await outcome.commit({ statusCode: response.statusCode, body: response.body }, await ride(response.statusCode));
  else await outcome.release();
  return response;
}

/** A route whose answer (and claim) commits with its change; an answer without a change is recorded after it. */
async function executeWithChange(route: ApiRoute, deps: RouteDeps, caller: Caller, parsed: ParsedInput, outcome: Settled | ChangeClaim, ride: AnswerRide): Promise<ForgeApiResponse> {
  if (outcome.kind !== 'execute') return settledResponse(outcome, (refusal) => toErrorResponse(refusal, route));
  const keyed: Keyed = { requestToken: outcome.requestToken, answerOps: outcome.answerOps, withChange: true, recorded: false };
  const response = await execute(route, deps, caller, parsed.input, keyed);
  if (keyed.recorded && response.statusCode === route.response.status) return response;
  if (!isReplayable(response.statusCode)) {
    await outcome.countOnly();
    return response;
  }
  const meanwhile = await outcome.record({ statusCode: response.statusCode, body: response.body }, await ride(response.statusCode));
  return meanwhile ? settledResponse(meanwhile, (refusal) => toErrorResponse(refusal, route)) : response;
}

export function createRouteHandler(route: ApiRoute, deps: RouteDeps): ForgeApiHandler {
  return async (request: ForgeApiRequest, context: ForgeInvocationContext): Promise<ForgeApiResponse> => {
    const outcome = await runPipeline(
      deps.edge,
      {
        label: `api ${route.key}`,
        context,
        identify: async () => {
          // What only this transport can check comes first: the request's frame and the routed module.
          if (request === null || typeof request !== 'object') throw new DomainError('INVALID_REQUEST', 'The request could not be read.');
          if (typeof request.method === 'string' && request.method.toUpperCase() !== route.method) {
            throw new DomainError('METHOD_NOT_ALLOWED', `Use ${route.method} for this operation.`);
          }
          checkModuleKey(route, request);
          const { caller, observation } = await observeIdentity(request, context, deps.identity);
          rememberObservation(request, observation);
          if (!caller) throw unauthenticated();
          return caller;
        },
        parse: () => ({ ...parseInput(route, request), key: route.writes ? idempotencyKeyOf(request) : undefined }),
        // An idempotent write admits itself: its rate-limit markers ride in the key's claim.
        admission: (parsed) => (parsed.key !== undefined ? 'own' : route.writes ? 'write' : 'read'),
      },
      (caller, parsed, onDenied) => {
        // the invocation's diagnostics record rides on a follow-up job its request queues (issue 23)
        const attachToJobs = rideOnJobs(request);
        const engineDeps = { ...deps, getEngine: (invocation: Parameters<EngineFactory>[0]) => deps.getEngine({ ...invocation, onDenied, ...(attachToJobs ? { attachToJobs } : {}) }) };
        return executeOnce(route, engineDeps, caller, parsed, parsed.key, (statusCode) => rideOnAnswer(request, statusCode));
      },
    );
    return outcome.ok ? outcome.data : failureResponse(outcome.error);
  };
}
