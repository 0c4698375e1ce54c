/**
 * What the Forge runtime says about this app and invocation (@forge/api getAppContext()): the app
 * and environment ids (so base URLs survive `forge register`) and the invocation's remaining time
 * (so Confluence retries stop before Forge's limit). Outside a Forge invocation (tests, bundle
 * checks) getAppContext() throws; callers then fall back to their defaults.
 */
import { getAppContext } from '@forge/api';

export function forgeAppIds(): { appId?: string; environmentId?: string } {
  try {
    const context = getAppContext();
    // the runtime holds the bare UUID; strip the ARI prefix in case a runtime hands over the full ARI
    return { appId: context.appAri.appId.replace(/^ari:cloud:ecosystem::app\//, ''), environmentId: context.environmentAri.environmentId };
  } catch {
    return {};
  }
}

/** The platform's own deadline for this invocation, or undefined when it cannot be read. */
export function forgeRemainingMs(): (() => number) | undefined {
  try {
    const context = getAppContext();
    const remaining = () => context.invocationRemainingTimeInMillis();
    return Number.isFinite(remaining()) ? remaining : undefined;
  } catch {
    return undefined;
  }
}

/** The deployed app version (what diagnostics sampling counts "per deployment" by), or 'unknown'. */
export function forgeAppVersion(): string {
  try {
    return getAppContext().appVersion || 'unknown';
  } catch {
    return 'unknown';
  }
}
