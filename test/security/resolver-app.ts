/**
 * The resolvers over the real engine, store and local Confluence site, called exactly as Forge calls
 * them, with an injectable clock and rate limits (security and abuse tests).
 */
import { callerBoundEngine, perInvocationEngines } from '../support/caller-bound-engine';
import { DEFAULT_PLATFORM_PROFILE } from '../../src/adapters/platform-profile';
import { seedWorkflows } from '../../src/core/services';
import type { Engine } from '../../src/core/services/engine';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { RandomIds } from '../../src/adapters/system/random-ids';
import { localSeedWorkflows } from '../../local/app';
import { createLocalSite, type LocalSite } from '../../local/site';
import { createResolverHandler } from '../../src/transport/resolvers';
import type { RateLimits } from '../../src/transport/shared/rate-limit';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies are asserted field by field
export type Reply = { success: boolean; code?: string; error?: string; details?: { field?: string; code?: string; reason: string }[]; [k: string]: any };

/** Limits high enough that tests which are not about throttling never meet them. */
export const GENEROUS: RateLimits = {
  writesPerUser: { max: 100_000, windowSeconds: 60 },
  writesPerClient: { max: 100_000, windowSeconds: 60 },
  deniedPerUser: { max: 100_000, windowSeconds: 60 },
};

/**
 * The (request, context) pair Forge passes to a resolver for one `invoke()` from Custom UI;
 * `pageId` (if any) is put in the macro's extension context, as Confluence does.
 */
export function resolverCall(accountId: string | undefined, functionKey: string, payload: unknown, where: { pageId?: string; spaceId?: string } = {}) {
  const extension = {
    type: where.pageId ? 'macro' : 'confluence:spacePage',
    ...(where.pageId ? { content: { id: where.pageId, type: 'page' } } : {}),
    ...(where.spaceId ? { space: { id: where.spaceId, key: 'ENG' } } : {}),
  };
  const context = { extension, moduleKey: 'approvalflow-macro', localId: 'l1', cloudId: 'cloud-1', siteUrl: 'https://example.atlassian.net', environmentId: 'env-1' };
  return [{ call: { functionKey, payload }, context }, accountId ? { principal: { accountId } } : {}] as const;
}

export interface ResolverApp {
  store: MemoryStore;
  site: LocalSite;
  engine: Engine;
  clock: { now: number };
  invoke(accountId: string | undefined, functionKey: string, payload?: unknown, where?: { pageId?: string; spaceId?: string }): Promise<Reply>;
}

export async function createResolverApp(options: { rateLimits?: RateLimits } = {}): Promise<ResolverApp> {
  const store = new MemoryStore();
  const clock = { now: Date.UTC(2026, 11, 1, 12, 0, 0) };
  const site = createLocalSite();
  const deps = { store, secrets: store, confluence: new RestConfluenceSite(site.transport()), clock: { now: () => clock.now }, ids: new RandomIds() };
  const engines = perInvocationEngines(deps, site, DEFAULT_PLATFORM_PROFILE, 'resolver');
  const engine = callerBoundEngine((caller) => engines(caller ? { actingAccountId: caller.accountId } : {}));
  await seedWorkflows(deps, localSeedWorkflows(clock.now));
  const handler = createResolverHandler(engines, { appId: 'app-uuid', store, now: () => clock.now, rateLimits: options.rateLimits ?? GENEROUS });
  return {
    store,
    site,
    engine,
    clock,
    async invoke(accountId, functionKey, payload = {}, where = {}) {
      return (await handler(...resolverCall(accountId, functionKey, payload, where))) as Reply;
    },
  };
}
