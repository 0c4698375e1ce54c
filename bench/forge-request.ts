/** Builds the `(request, context)` pair Forge hands an apiRoute handler, as the local gateway does. */
import { randomBytes } from 'node:crypto';
import { loadManifest } from '../local/server/manifest';
import { LOCAL_CLOUD_ID, LOCAL_ENVIRONMENT_ID, LOCAL_INSTALL_CONTEXT } from '../local/app';
import type { ForgeApiHandler, ForgeApiRequest, ForgeInvocationContext } from '../src/transport/api/forge-types';
import { API_ROUTES } from '../src/transport/api/routes';

export const MANIFEST_APP_ID = loadManifest().appId;
const APP_BASE = `/svc/confluence/${LOCAL_CLOUD_ID}/apps/${MANIFEST_APP_ID}_${LOCAL_ENVIRONMENT_ID}`;

export interface InvokeInput {
  accountId: string;
  clientId: string;
  body?: unknown;
  query?: Record<string, string>;
}

export interface InvokeResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- benchmark reads a few fields of the JSON answer
  json: any;
}

/** Calls the handler of the route with this manifest key, with a fresh Idempotency-Key on writes. */
export async function invokeRoute(handlers: Record<string, ForgeApiHandler>, routeKey: string, input: InvokeInput): Promise<InvokeResult> {
  const route = API_ROUTES.find((r) => r.key === routeKey);
  if (!route) throw new Error(`no route ${routeKey}`);
  const headers: Record<string, string[]> = { accept: ['application/json'] };
  if (route.method === 'POST') headers['content-type'] = ['application/json'];
  if (route.writes) headers['idempotency-key'] = [randomBytes(12).toString('hex')];
  const queryParameters: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(input.query ?? {})) queryParameters[k] = [v];
  const request: ForgeApiRequest = {
    method: route.method,
    path: `${APP_BASE}${route.path}`,
    headers,
    queryParameters,
    body: input.body === undefined ? '' : JSON.stringify(input.body),
    userPath: null,
    context: { cloudId: LOCAL_CLOUD_ID, moduleKey: route.key, clientId: input.clientId, userAccess: { enabled: true, hasAccess: true } },
    contextToken: randomBytes(24).toString('base64url'),
  };
  const context: ForgeInvocationContext = { principal: { accountId: input.accountId }, installContext: LOCAL_INSTALL_CONTEXT, license: { isActive: true } };
  const response = await handlers[route.exportName](request, context);
  return { status: response.statusCode, json: JSON.parse(response.body) };
}
