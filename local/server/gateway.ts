/**
 * Local stand-in for Atlassian's API gateway in front of Forge app REST APIs. It does what the
 * platform does before the app's code runs (token, product scope, site switch, route, route scope)
 * and then calls the manifest's function with a Forge-shaped `(request, context)`.
 * Both public base-URL forms are served.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ForgeApiHandler, ForgeApiRequest, ForgeApiResponse, ForgeInvocationContext } from '../../src/transport/api/forge-types';
import { LOCAL_INSTALL_CONTEXT } from '../../src/composition/local';
import type { RuntimeContext } from './context';
import { readBody, sendError } from './http';
import { matchRoute } from './manifest';
import { FORGE_APP_SCOPE } from './scopes';

/** Forge's invocation payload limit; the handler enforces the API's own 256 KiB limit itself. */
export const GATEWAY_BODY_LIMIT = 5 * 1024 * 1024;

const GATEWAY_PREFIX = /^\/(?:svc\/confluence\/([^/]+)|gateway\/api\/svc\/confluence)\/apps\/([^/]+)(\/.*)?$/;

export function isGatewayPath(pathname: string): boolean {
  return pathname.startsWith('/svc/') || pathname.startsWith('/gateway/');
}

export async function handleGateway(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const match = GATEWAY_PREFIX.exec(url.pathname);
  const appSegment = `${ctx.info.appId}_${ctx.info.environmentId}`;
  if (!match || (match[1] !== undefined && match[1] !== ctx.info.cloudId) || match[2] !== appSegment) {
    return sendError(res, 404, 'NOT_FOUND', 'No app REST API is installed at this address.');
  }
  const userPath = match[3] ?? '/';

  const auth = ctx.tokens.checkBearer(req.headers.authorization);
  if (!auth.ok) {
    const why = { missing: 'A bearer token is required.', malformed: 'The bearer token is malformed.', unknown: 'The bearer token is not valid.', expired: 'The bearer token has expired.' };
    return sendError(res, 401, 'UNAUTHORIZED', why[auth.reason]);
  }
  const token = auth.token;
  if (!token.scopes.includes(FORGE_APP_SCOPE)) {
    return sendError(res, 401, 'UNAUTHORIZED', `The token lacks the ${FORGE_APP_SCOPE} scope; scope does not match.`);
  }
  if (!ctx.site.appRestApisEnabled) {
    return sendError(res, 403, 'APP_REST_APIS_DISABLED', 'App REST APIs are disabled for this app on this site.');
  }
  const route = matchRoute(ctx.manifest.routes, req.method ?? '', userPath);
  if (!route) {
    return sendError(res, 404, 'NOT_FOUND', `No route ${req.method} ${userPath} in this app.`);
  }
  const missing = route.scopes.filter((scope) => !token.scopes.includes(scope));
  if (missing.length > 0) {
    return sendError(res, 403, 'FORBIDDEN_SCOPE', `The token lacks the scope this route requires: ${missing.join(', ')}.`);
  }
  const handler = (ctx.app.api as Record<string, ForgeApiHandler | undefined>)[route.exportName];
  if (typeof handler !== 'function') {
    return sendError(res, 500, 'INVOCATION_FAILED', 'The app function for this route is not deployed.');
  }

  const body = await readBody(req, GATEWAY_BODY_LIMIT);
  const request: ForgeApiRequest = {
    method: route.method,
    path: url.pathname,
    headers: forwardedHeaders(req),
    queryParameters: queryParameters(url),
    body,
    userPath: null,
    context: {
      cloudId: ctx.info.cloudId,
      moduleKey: route.key,
      clientId: token.clientId,
      userAccess: { enabled: true, hasAccess: true },
    },
    contextToken: randomBytes(32).toString('base64url'),
  };
  const context: ForgeInvocationContext = {
    principal: { accountId: token.accountId },
    installContext: LOCAL_INSTALL_CONTEXT,
    license: { isActive: true },
  };

  let response: ForgeApiResponse;
  try {
    response = await handler(request, context);
  } catch (err) {
    // On Forge an uncaught throw is a platform error, not the app's envelope.
    console.error(`apiRoute ${route.key} threw: ${err instanceof Error ? err.message : String(err)}`);
    return sendError(res, 500, 'INVOCATION_FAILED', 'The app function failed.');
  }
  writeHandlerResponse(res, route.key, response);
}

function forwardedHeaders(req: IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    // The platform consumes the 3LO token; the app never sees it.
    if (name === 'authorization' || values === undefined) continue;
    headers[name] = [...values];
  }
  return headers;
}

function queryParameters(url: URL): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  return query;
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
    return sendError(res, 500, 'INVOCATION_FAILED', 'The app function returned a malformed response.');
  }
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(response.headers ?? {})) {
    const list = Array.isArray(values) ? values : [values];
    // hop-by-hop and length headers are the server's to set
    if (['content-length', 'transfer-encoding', 'connection'].includes(name.toLowerCase())) continue;
    headers[name] = list.map(String);
  }
  const body = response.body ?? '';
  res.writeHead(response.statusCode, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
