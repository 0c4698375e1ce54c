/**
 * How the Confluence REST client reaches a Confluence site. Requests act as the app (Forge asApp());
 * "can user X do Y" questions are asked through permission-check endpoints, never by impersonation.
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
