/**
 * Builds the `(request, context)` pair Forge hands an apiRoute handler, exactly as the local gateway
 * does for a platform profile (where the user and the client id arrive: local/server/forge-payload.ts).
 */
import { randomBytes } from 'node:crypto';
import { loadManifest } from '../local/server/manifest';
import { buildApiInvocation } from '../local/server/forge-payload';
import { LOCAL_CLOUD_ID, LOCAL_ENVIRONMENT_ID, LOCAL_INSTALL_CONTEXT } from '../local/app';
import { DEFAULT_PLATFORM_PROFILE } from '../src/adapters/platform-profile';
import type { PlatformProfile } from '../src/adapters/platform-profile';
import type { ForgeApiHandler } from '../src/transport/api/forge-types';
import { API_ROUTES } from '../src/transport/api/routes';
import { IDEMPOTENCY_QUERY_PARAMETER } from '../src/transport/api/handler';

export const MANIFEST_APP_ID = loadManifest().appId;
const APP_BASE = `/svc/confluence/${LOCAL_CLOUD_ID}/apps/${MANIFEST_APP_ID}_${LOCAL_ENVIRONMENT_ID}`;

export interface InvokeInput {
  accountId: string;
  clientId: string;
  body?: unknown;
  query?: Record<string, string>;
  /** the platform profile the invocation follows (default: documented) */
  profile?: PlatformProfile;
}

export interface InvokeResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- benchmark reads a few fields of the JSON answer
  json: any;
}

/** Calls the handler of the route with this manifest key, with a fresh idempotency key on writes. */
export async function invokeRoute(handlers: Record<string, ForgeApiHandler>, routeKey: string, input: InvokeInput): Promise<InvokeResult> {
  const route = API_ROUTES.find((r) => r.key === routeKey);
  if (!route) throw new Error(`no route ${routeKey}`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (route.method === 'POST') headers['content-type'] = 'application/json';
  const url = new URL(`https://api.atlassian.com${APP_BASE}${route.path}`);
  for (const [k, v] of Object.entries(input.query ?? {})) url.searchParams.append(k, v);
  // the query parameter, not the header: the strict profile forwards no Idempotency-Key header
  if (route.writes) url.searchParams.set(IDEMPOTENCY_QUERY_PARAMETER, randomBytes(12).toString('hex'));
  const { request, context } = buildApiInvocation({
    profile: input.profile ?? DEFAULT_PLATFORM_PROFILE,
    method: route.method,
    url,
    headers,
    body: input.body === undefined ? '' : JSON.stringify(input.body),
    route,
    cloudId: LOCAL_CLOUD_ID,
    appId: MANIFEST_APP_ID,
    environmentId: LOCAL_ENVIRONMENT_ID,
    installContext: LOCAL_INSTALL_CONTEXT,
    accountId: input.accountId,
    clientId: input.clientId,
    licenseActive: true,
    nowMs: Date.now(),
  });
  const response = await handlers[route.exportName](request, context);
  return { status: response.statusCode, json: JSON.parse(response.body) };
}
