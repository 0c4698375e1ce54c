/**
 * REST API transport: the Forge apiRoute handlers, keyed by the export names the manifest's function
 * modules reference (index.<exportName>). Composition roots call createApiHandlers once.
 */
import type { KeyValueStore } from '../../core/ports/store';
import type { EngineFactory } from '../../core/services/engine';
import type { ForgeApiHandler } from './forge-types';
import { createRouteHandler } from './handler';
import { IdempotencyStore } from './idempotency';
import { API_ROUTES, type ApiExportName } from './routes';

export type { ForgeApiHandler, ForgeApiRequest, ForgeApiResponse, ForgeInvocationContext } from './forge-types';
export type { ApiExportName } from './routes';

export interface ApiHandlerOptions {
  /** Where Idempotency-Key records live (keys under the "idem:" prefix, 24 h TTL): the app's store, so replays work across invocations. */
  store: KeyValueStore;
  /** Clock for idempotency expiry (tests). */
  now?: () => number;
}

export function createApiHandlers(getEngine: EngineFactory, options: ApiHandlerOptions): Record<ApiExportName, ForgeApiHandler> {
  const idempotency = new IdempotencyStore(options.store, { now: options.now });
  const handlers = {} as Record<ApiExportName, ForgeApiHandler>;
  for (const route of API_ROUTES) handlers[route.exportName] = createRouteHandler(route, getEngine, idempotency);
  return handlers;
}
