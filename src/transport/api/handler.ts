/**
 * One thin handler per route: transport checks, validation, identity, one engine call, envelope.
 * Authorization of the object itself (can this user see/edit this page or space?) is the engine's job;
 * the checks here are the ones only the transport can make. Handlers never throw: every outcome is a
 * well-formed `{statusCode, headers, body}` (an uncaught throw would become an opaque platform error).
 */
import type { z } from 'zod';
import type { Caller } from '../../core/domain/caller';
import { DomainError, statusOfKind, type ErrorDetail } from '../../core/domain/errors';
import { StoreError } from '../../core/ports/store';
import type { Engine, EngineFactory } from '../../core/services/engine';
import type { ForgeApiHandler, ForgeApiRequest, ForgeApiResponse, ForgeInvocationContext } from './forge-types';
import { resolveCaller } from './identity';
import { fingerprintOf, type IdempotencyStore, type StoredResponse } from './idempotency';
import { ROUTES_BY_KEY, type ApiRoute, type ApiRouteKey } from './routes';
import {
  issuesToDetails,
  type ChangeSetCreateBody,
  type ChangeSetDetailQuery,
  type ChangeSetIdBody,
  type ChangeSetUpdateBody,
  type ListChangeSetsQuery,
  type PagePreflightBody,
  type PageStatusQuery,
  type PageSubmitBody,
} from './schemas';

export const MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_LIST_LIMIT = 50;
const RETRY_AFTER_SECONDS = '2';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const GENERIC_500 = 'An internal error occurred. Retry later; if it keeps happening, contact the app vendor.';

/** Refusals decided by the transport itself (status codes the domain has no kind for, e.g. 415). */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string[]> = {},
  ) {
    super(message);
  }
}

function jsonResponse(statusCode: number, payload: unknown, extraHeaders: Record<string, string[]> = {}): ForgeApiResponse {
  return {
    statusCode,
    headers: { 'content-type': ['application/json'], 'cache-control': ['no-store'], ...extraHeaders },
    body: JSON.stringify(payload),
  };
}

function errorResponse(status: number, code: string, message: string, details?: ErrorDetail[], headers?: Record<string, string[]>): ForgeApiResponse {
  const payload = details && details.length > 0 ? { success: false, error: message, code, details } : { success: false, error: message, code };
  return jsonResponse(status, payload, headers);
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

function validationError(issues: readonly z.core.$ZodIssue[]): ApiError {
  return new ApiError(400, 'INVALID_REQUEST', 'The request is invalid; see details for each field.', issuesToDetails(issues));
}

/** Query values arrive as arrays; each parameter must be given exactly once. */
function singleQueryValues(request: ForgeApiRequest): Record<string, string> {
  const raw: unknown = request.queryParameters;
  const values: Record<string, string> = {};
  if (raw === undefined || raw === null) return values;
  if (typeof raw !== 'object') throw new ApiError(400, 'INVALID_REQUEST', 'The query string could not be read.');
  const details: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const list = typeof value === 'string' ? [value] : value;
    if (Array.isArray(list) && list.length === 1 && typeof list[0] === 'string') values[name] = list[0];
    else details.push({ field: name, code: 'INVALID_VALUE', reason: 'must be given exactly once' });
  }
  if (details.length > 0) throw new ApiError(400, 'INVALID_REQUEST', 'The request is invalid; see details for each field.', details);
  return values;
}

interface ParsedInput {
  input: unknown;
  /** what the idempotency fingerprint covers: the JSON body as sent (key order ignored) */
  rawBody: unknown;
}

function parseInput(route: ApiRoute, request: ForgeApiRequest): ParsedInput {
  if (route.request.in === 'query') {
    const parsed = route.request.schema.safeParse(singleQueryValues(request));
    if (!parsed.success) throw validationError(parsed.error.issues);
    return { input: parsed.data, rawBody: undefined };
  }

  // Forge may not forward Content-Type (UNCONFIRMED): absent is fine if the body parses; an explicit non-JSON type is not.
  const contentTypes = headerValues(request, 'content-type');
  if (contentTypes && contentTypes.length > 0 && !contentTypes.every(isJsonMediaType)) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON with Content-Type: application/json.');
  }
  const body: unknown = request.body;
  const isObjectBody = body !== null && typeof body === 'object' && !Array.isArray(body);
  if (body !== undefined && body !== null && typeof body !== 'string' && !isObjectBody) {
    throw new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON.');
  }
  const text = isObjectBody ? JSON.stringify(body) : ((body as string | null | undefined) ?? '');
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  }
  // Query parameters are not part of any POST route: reject them like unknown body fields.
  const query = queryParameterNames(request);
  if (query.length > 0) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      'The request is invalid; see details for each field.',
      query.map((name) => ({ field: name, code: 'UNKNOWN_FIELD', reason: 'this operation takes no query parameters' })),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'INVALID_JSON', text.trim() === '' ? 'The request body is empty; send a JSON object.' : 'The request body is not valid JSON.');
  }
  const parsed = route.request.schema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return { input: parsed.data, rawBody: json };
}

function queryParameterNames(request: ForgeApiRequest): string[] {
  const raw: unknown = request.queryParameters;
  return raw !== null && typeof raw === 'object' ? Object.keys(raw as Record<string, unknown>) : [];
}

/** Single-page routes answer 404 for a page the caller cannot see (SPEC §3: 404 unknown page). */
function pageNotFound(reason?: string): DomainError {
  return new DomainError('not_found', 'PAGE_NOT_FOUND', reason ?? 'Page not found, or not visible to you.');
}

/** `requestToken` is set when the request carries an Idempotency-Key (see IdempotencyStore). */
type Executor = (engine: Engine, caller: Caller, input: unknown, requestToken?: string) => Promise<unknown>;

/** The one engine call behind each route, and the SPEC §3 envelope of its result. */
const EXECUTORS: Record<ApiRouteKey, Executor> = {
  'changesets-list': async (engine, caller, input) => {
    const q = input as z.output<typeof ListChangeSetsQuery>;
    const page = await engine.changeSets.list(caller, { ...q, limit: q.limit ?? DEFAULT_LIST_LIMIT });
    return { success: true, changeSets: page.items, nextCursor: page.nextCursor ?? null };
  },
  'changeset-detail': async (engine, caller, input) => {
    const q = input as z.output<typeof ChangeSetDetailQuery>;
    return { success: true, changeSet: await engine.changeSets.get(caller, q.changeSetId) };
  },
  'changeset-create': async (engine, caller, input, requestToken) => {
    const b = input as z.output<typeof ChangeSetCreateBody>;
    return { success: true, changeSet: await engine.changeSets.create(caller, b, requestToken ? { requestToken } : {}) };
  },
  'changeset-update': async (engine, caller, input) => {
    const { changeSetId, ...patch } = input as z.output<typeof ChangeSetUpdateBody>;
    return { success: true, changeSet: await engine.changeSets.update(caller, changeSetId, patch) };
  },
  'changeset-archive': async (engine, caller, input) => {
    const b = input as z.output<typeof ChangeSetIdBody>;
    return { success: true, changeSet: await engine.changeSets.archive(caller, b.changeSetId) };
  },
  'changeset-preflight': async (engine, caller, input) => {
    const b = input as z.output<typeof ChangeSetIdBody>;
    return { success: true, ...(await engine.changeSets.preflight(caller, b.changeSetId)) };
  },
  'changeset-submit': async (engine, caller, input) => {
    const b = input as z.output<typeof ChangeSetIdBody>;
    return { success: true, ...(await engine.changeSets.submit(caller, b.changeSetId)) };
  },
  'page-preflight': async (engine, caller, input) => {
    const b = input as z.output<typeof PagePreflightBody>;
    const result = await engine.approvals.preflightPage(caller, b.pageId, b.workflowId);
    if (result.code === 'PAGE_NOT_FOUND') throw pageNotFound(result.reason);
    return { success: true, ...result };
  },
  'page-submit': async (engine, caller, input) => {
    const b = input as z.output<typeof PageSubmitBody>;
    try {
      const approval = await engine.approvals.submitPage(caller, b.pageId, b.workflowId);
      return { success: true, pageId: approval.pageId, approvalId: approval.id, workflowId: approval.workflowId, status: approval.status };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'PAGE_NOT_FOUND') throw pageNotFound(err.message);
      // Ineligible page: 409 carrying the eligibility code and its exact reason (SPEC §2.6).
      if (err instanceof DomainError && err.kind === 'conflict' && !err.details) {
        throw new DomainError('conflict', err.code, err.message, [{ code: err.code, reason: err.message }]);
      }
      throw err;
    }
  },
  'page-status': async (engine, caller, input) => {
    const q = input as z.output<typeof PageStatusQuery>;
    return { success: true, ...(await engine.approvals.pageStatus(caller, q.pageId)) };
  },
};

function toErrorResponse(err: unknown, route: ApiRoute): ForgeApiResponse {
  if (err instanceof ApiError) return errorResponse(err.status, err.code, err.message, err.details, err.headers);
  if (err instanceof DomainError) {
    const status = statusOfKind[err.kind] ?? 500;
    if (status >= 500) return internalError(route, err);
    const headers = status === 429 ? { 'retry-after': [RETRY_AFTER_SECONDS] } : undefined;
    return errorResponse(status, err.code, err.message, err.details, headers);
  }
  if (err instanceof StoreError && err.code === 'RATE_LIMITED') {
    return errorResponse(429, 'RATE_LIMITED', 'Too many requests right now; retry after the delay in Retry-After.', undefined, {
      'retry-after': [RETRY_AFTER_SECONDS],
    });
  }
  if (err instanceof StoreError && err.code === 'INVALID_CURSOR') {
    return errorResponse(400, 'INVALID_CURSOR', 'The cursor is not valid; start again without a cursor.', [{ field: 'cursor', code: 'INVALID_VALUE', reason: 'not a cursor this API issued' }]);
  }
  return internalError(route, err);
}

function internalError(route: ApiRoute, err: unknown): ForgeApiResponse {
  // Names and messages only: never the request, its headers or contextToken.
  const what = err instanceof Error ? `${err.name}: ${err.message}` : typeof err;
  console.error(`api ${route.key}: internal error: ${what}`);
  return errorResponse(500, 'INTERNAL_ERROR', GENERIC_500);
}

/** Defense in depth behind the gateway's token-scope check: the routed module must share our scope; missing fails closed. */
function checkModuleKey(route: ApiRoute, request: ForgeApiRequest): void {
  const moduleKey: unknown = request.context?.moduleKey;
  const routed = typeof moduleKey === 'string' ? ROUTES_BY_KEY.get(moduleKey) : undefined;
  if (!routed || routed.scope !== route.scope) {
    throw new ApiError(403, 'SCOPE_MISMATCH', 'This operation is not available through the route that was called.');
  }
}

function idempotencyKeyOf(request: ForgeApiRequest): string | undefined {
  const values = headerValues(request, 'idempotency-key');
  if (values === undefined) return undefined;
  if (values.length !== 1 || !IDEMPOTENCY_KEY.test(values[0])) {
    throw new ApiError(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be one value of 1..255 visible ASCII characters.', [
      { field: 'Idempotency-Key', code: 'INVALID_VALUE', reason: 'must be one value of 1..255 visible ASCII characters' },
    ]);
  }
  return values[0];
}

/** Only final, deterministic answers are remembered; throttling and internal errors stay retryable. */
function isReplayable(statusCode: number): boolean {
  return statusCode < 500 && statusCode !== 429;
}

async function execute(route: ApiRoute, getEngine: EngineFactory, caller: Caller, input: unknown, requestToken?: string): Promise<ForgeApiResponse> {
  try {
    const payload = await EXECUTORS[route.key as ApiRouteKey](getEngine({ actingAccountId: caller.accountId }), caller, input, requestToken);
    // The response schema is an allow-list: anything else the engine returned is dropped here.
    const shaped = route.response.schema.safeParse(payload);
    if (!shaped.success) {
      const paths = shaped.error.issues.map((i) => i.path.join('.')).join(', ');
      console.error(`api ${route.key}: engine result does not match the response schema at: ${paths}`);
      return errorResponse(500, 'INTERNAL_ERROR', GENERIC_500);
    }
    return jsonResponse(route.response.status, shaped.data);
  } catch (err) {
    return toErrorResponse(err, route);
  }
}

export function createRouteHandler(route: ApiRoute, getEngine: EngineFactory, idempotency: IdempotencyStore): ForgeApiHandler {
  return async (request: ForgeApiRequest, context: ForgeInvocationContext): Promise<ForgeApiResponse> => {
    try {
      if (request === null || typeof request !== 'object') throw new ApiError(400, 'INVALID_REQUEST', 'The request could not be read.');
      if (typeof request.method === 'string' && request.method.toUpperCase() !== route.method) {
        throw new ApiError(405, 'METHOD_NOT_ALLOWED', `Use ${route.method} for this operation.`);
      }
      checkModuleKey(route, request);
      if (context?.license?.isActive === false) {
        throw new ApiError(403, 'LICENSE_INACTIVE', 'The ApprovalFlow licence for this site is not active.');
      }
      const caller = resolveCaller(request, context);
      const { input, rawBody } = parseInput(route, request);
      const key = route.writes ? idempotencyKeyOf(request) : undefined;
      if (key === undefined) return await execute(route, getEngine, caller, input);

      const outcome = await idempotency.begin({ accountId: caller.accountId, clientId: caller.clientId, routeKey: route.key }, key, fingerprintOf(rawBody));
      switch (outcome.kind) {
        case 'replay':
          return replay(outcome.response);
        case 'mismatch':
          throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body.');
        case 'in_progress':
          throw new ApiError(409, 'IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly.', undefined, {
            'retry-after': ['1'],
          });
        case 'execute': {
          const response = await execute(route, getEngine, caller, input, outcome.requestToken);
          if (isReplayable(response.statusCode)) await outcome.commit({ statusCode: response.statusCode, body: response.body });
          else await outcome.release();
          return response;
        }
      }
    } catch (err) {
      return toErrorResponse(err, route);
    }
  };
}

function replay(stored: StoredResponse): ForgeApiResponse {
  return {
    statusCode: stored.statusCode,
    headers: { 'content-type': ['application/json'], 'cache-control': ['no-store'], 'idempotent-replayed': ['true'] },
    body: stored.body,
  };
}
