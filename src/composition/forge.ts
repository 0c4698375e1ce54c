/**
 * Forge composition root: joins the engine to Forge KVS and to Confluence through @forge/api.
 * Built lazily per process and holding no tenant data itself (Forge forbids caching customer data
 * between invocations; every read goes to KVS/Confluence).
 */
import { createEngine } from '../core/services';
import type { Engine } from '../core/services/engine';
import { ForgeKvsStore } from '../adapters/forge/forge-kvs-store';
import { ForgeConfluenceTransport } from '../adapters/forge/forge-confluence-transport';
import { RestDirectory } from '../adapters/confluence/rest-directory';
import { RestConfluenceSite } from '../adapters/confluence/rest-confluence';
import { SystemClock } from '../adapters/system/system-clock';
import { RandomIds } from '../adapters/system/random-ids';
import { createApiHandlers } from '../transport/api';
import { createResolverHandler } from '../transport/resolvers';
import { createPageUpdatedHandler } from '../transport/events/page-updated';

/** The UUID of manifest.yml's app.id; the admin page shows it in the REST API base URLs. */
const FORGE_APP_ID = '7d3c1f2e-5b6a-4c8d-9e0f-a1b2c3d4e5f6';

const store = new ForgeKvsStore();
let engine: Engine | undefined;

function getEngine(): Engine {
  engine ??= createEngine({
    store,
    confluence: new RestConfluenceSite(new ForgeConfluenceTransport()),
    directory: new RestDirectory(new ForgeConfluenceTransport()),
    clock: new SystemClock(),
    ids: new RandomIds(),
  });
  return engine;
}

export const forgeApp = {
  api: createApiHandlers(getEngine, { store }),
  resolver: createResolverHandler(getEngine, { appId: FORGE_APP_ID }),
  onPageUpdated: createPageUpdatedHandler(getEngine),
};
