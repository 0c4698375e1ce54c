/**
 * REST API transport: the Forge apiRoute handlers, keyed by the export names the manifest's function
 * modules reference (index.<exportName>). Composition roots call createApiHandlers once.
 */
import type { EngineFactory } from '../../core/services/engine';
import type { ForgeApiHandler } from './forge-types';
import { createEdge, type EdgeOptions } from '../shared/edge';
import { createRouteHandler } from './handler';
import type { IdentityOptions } from './identity';
import { IdempotencyStore } from './idempotency';
import { API_ROUTES, type ApiExportName } from './routes';

export type { ForgeApiHandler, ForgeApiRequest, ForgeApiResponse, ForgeInvocationContext } from './forge-types';
export type { ApiExportName } from './routes';

/**
 * `store`: where Idempotency-Key records (prefix "idem:", 24 h TTL), rate-limit windows ("rl:") and
 * the cursor secret ("edge:") live: the app's store, so they hold across invocations.
 * `now`: clock for idempotency expiry, rate-limit windows and cursor expiry (tests).
 * `appAccountId`: the app user of the site (identity.ts refuses a token naming it).
 */
export type ApiHandlerOptions = EdgeOptions & {
  /** The app's own user on this site: a context token naming it is never taken as the caller (identity.ts). */
  appAccountId: IdentityOptions['appAccountId'];
};

export function createApiHandlers(getEngine: EngineFactory, options: ApiHandlerOptions): Record<ApiExportName, ForgeApiHandler> {
  const deps = { getEngine, idempotency: new IdempotencyStore(options.store, { now: options.now }), edge: createEdge(options), identity: { appAccountId: options.appAccountId } };
  const handlers = {} as Record<ApiExportName, ForgeApiHandler>;
  for (const route of API_ROUTES) handlers[route.exportName] = createRouteHandler(route, deps);
  return handlers;
}
