/**
 * ConfluenceTransport on Forge: @forge/api requestConfluence with the identity each request names:
 *  - actAs 'app' (or absent) → asApp();
 *  - actAs {accountId} of the invocation's own user (resolvers: the platform principal) → asUser();
 *  - actAs {accountId} of anyone else (apiRoute callers resolved from the contextToken, approvers)
 *    → asUser(accountId): impersonation, allowed by `allowImpersonation` on the manifest scopes.
 *
 * Why assumeTrustedRoute is safe here: paths come only from RestConfluenceSite, which builds them
 * from fixed templates, ids checked against ^[0-9A-Za-z_-]{1,64}$ and then encodeURIComponent-ed,
 * query strings from URLSearchParams, and `_links.next` values it has matched against a strict
 * /wiki/api/v2/ pattern. The `route` tag cannot express those dynamic, repeated query strings
 * (`id=1&id=2…`), so the guard below re-checks the invariant as defence in depth.
 */
import api, { assumeTrustedRoute } from '@forge/api';
import type { ConfluenceRequest, ConfluenceResponse, ConfluenceTransport } from '../confluence/transport';

const SAFE_PATH = /^\/wiki\/[0-9A-Za-z_\-/]+(\?[0-9A-Za-z_\-.~%&=+]*)?$/;

export class ForgeConfluenceTransport implements ConfluenceTransport {
  /** @param invokingAccountId the user the platform itself says invoked this function (asUser() acts as them). */
  constructor(private readonly invokingAccountId?: string) {}

  private requester(actAs: ConfluenceRequest['actAs']) {
    if (actAs === undefined || actAs === 'app') return api.asApp();
    return actAs.accountId === this.invokingAccountId ? api.asUser() : api.asUser(actAs.accountId);
  }

  async request(request: ConfluenceRequest): Promise<ConfluenceResponse> {
    if (!SAFE_PATH.test(request.path) || request.path.includes('..')) {
      throw new Error('Refusing to call Confluence with an unsafe path.');
    }
    const hasBody = request.body !== undefined;
    const response = await this.requester(request.actAs).requestConfluence(assumeTrustedRoute(request.path), {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    return { status: response.status, headers, body: parseJson(await response.text()) };
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
