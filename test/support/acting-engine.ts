/**
 * An Engine whose every call runs on the engine built for the caller of that call, as transports
 * do per invocation (`getEngine({actingAccountId: caller.accountId})`). Lets a test keep calling
 * `engine.approvals.submitPage(caller, …)` while Confluence reads act as that caller, which the
 * strict local site requires (the app user cannot see page 2012, nor ask about other users).
 * Engine methods take the acting Caller first; a call without one (pageEvents) acts as the app.
 */
import type { Engine, EngineFactory } from '../../src/core/services/engine';

export function actingEngine(getEngine: EngineFactory): Engine {
  return new Proxy({} as Engine, {
    get(_target, service: string) {
      return new Proxy(
        {},
        {
          get(_inner, method: string) {
            return (...args: unknown[]) => {
              const caller = args[0] as { accountId?: unknown } | undefined;
              const actingAccountId = caller && typeof caller === 'object' && typeof caller.accountId === 'string' ? caller.accountId : undefined;
              const engine = getEngine(actingAccountId ? { actingAccountId } : {}) as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>;
              return engine[service][method](...args);
            };
          },
        },
      );
    },
  });
}
