/**
 * App id, environment id and remaining time come from the Forge runtime (getAppContext), so base
 * URLs survive `forge register` and retries respect the platform's own deadline (issue 8).
 */
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { forgeAppIds, forgeRemainingMs } from '../../src/adapters/forge/forge-app-context';
import { createResolverHandler } from '../../src/transport/resolvers';
import type { Engine } from '../../src/core/services/engine';

const g = globalThis as Record<string, unknown>;
afterEach(() => {
  delete g.__forge_runtime__;
});

function installRuntime(remaining: number) {
  g.__forge_runtime__ = {
    appContext: { appId: 'ari:cloud:ecosystem::app/11111111-2222-4333-8444-555555555555', environmentId: '66666666-7777-4888-9999-000000000000', environmentType: 'DEVELOPMENT', invocationId: 'i', installationId: 'ari:cloud:ecosystem::installation/x', moduleKey: 'm' },
    lambdaContext: { getRemainingTimeInMillis: () => remaining },
  };
}

describe('Forge app context', () => {
  it('reads the app and environment ids and the remaining time from the runtime', () => {
    installRuntime(12_345);
    expect(forgeAppIds()).toEqual({ appId: '11111111-2222-4333-8444-555555555555', environmentId: '66666666-7777-4888-9999-000000000000' });
    expect(forgeRemainingMs()?.()).toBe(12_345);
  });

  it('outside a Forge invocation answers nothing, so callers use their defaults', () => {
    expect(forgeAppIds()).toEqual({});
    expect(forgeRemainingMs()).toBeUndefined();
  });

  it('api.info builds base URLs from the platform ids and the site of installContext, not from the browser context', async () => {
    installRuntime(1000);
    const resolver = createResolverHandler(() => ({}) as Engine, { store: new MemoryStore(), appId: 'stale-app-id', appContext: forgeAppIds });
    const reply = (await resolver(
      { call: { functionKey: 'api.info', payload: {} }, context: { environmentId: 'forged-env', cloudId: 'forged-cloud', siteUrl: 'https://acme.atlassian.net' } },
      { principal: { accountId: 'acc-alice' }, installContext: 'ari:cloud:confluence::site/cloud-real' },
    )) as { baseUrls: string[] };
    expect(reply.baseUrls).toEqual([
      'https://api.atlassian.com/svc/confluence/cloud-real/apps/11111111-2222-4333-8444-555555555555_66666666-7777-4888-9999-000000000000',
      'https://acme.atlassian.net/gateway/api/svc/confluence/apps/11111111-2222-4333-8444-555555555555_66666666-7777-4888-9999-000000000000',
    ]);
  });
});
