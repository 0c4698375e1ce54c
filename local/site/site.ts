/**
 * The local Confluence site: its state and rules (state.ts) joined to its Confluence REST surface
 * (rest/), plus the in-process transport the app uses. The transport honours
 * `ConfluenceRequest.actAs` exactly as Confluence would answer that identity: 'app' (or absent) is
 * the app's bot user, `{accountId}` that user; nobody sees more than Confluence would show them.
 */
import { FETCH_LIMIT_EXCEEDED, type ConfluenceRequest, type ConfluenceTransport } from '../../src/adapters/confluence/transport';
import { endpointOf } from '../../src/adapters/confluence/endpoint-scopes';
import { confluenceErrorResponse, handleSiteHttp, type LocalHttpResponse } from './rest';
import { ConfluenceError } from './rest/common';
import { SiteState, type LocalSiteOptions } from './state';

export class LocalSite extends SiteState {
  private transportCalls = 0;

  /**
   * Answers like Confluence Cloud, as `actingAccountId` (null = the app's bot user, as asApp()).
   * Never throws; every call is counted.
   */
  handleHttp(method: string, pathWithQuery: string, body: unknown, actingAccountId: string | null): LocalHttpResponse {
    return handleSiteHttp(this, method, pathWithQuery, body, actingAccountId ?? this.appUser.accountId);
  }

  /** The account id a request acts as (Forge asApp() → the app's bot user; asUser → that user). */
  actorOf(actAs: ConfluenceRequest['actAs']): string {
    return actAs === undefined || actAs === 'app' ? this.appUser.accountId : actAs.accountId;
  }

  /**
   * In-process transport, one per invocation (the composition builds one per invocation). Bodies go
   * through JSON as on the wire, so callers never share state with the site. Optional faults
   * (options.faults) add latency and answer every Nth call 429. Past the profile's
   * `confluenceCallsPerInvocation` (U25) every call of this transport gets the Forge proxy's 429
   * `forge-proxy-error: FETCH_LIMIT_EXCEEDED`, as ECO-491 reports.
   */
  transport(): ConfluenceTransport {
    let invocationCalls = 0;
    return {
      request: async (request) => {
        const { latencyMs = 0, rateLimitEvery = 0, retryAfterSeconds = 1 } = this.faults;
        if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
        this.transportCalls += 1;
        invocationCalls += 1;
        const path = request.path.split('?')[0];
        let response: LocalHttpResponse;
        const endpoint = endpointOf(request.method, request.path);
        const cap = this.profile.confluenceCallsPerInvocation;
        if (cap !== undefined && invocationCalls > cap) {
          this.countCall(`${request.method} (fetch limit)`);
          response = { status: 429, headers: { 'content-type': 'application/json', 'forge-proxy-error': FETCH_LIMIT_EXCEEDED }, body: { message: FETCH_LIMIT_EXCEEDED } };
        } else if (!endpoint || !this.grantedScopes.has(endpoint.scope)) {
          // what Confluence answers an app whose manifest lacks the endpoint's scope
          this.countCall(`${request.method} (scope refused)`);
          response = { status: 401, headers: { 'content-type': 'application/json' }, body: { code: 401, message: 'Unauthorized; scope does not match' } };
        } else if (rateLimitEvery > 0 && this.transportCalls % rateLimitEvery === 0) {
          this.countCall(`${request.method} (rate limited)`);
          response = confluenceErrorResponse(path, new ConfluenceError(429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded.'));
          response.headers['retry-after'] = String(retryAfterSeconds);
        } else {
          const wireBody: unknown = request.body === undefined ? undefined : JSON.parse(JSON.stringify(request.body));
          response = this.handleHttp(request.method, request.path, wireBody, this.actorOf(request.actAs));
        }
        return {
          status: response.status,
          headers: { ...response.headers },
          body: response.body === undefined ? undefined : JSON.parse(JSON.stringify(response.body)),
        };
      },
    };
  }
}

export function createLocalSite(options?: LocalSiteOptions): LocalSite {
  return new LocalSite(options);
}
