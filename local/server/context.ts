/**
 * What every route of the local runtime gets: the app, the site and the runtime's registries in
 * `c.var.ctx` of a Hono context, and the site's logged-in user.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { PlatformProfile } from '../../src/adapters/platform-profile';
import type { LocalApp, LocalFunction } from '../app';
import type { AdjustableClock } from '../clock';
import type { LocalSite } from '../site';
import type { ApiRoute, AppManifest } from './manifest';
import type { IntegrationRegistry } from './integrations';
import type { ScopeInfo } from './scopes';
import type { AccessTokenRecord, TokenService } from './tokens';

export interface LocalInfo {
  cloudId: string;
  appId: string;
  environmentId: string;
  siteUrl: string;
  apiBaseUrls: string[];
  /** Custom UI modules of the manifest (key + Forge module type); the bridge shim builds contexts from it. */
  uiModules: { key: string; type: string }[];
}

export interface RuntimeContext {
  info: LocalInfo;
  manifest: AppManifest;
  app: LocalApp;
  site: LocalSite;
  tokens: TokenService;
  integrations: IntegrationRegistry;
  scopeCatalog: Map<string, ScopeInfo>;
  staticDir: string;
  /** The platform profile the twins follow (and the app was built with). */
  profile: PlatformProfile;
  clock: AdjustableClock;
  /** Forge's invocation time limit (25 s); tests shorten it. */
  invocationTimeoutMs: number;
  /** seeded account ids */
  isUser(accountId: string | undefined | null): accountId is string;
}

/** The byline item's title, icon URL and tooltip as the page shows them. */
export interface BylineView {
  title: string;
  icon?: string;
  tooltip?: string;
}

export const DEFAULT_USER = 'acc-bob';
export const USER_COOKIE = 'af_user';

/** What the gateway established before the body is read: the caller's token, the route and its function. */
export interface GatewayAdmission {
  token: AccessTokenRecord;
  route: ApiRoute;
  handler: LocalFunction;
}

export interface LocalEnv {
  Variables: { ctx: RuntimeContext; admission: GatewayAdmission };
}
export type LocalContext = Context<LocalEnv>;

/** The site's logged-in user: the af_user cookie if it names a seeded user, else the default user. */
export function currentUser(c: LocalContext): string {
  const fromCookie = getCookie(c, USER_COOKIE);
  return c.var.ctx.isUser(fromCookie) ? fromCookie : DEFAULT_USER;
}
