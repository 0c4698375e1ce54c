/**
 * The local runtime reaches its Confluence site through the PRODUCTION transport
 * (ForgeConfluenceTransport → @forge/api requestConfluence → `global.__forge_fetch__`), bridged here
 * into the local site, so every scenario runs the transport's path checks, @forge/api's route
 * handling and its error classes (docs/local-runtime.md "Production transport").
 *
 * The bridge plays the Forge proxy in front of Confluence:
 *  - `asApp()` → the app user; `asUser(accountId)` → that user, refused (a `forge-proxy-error`, which
 *    @forge/api throws as ProxyRequestError) when the endpoint's scope lacks `allowImpersonation` in
 *    the manifest or the profile says impersonation is refused;
 *  - `asUser()` without an id → the invocation's own user; refused where there is none (apiRoute:
 *    `userAccess.enabled: false`, jobs, triggers);
 *  - everything else is the local site's transport, one per productionTransport() (one per
 *    invocation): scope refusal, faults, call counting, the per-invocation call cap (U25).
 * The site of a call is carried by AsyncLocalStorage, so several runtimes in one process never mix.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ForgeConfluenceTransport, type PlatformRefusal } from '../../src/adapters/forge/forge-confluence-transport';
import type { ConfluenceRequest, ConfluenceTransport } from '../../src/adapters/confluence/transport';
import { endpointOf } from '../../src/adapters/confluence/endpoint-scopes';
import { impersonationScopes } from './app-scopes';
import type { LocalSite } from './site';

type ForgeFetchDescriptor = { type?: string; provider?: string; remote?: string; accountId?: string };
type ForgeFetchInit = { method?: string; headers?: Record<string, string>; body?: string };
type ForgeFetch = (descriptor: ForgeFetchDescriptor, path: string, init: ForgeFetchInit) => Promise<Response>;

interface BoundInvocation {
  site: LocalSite;
  /** the site's transport of this invocation: it counts the invocation's calls (U25) */
  confluence: ConfluenceTransport;
  /** the user asUser() without an id acts for (resolvers, byline); undefined elsewhere */
  invokingAccountId?: string;
}

const bound = new AsyncLocalStorage<BoundInvocation>();
const IMPERSONATION_SCOPES = impersonationScopes();
const globals = globalThis as unknown as { __forge_fetch__?: ForgeFetch };
let installedFetch: ForgeFetch | undefined;

/** What the Forge proxy answers instead of calling the product: @forge/api throws on the header. */
function proxyRefusal(status: number, reason: string): Response {
  return new Response(JSON.stringify({ message: reason }), { status, headers: { 'content-type': 'application/json', 'forge-proxy-error': reason } });
}

async function answer(invocation: BoundInvocation, descriptor: ForgeFetchDescriptor, path: string, init: ForgeFetchInit): Promise<Response> {
  const { site } = invocation;
  const method = (init.method ?? 'GET').toUpperCase() as ConfluenceRequest['method'];
  let actAs: ConfluenceRequest['actAs'] = 'app';
  if (descriptor.provider === 'user') {
    const accountId = descriptor.accountId ?? invocation.invokingAccountId;
    // asUser() with no invoking user: nothing to act as (apiRoute says userAccess.enabled: false)
    if (!accountId) return proxyRefusal(403, 'USER_CONTEXT_UNAVAILABLE');
    const impersonating = descriptor.accountId !== undefined && descriptor.accountId !== invocation.invokingAccountId;
    const scope = endpointOf(method, path)?.scope;
    if (impersonating && (!site.profile.apiRouteImpersonation || scope === undefined || !IMPERSONATION_SCOPES.has(scope))) {
      return proxyRefusal(403, 'IMPERSONATION_NOT_ALLOWED');
    }
    actAs = { accountId };
  }
  const response = await invocation.confluence.request({ method, path, actAs, ...(init.body === undefined ? {} : { body: JSON.parse(init.body) as unknown }) });
  return new Response(response.body === undefined ? null : JSON.stringify(response.body), { status: response.status, headers: response.headers });
}

/** Installs the bridge once per process (a test's own `__forge_fetch__` still answers calls not bound to a site). */
function installBridge(): void {
  if (installedFetch && globals.__forge_fetch__ === installedFetch) return;
  const previous = globals.__forge_fetch__;
  installedFetch = async (descriptor, path, init) => {
    const invocation = bound.getStore();
    if (invocation && descriptor.remote === 'confluence') return answer(invocation, descriptor, path, init);
    if (previous) return previous(descriptor, path, init);
    throw new Error('No local site is bound to this Forge call.');
  };
  globals.__forge_fetch__ = installedFetch;
}

/** The production transport, answered by `site` (asUser() acts for `invokingAccountId`); refusals go to `onRefusal`. */
export function productionTransport(site: LocalSite, invokingAccountId?: string, onRefusal?: (refusal: PlatformRefusal) => void): ConfluenceTransport {
  installBridge();
  const forge = new ForgeConfluenceTransport(invokingAccountId, onRefusal);
  const invocation: BoundInvocation = { site, confluence: site.transport(), ...(invokingAccountId === undefined ? {} : { invokingAccountId }) };
  return { request: (request) => bound.run(invocation, () => forge.request(request)) };
}
