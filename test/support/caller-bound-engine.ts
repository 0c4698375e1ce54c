/**
 * Tests hold one `engine` and call it as different users; production builds an engine per
 * invocation whose Confluence access acts as that invocation's user (SPEC §4). This adapter keeps
 * the tests' shape and production's behaviour: each call builds the engine for the caller passed
 * as its first argument (the engine's own convention), or for no user when there is none.
 */
import type { Caller } from '../../src/core/domain/caller';
import type { Engine, EngineFactory } from '../../src/core/services/engine';
import { createEngine, type EngineDeps } from '../../src/core/services';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { confluenceAccess } from '../../src/adapters/confluence/access';
import type { PlatformProfile } from '../../src/adapters/platform-profile';
import type { LocalSite } from '../../local/site';

function isCaller(value: unknown): value is Caller {
  return typeof value === 'object' && value !== null && typeof (value as Caller).accountId === 'string' && ((value as Caller).source === 'ui' || (value as Caller).source === 'api');
}

export function callerBoundEngine(engineFor: (caller: Caller | undefined) => Engine): Engine {
  return new Proxy({} as Engine, {
    get(_target, service: string) {
      return new Proxy(
        {},
        {
          get(_t, method: string) {
            return (...args: unknown[]) => {
              const caller = isCaller(args[0]) ? args[0] : undefined;
              const target = engineFor(caller)[service as keyof Engine] as unknown as Record<string, (...a: unknown[]) => unknown>;
              return target[method](...args);
            };
          },
        },
      );
    },
  });
}

/** The engine factory a composition root builds: Confluence reached as the invocation's user, per the profile. */
export function perInvocationEngines(
  deps: Omit<EngineDeps, 'confluence'>,
  site: LocalSite,
  profile: PlatformProfile,
  via: 'resolver' | 'apiRoute',
): EngineFactory {
  return (invocation) =>
    createEngine({ ...deps, confluence: new RestConfluenceSite(site.transport(), confluenceAccess(profile, invocation, { via })), onDenied: invocation.onDenied });
}

/** An engine factory that fails as a misconfigured composition root would (no store, no site): every invocation throws. */
export function failingEngineFactory(message: string): EngineFactory {
  return () => {
    throw new Error(message);
  };
}
