/**
 * Forge composition root: the one composition (compose.ts) over Forge KVS, Forge secret storage,
 * the Forge async-event queue and Confluence through @forge/api. Only what is Forge's is here.
 */
import { ForgeKvsStore } from '../adapters/forge/forge-kvs-store';
import { ForgeSecrets } from '../adapters/forge/forge-secrets';
import { ForgeConfluenceTransport } from '../adapters/forge/forge-confluence-transport';
import { forgeAppIds, forgeAppVersion, forgeRemainingMs } from '../adapters/forge/forge-app-context';
import { forgeJobQueue, forgeRetry } from '../adapters/forge/forge-queue';
import { DEFAULT_PLATFORM_PROFILE, type PlatformProfile } from '../adapters/platform-profile';
import { SystemClock } from '../adapters/system/system-clock';
import { RandomIds } from '../adapters/system/random-ids';
import { composeApp } from './compose';

/**
 * On Forge the unconfirmed facts take their `documented` reading until the first deployment's
 * diagnostics say otherwise (docs/forge-platform.md); change a switch here, never a code path.
 */
export const PLATFORM_PROFILE: PlatformProfile = DEFAULT_PLATFORM_PROFILE;

export const forgeApp = composeApp({
  store: new ForgeKvsStore(),
  secrets: new ForgeSecrets(),
  jobs: forgeJobQueue(),
  clock: new SystemClock(),
  ids: new RandomIds(),
  profile: PLATFORM_PROFILE,
  confluenceTransport: (invokingAccountId, onRefusal) => new ForgeConfluenceTransport(invokingAccountId, onRefusal),
  remainingMs: forgeRemainingMs,
  retry: forgeRetry,
  deployment: forgeAppVersion,
  appIds: { appContext: forgeAppIds },
});
