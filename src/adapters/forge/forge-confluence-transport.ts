/**
 * ConfluenceTransport on Forge: @forge/api requestConfluence with the identity each request names:
 *  - actAs 'app' (or absent) → asApp();
 *  - actAs {accountId} of the invocation's own user (resolvers: the platform principal) → asUser();
 *  - actAs {accountId} of anyone else (apiRoute callers, approvers) → asUser(accountId):
 *    impersonation, allowed by `allowImpersonation` on the manifest scopes.
 *
 * Why assumeTrustedRoute is safe here: paths come only from the REST adapters, which build them
 * from fixed templates, ids checked against ^[0-9A-Za-z_-]{1,64}$ and then encodeURIComponent-ed,
 * query strings from URLSearchParams/encodeURIComponent, and `_links.next` values matched against
 * strict patterns. The `route` tag cannot express those dynamic, repeated query strings
 * (`id=1&id=2…`), so the guard below re-checks the invariant as defence in depth.
 *
 * Refusals are answers, not outages (SPEC §4): a Forge proxy refusal (ProxyRequestError) becomes a
 * 403 carrying `forge-proxy-error` (the per-invocation cap: 429, U25), reported to `onRefusal`
 * (diagnostics) and never retried;
 * NeedsAuthenticationError (the user must grant consent) is rethrown unchanged for the platform;
 * only network failures are left for the CallGate to retry.
 */
import api, { assumeTrustedRoute } from '@forge/api';
import { ConfluenceCallRefused, FETCH_LIMIT_EXCEEDED, type ConfluenceRequest, type ConfluenceResponse, type ConfluenceTransport } from '../confluence/transport';

const SAFE_PATH = /^\/wiki\/[0-9A-Za-z_\-/]+(\?[0-9A-Za-z_\-.~%&=+]*)?$/;
/** Legal in a query and left unescaped by encodeURIComponent/URLSearchParams; escaped before the guard. */
const QUERY_SUB_DELIMS = /[!'()*:,;@$]/g;

export interface PlatformRefusal {
  /** the proxy's error code (e.g. an impersonation refusal) */
  errorCode: string;
  status: number;
  actAs: 'app' | 'user' | 'impersonated';
}

/**
 * RFC 3986 percent-encoding of the query's sub-delimiters (`( ) ' ! * : , ; @ $`): same meaning for
 * Confluence, and the strict guard can stay strict. CQL like `title~"Docs (draft)"`, "O'Brien" and
 * v1 next links carrying account ids (`557058:…`) all pass.
 */
export function strictQuery(path: string): string {
  const at = path.indexOf('?');
  if (at === -1) return path;
  return path.slice(0, at + 1) + path.slice(at + 1).replace(QUERY_SUB_DELIMS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export class ForgeConfluenceTransport implements ConfluenceTransport {
  /**
   * @param invokingAccountId the user the platform itself says invoked this function (asUser() acts as them).
   * @param onRefusal told of every proxy refusal (names and codes only).
   */
  constructor(
    private readonly invokingAccountId?: string,
    private readonly onRefusal: (refusal: PlatformRefusal) => void = () => undefined,
  ) {}

  private identity(actAs: ConfluenceRequest['actAs']): PlatformRefusal['actAs'] {
    if (actAs === undefined || actAs === 'app') return 'app';
    return actAs.accountId === this.invokingAccountId ? 'user' : 'impersonated';
  }

  private requester(actAs: ConfluenceRequest['actAs']) {
    if (actAs === undefined || actAs === 'app') return api.asApp();
    return actAs.accountId === this.invokingAccountId ? api.asUser() : api.asUser(actAs.accountId);
  }

  async request(request: ConfluenceRequest): Promise<ConfluenceResponse> {
    const path = strictQuery(request.path);
    if (!SAFE_PATH.test(path) || path.includes('..')) {
      throw new ConfluenceCallRefused('Refusing to call Confluence with an unsafe path.', 'UNSAFE_PATH');
    }
    const hasBody = request.body !== undefined;
    let response: Awaited<ReturnType<ReturnType<typeof api.asApp>['requestConfluence']>>;
    try {
      response = await this.requester(request.actAs).requestConfluence(assumeTrustedRoute(path), {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
        },
        ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'PROXY_ERR') return this.refused(err as Error & { status?: unknown; errorCode?: unknown }, request.actAs);
      throw err; // NeedsAuthenticationError: the platform's to show; network errors: the gate retries
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    return { status: response.status, headers, body: parseJson(await response.text()) };
  }

  /**
   * A proxy refusal answered as Confluence's "no" (403), never retried, and recorded. The
   * per-invocation cap keeps the proxy's status: it is no "no" about the page, and the call gate
   * turns it into TOO_MANY_CONFLUENCE_CALLS (U25).
   */
  private refused(err: { status?: unknown; errorCode?: unknown }, actAs: ConfluenceRequest['actAs']): ConfluenceResponse {
    const errorCode = typeof err.errorCode === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(err.errorCode) ? err.errorCode : 'UNKNOWN';
    const status = typeof err.status === 'number' ? err.status : 0;
    this.onRefusal({ errorCode, status, actAs: this.identity(actAs) });
    return { status: errorCode === FETCH_LIMIT_EXCEEDED ? 429 : 403, headers: { 'forge-proxy-error': errorCode }, body: undefined };
  }
}

/** Empty or non-JSON bodies become undefined; callers validate the shape anyway. */
function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
