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
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ForgeApiResponse } from '../../src/transport/api/forge-types';
import { LOCAL_INSTALL_CONTEXT, type LocalFunction } from '../app';
import type { RuntimeContext } from './context';
import { buildApiInvocation } from './forge-payload';
import { HttpError, readBody } from './http';
import { matchRoute } from './manifest';
import { FORGE_APP_SCOPE } from './scopes';

/** Forge's invocation payload limit (request), applied to the function's response as well. */
export const FORGE_PAYLOAD_LIMIT = 5 * 1024 * 1024;
/** Forge's invocation time limit for apiRoute (and resolver) functions. */
export const FORGE_TIMEOUT_MS = 25_000;

const GATEWAY_PREFIX = /^\/(?:svc\/confluence\/([^/]+)|gateway\/api\/svc\/confluence)\/apps\/([^/]+)(\/.*)?$/;

/** The gateway's own error body. */
export function sendGatewayError(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ code: status, message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'atl-traceid': randomBytes(8).toString('hex'),
  });
  res.end(body);
}

export async function handleGateway(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const match = GATEWAY_PREFIX.exec(url.pathname);
  const appSegment = `${ctx.info.appId}_${ctx.info.environmentId}`;
  if (!match || (match[1] !== undefined && match[1] !== ctx.info.cloudId) || match[2] !== appSegment) {
    return sendGatewayError(res, 404, 'Not Found');
  }
  const userPath = match[3] ?? '/';

  const auth = ctx.tokens.checkBearer(req.headers.authorization);
  if (!auth.ok) return sendGatewayError(res, 401, 'Unauthorized');
  const token = auth.token;
  if (!token.scopes.includes(FORGE_APP_SCOPE)) return sendGatewayError(res, 401, 'Unauthorized; scope does not match');
  if (!ctx.site.appRestApisEnabled) return sendGatewayError(res, 403, 'App REST APIs are disabled for this app on this site');
  const route = matchRoute(ctx.manifest.routes, req.method ?? '', userPath);
  if (!route) return sendGatewayError(res, 404, 'Not Found');
  if (!route.scopes.every((scope) => token.scopes.includes(scope))) return sendGatewayError(res, 403, 'Forbidden; scope does not match');
  const handler = ctx.app.handlers[route.exportName];
  if (typeof handler !== 'function') return sendGatewayError(res, 500, 'Invocation failed');

  let body: string;
  try {
    body = await readBody(req, FORGE_PAYLOAD_LIMIT);
  } catch (err) {
    if (err instanceof HttpError && err.status === 413) return sendGatewayError(res, 413, 'Payload Too Large');
    throw err;
  }
  const { request, context } = buildApiInvocation({
    profile: ctx.profile,
    method: route.method,
    url,
    headers: req.headers,
    body,
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
    return sendGatewayError(res, 504, 'Invocation timed out');
  }
  if (outcome.kind === 'threw') {
    // On Forge an uncaught throw is a platform error ("Invocation failed"), not the app's envelope.
    console.error(`apiRoute ${route.key} threw: ${outcome.message}`);
    return sendGatewayError(res, 500, 'Invocation failed');
  }
  writeHandlerResponse(res, route.key, outcome.value as ForgeApiResponse);
}

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

function writeHandlerResponse(res: ServerResponse, routeKey: string, response: ForgeApiResponse): void {
  const valid =
    typeof response === 'object' &&
    response !== null &&
    Number.isInteger(response.statusCode) &&
    response.statusCode >= 100 &&
    response.statusCode <= 599 &&
    (response.body === undefined || typeof response.body === 'string');
  if (!valid) {
    console.error(`apiRoute ${routeKey} returned a malformed response`);
    return sendGatewayError(res, 500, 'Invocation failed');
  }
  const body = response.body ?? '';
  if (Buffer.byteLength(body) > FORGE_PAYLOAD_LIMIT) {
    console.error(`apiRoute ${routeKey} returned more than the ${FORGE_PAYLOAD_LIMIT}-byte payload limit`);
    return sendGatewayError(res, 500, 'Invocation failed');
  }
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(response.headers ?? {})) {
    const list = Array.isArray(values) ? values : [values];
    // hop-by-hop and length headers are the server's to set
    if (['content-length', 'transfer-encoding', 'connection'].includes(name.toLowerCase())) continue;
    headers[name] = list.map(String);
  }
  res.writeHead(response.statusCode, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
