/** Builds Forge-shaped apiRoute invocations (as the local gateway does) and reads handler responses. */
import type { ForgeApiHandler, ForgeApiRequest, ForgeApiResponse, ForgeInvocationContext } from '../../src/transport/api/forge-types';
import { API_ROUTES, ROUTES_BY_KEY, type ApiExportName, type ApiRouteKey } from '../../src/transport/api/routes';

export const CLOUD_ID = 'cloud-0001';
export const APP_BASE = `/svc/confluence/${CLOUD_ID}/apps/7d3c1f2e-5b6a-4c8d-9e0f-a1b2c3d4e5f6_env-dev`;

export interface CallOptions {
  /** body object (JSON-encoded) or raw string */
  body?: unknown;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string[]>;
  /** null: no principal at all */
  accountId?: string | null;
  clientId?: string;
  /** defaults to the route's own key; null omits it */
  moduleKey?: string | null;
  licenseActive?: boolean;
  idempotencyKey?: string;
  method?: string;
}

export function forgeInvocation(routeKey: ApiRouteKey, options: CallOptions = {}): [ForgeApiRequest, ForgeInvocationContext] {
  const route = ROUTES_BY_KEY.get(routeKey)!;
  const query: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(options.query ?? {})) query[k] = Array.isArray(v) ? v : [v];
  const headers: Record<string, string[]> = {
    authorization: ['Bearer secret-token-never-logged'],
    ...(route.method === 'POST' ? { 'content-type': ['application/json'] } : {}),
    ...(options.idempotencyKey !== undefined ? { 'idempotency-key': [options.idempotencyKey] } : {}),
    ...options.headers,
  };
  const body = options.body === undefined ? (route.method === 'POST' ? '{}' : '') : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const moduleKey = options.moduleKey === undefined ? route.key : options.moduleKey;
  const request: ForgeApiRequest = {
    method: options.method ?? route.method,
    path: `${APP_BASE}${route.path}`,
    headers,
    queryParameters: query,
    body,
    userPath: null,
    context: {
      cloudId: CLOUD_ID,
      ...(moduleKey === null ? {} : { moduleKey }),
      clientId: options.clientId ?? 'client-ci',
      userAccess: { enabled: true, hasAccess: true },
    },
    contextToken: 'context-token-never-logged',
  };
  const context: ForgeInvocationContext = {
    ...(options.accountId === null ? {} : { principal: { accountId: options.accountId ?? 'acc-bob' } }),
    installContext: `ari:cloud:confluence::site/${CLOUD_ID}`,
    license: { isActive: options.licenseActive ?? true },
  };
  return [request, context];
}

export interface CallResult {
  status: number;
  headers: Record<string, string[]>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  json: any;
  raw: ForgeApiResponse;
}

export function exportNameOf(routeKey: ApiRouteKey): ApiExportName {
  return API_ROUTES.find((r) => r.key === routeKey)!.exportName;
}

export async function call(handlers: Record<ApiExportName, ForgeApiHandler>, routeKey: ApiRouteKey, options: CallOptions = {}): Promise<CallResult> {
  const [request, context] = forgeInvocation(routeKey, options);
  const raw = await handlers[exportNameOf(routeKey)](request, context);
  return { status: raw.statusCode, headers: raw.headers, json: JSON.parse(raw.body), raw };
}

/** The app user of the test site: a context token naming it is refused (identity.ts). */
export const TEST_APP_ACCOUNT = 'acc-approvalflow-app';
export const testAppAccount = async (): Promise<string> => TEST_APP_ACCOUNT;
