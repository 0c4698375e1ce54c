/**
 * Local stand-in for Atlassian's API gateway in front of Forge app REST APIs. It does what the
 * platform does before the app's code runs (token, product scope, site switch, route, route scope),
 * then calls the manifest's function with a Forge-shaped `(request, context)` built per platform
 * profile (forge-payload.ts), under Forge's invocation limits. Both public base-URL forms are served.
 *
 * Gateway refusals are the gateway's, not the app's: `{code: <status>, message}` with an
 * `atl-traceid` header, never the app's `{success, code, error}` envelope (docs/local-runtime.md).
 */
import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ForgeApiResponse } from '../../src/transport/api/forge-types';
import { LOCAL_INSTALL_CONTEXT, type LocalFunction } from '../app';
import { buildApiInvocation } from './forge-payload';
import type { LocalContext, LocalEnv } from './context';
import { matchRoute } from './manifest';
import { FORGE_APP_SCOPE } from './scopes';

/** Forge's invocation payload limit (request), applied to the function's response as well. */
export const FORGE_PAYLOAD_LIMIT = 5 * 1024 * 1024;
/** Forge's invocation time limit for apiRoute (and resolver) functions. */
export const FORGE_TIMEOUT_MS = 25_000;

const GATEWAY_PREFIX = /^\/(?:svc\/confluence\/([^/]+)|gateway\/api\/svc\/confluence)\/apps\/([^/]+)(\/.*)?$/;

/** The gateway's own error body. */
function gatewayError(c: Context, status: ContentfulStatusCode, message: string, headers: Record<string, string> = {}): Response {
  return c.json({ code: status, message }, status, { 'atl-traceid': randomBytes(8).toString('hex'), ...headers });
}

/**
 * Why a bearer token was refused, in the standard RFC 6750 header (the body stays the gateway's bare
 * "Unauthorized"): an expired token and a garbage one need different fixes (mint again vs. check
 * what was pasted). A local aid: whether Forge's gateway sends this header is not known.
 */
const WHY_UNAUTHORIZED: Record<'missing' | 'malformed' | 'unknown' | 'expired', string> = {
  missing: 'Bearer',
  malformed: 'Bearer error="invalid_token", error_description="The access token is malformed: send the access_token value as issued"',
  unknown: 'Bearer error="invalid_token", error_description="The access token is not one this site issued (or the runtime restarted): get a new one"',
  expired: 'Bearer error="invalid_token", error_description="The access token has expired: refresh it or get a new one"',
};

/** The gateway's checks, in the platform's order, before it reads the body (a refusal wins over 413). */
const admit: MiddlewareHandler<LocalEnv> = async (c, next) => {
  const ctx = c.var.ctx;
  // the path as sent (still percent-encoded), as the gateway matches it
  const match = GATEWAY_PREFIX.exec(new URL(c.req.url).pathname);
  const appSegment = `${ctx.info.appId}_${ctx.info.environmentId}`;
  if (!match || (match[1] !== undefined && match[1] !== ctx.info.cloudId) || match[2] !== appSegment) {
    return gatewayError(c, 404, 'Not Found');
  }
  const auth = ctx.tokens.checkBearer(c.req.header('authorization'));
  if (!auth.ok) return gatewayError(c, 401, 'Unauthorized', { 'www-authenticate': WHY_UNAUTHORIZED[auth.reason] });
  const token = auth.token;
  if (!token.scopes.includes(FORGE_APP_SCOPE)) return gatewayError(c, 401, 'Unauthorized; scope does not match');
  if (!ctx.site.appRestApisEnabled) return gatewayError(c, 403, 'App REST APIs are disabled for this app on this site');
  const route = matchRoute(ctx.manifest.routes, c.req.method, match[3] ?? '/');
  if (!route) return gatewayError(c, 404, 'Not Found');
  if (!route.scopes.every((scope) => token.scopes.includes(scope))) return gatewayError(c, 403, 'Forbidden; scope does not match');
  const handler = ctx.app.handlers[route.exportName];
  if (typeof handler !== 'function') return gatewayError(c, 500, 'Invocation failed');
  c.set('admission', { token, route, handler });
  await next();
};

/** Runs the route's function with a Forge-shaped payload under Forge's time and payload limits. */
async function invoke(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const { token, route, handler } = c.var.admission;
  const url = new URL(c.req.url);
  const { request, context } = buildApiInvocation({
    profile: ctx.profile,
    method: route.method,
    url,
    headers: c.req.header(),
    body: await c.req.text(),
    route,
    cloudId: ctx.info.cloudId,
    appId: ctx.info.appId,
    environmentId: ctx.info.environmentId,
    installContext: LOCAL_INSTALL_CONTEXT,
    accountId: token.accountId,
    clientId: token.clientId,
    licenseActive: ctx.site.licenseActive,
    nowMs: ctx.clock.now(),
  });

  const outcome = await invokeWithinLimit(handler, request, context, ctx.invocationTimeoutMs);
  if (outcome.kind === 'timeout') {
    console.error(`apiRoute ${route.key} timed out after ${ctx.invocationTimeoutMs} ms`);
    return gatewayError(c, 504, 'Invocation timed out');
  }
  if (outcome.kind === 'threw') {
    // On Forge an uncaught throw is a platform error ("Invocation failed"), not the app's envelope.
    console.error(`apiRoute ${route.key} threw: ${outcome.message}`);
    return gatewayError(c, 500, 'Invocation failed');
  }
  return handlerResponse(c, route.key, outcome.value as ForgeApiResponse, ctx.profile.apiRouteResponseHeaders);
}

/** The gateway in front of both base URLs: admission, the 5 MB body limit (the gateway's 413), invocation. */
export const gatewayHandlers = [
  admit,
  bodyLimit({ maxSize: FORGE_PAYLOAD_LIMIT, onError: (c) => gatewayError(c, 413, 'Payload Too Large') }),
  invoke,
] as const;

type Outcome = { kind: 'ok'; value: unknown } | { kind: 'threw'; message: string } | { kind: 'timeout' };

/** Runs a Forge function under the invocation time limit (the function keeps running, as a frozen Forge container would not: its answer is discarded). */
export async function invokeWithinLimit(fn: LocalFunction, payload: unknown, context: unknown, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  const run = fn(payload, context).then(
    (value): Outcome => ({ kind: 'ok', value }),
    (err: unknown): Outcome => ({ kind: 'threw', message: err instanceof Error ? err.message : String(err) }),
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What reaches the caller when the platform drops the function's custom response headers (U5). */
const PASSED_WHEN_DROPPED = new Set(['content-type']);

function handlerResponse(c: LocalContext, routeKey: string, response: ForgeApiResponse, responseHeaders: 'forwarded' | 'dropped'): Response {
  const valid =
    typeof response === 'object' &&
    response !== null &&
    Number.isInteger(response.statusCode) &&
    response.statusCode >= 100 &&
    response.statusCode <= 599 &&
    (response.body === undefined || typeof response.body === 'string');
  if (!valid) {
    console.error(`apiRoute ${routeKey} returned a malformed response`);
    return gatewayError(c, 500, 'Invocation failed');
  }
  const body = response.body ?? '';
  if (Buffer.byteLength(body) > FORGE_PAYLOAD_LIMIT) {
    console.error(`apiRoute ${routeKey} returned more than the ${FORGE_PAYLOAD_LIMIT}-byte payload limit`);
    return gatewayError(c, 500, 'Invocation failed');
  }
  const headers = new Headers();
  for (const [name, values] of Object.entries(response.headers ?? {})) {
    // hop-by-hop and length headers are the server's to set
    if (['content-length', 'transfer-encoding', 'connection'].includes(name.toLowerCase())) continue;
    if (responseHeaders === 'dropped' && !PASSED_WHEN_DROPPED.has(name.toLowerCase())) continue;
    for (const value of Array.isArray(values) ? values : [values]) headers.append(name, String(value));
  }
  return new Response(body, { status: response.statusCode, headers });
}
