/**
 * Shapes of a Forge `apiRoute` invocation. Atlassian publishes no type for this payload; these follow
 * the one captured sample and the web-trigger analogue (docs/local-runtime.md "Invocation payload",
 * docs/forge-platform.md U1–U3). Every field is optional because the platform may omit what does
 * not apply, and handlers must treat the whole payload as untrusted input.
 */

export interface ForgeApiRequest {
  method?: string;
  /** Full gateway path, e.g. /svc/confluence/<cloudId>/apps/<appId>_<envId>/pages/status. */
  path?: string;
  /** Header names as sent by the platform (lower-case in practice); values are arrays. */
  headers?: Record<string, string[]>;
  /** ?a=1&a=2 → { a: ['1', '2'] } */
  queryParameters?: Record<string, string[]>;
  /** Raw body text; "" when there is none. An object is accepted too (delivery as parsed JSON is not excluded by any doc). */
  body?: string | null | Record<string, unknown>;
  userPath?: string | null;
  context?: {
    cloudId?: string;
    /** The apiRoute module key the platform routed this call to. */
    moduleKey?: string;
    /** OAuth client id of the calling 3LO integration (field name UNCONFIRMED on real Forge; see identity.ts). */
    clientId?: string;
    oauthClientId?: string;
    userAccess?: { enabled?: boolean; hasAccess?: boolean };
  };
  /** Platform-issued JWT (Forge sets it; the caller cannot). identity.ts reads its claims. Never log it. */
  contextToken?: string;
}

export interface ForgeInvocationContext {
  principal?: { accountId?: string };
  /** Site ARI, e.g. ari:cloud:confluence::site/<cloudId> */
  installContext?: string;
  license?: { isActive?: boolean };
  installation?: unknown;
  workspaceId?: string;
}

export interface ForgeApiResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

export type ForgeApiHandler = (request: ForgeApiRequest, context: ForgeInvocationContext) => Promise<ForgeApiResponse>;
