/**
 * How the Confluence REST client reaches a Confluence site. Each request says whose identity it uses
 * (`actAs`): the app's (Forge asApp()), or the acting user's (Forge asUser()) where what that user may
 * see decides the answer; "can user X do Y" about another user goes through permission-check endpoints.
 * Forge: @forge/api requestConfluence. Local runtime and tests: the local site, in-process.
 */
export interface ConfluenceRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute site path with query string, e.g. "/wiki/api/v2/pages?id=1&id=2&limit=250". Built from encoded, validated parts only. */
  path: string;
  body?: unknown;
  /**
   * Whose identity the call uses: the app's own (Forge asApp(): app writes, and reads not about any
   * user's rights) or a user's (Forge asUser(): restrictions, space permissions and drafts as that
   * user sees them, SPEC §4). Absent means the app.
   */
  actAs?: 'app' | { accountId: string };
}

export interface ConfluenceResponse {
  status: number;
  headers?: Record<string, string>;
  /** parsed JSON body (or undefined when empty) */
  body: unknown;
}

export interface ConfluenceTransport {
  request(request: ConfluenceRequest): Promise<ConfluenceResponse>;
}

/**
 * A call refused for good before or by the platform (an unsafe path, a Forge proxy refusal, a
 * consent the user has not given): never retried as transient (SPEC §4).
 */
export class ConfluenceCallRefused extends Error {
  constructor(
    message: string,
    /** e.g. the Forge proxy's error code, or NEEDS_AUTHENTICATION_ERR */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'ConfluenceCallRefused';
  }
}

/** Errors @forge/api throws for deterministic refusals (by name: the SDK's classes may be another copy). */
export const DETERMINISTIC_PLATFORM_ERRORS: ReadonlySet<string> = new Set(['PROXY_ERR', 'NEEDS_AUTHENTICATION_ERR', 'REQUEST_EGRESS_ALLOWLIST_ERR']);

export function isDeterministicRefusal(err: unknown): boolean {
  return err instanceof ConfluenceCallRefused || (err instanceof Error && DETERMINISTIC_PLATFORM_ERRORS.has(err.name));
}

/**
 * The Forge proxy's refusal of a call past the per-invocation request cap (ECO-491: 429 with
 * `forge-proxy-error: FETCH_LIMIT_EXCEEDED`; docs/forge-platform.md U25). Not an outage and not
 * Confluence's "no": every later call of the invocation gets the same answer.
 */
export const FETCH_LIMIT_EXCEEDED = 'FETCH_LIMIT_EXCEEDED';

export function isFetchLimitAnswer(response: ConfluenceResponse): boolean {
  return response.headers?.['forge-proxy-error'] === FETCH_LIMIT_EXCEEDED;
}
