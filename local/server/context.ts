/** What every route module of the local runtime gets: the app, the site and the runtime's registries. */
import type { PlatformProfile } from '../../src/adapters/platform-profile';
import type { LocalApp } from '../app';
import type { AdjustableClock } from '../clock';
import type { LocalSite } from '../site';
import type { AppManifest } from './manifest';
import type { IntegrationRegistry } from './integrations';
import type { ScopeInfo } from './scopes';
import type { TokenService } from './tokens';

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
