/**
 * Forge composition root: joins the engine to Forge KVS and to Confluence through @forge/api.
 * The engine's Confluence access is built per invocation (SPEC §4) from the acting user:
 *  - resolvers and the byline: the platform principal, so asUser() acts as them;
 *  - apiRoute: the caller resolved by the identity module (often only from the contextToken), so
 *    Confluence calls as them use asUser(accountId) (impersonation; PLATFORM_PROFILE decides);
 *  - no user (jobs): the app.
 * Holds no tenant data between invocations (Forge forbids it); every read goes to KVS/Confluence.
 */
import { RestLifecycleConfluence } from '../adapters/confluence/lifecycle-confluence';
import { createLifecycleTrigger } from '../transport/scheduled/lifecycle';
import { createRoutingDriftTrigger } from '../transport/events/routing-drift';
import { createEngine } from '../core/services';
import type { EngineFactory, Invocation } from '../core/services/engine';
import { ForgeKvsStore } from '../adapters/forge/forge-kvs-store';
import { ForgeConfluenceTransport } from '../adapters/forge/forge-confluence-transport';
import { forgeAppIds, forgeRemainingMs } from '../adapters/forge/forge-app-context';
import { RestConfluenceSite } from '../adapters/confluence/rest-confluence';
import { RestDirectory } from '../adapters/confluence/rest-directory';
import { CallGate } from '../adapters/confluence/call-gate';
import { confluenceAccess, invokingUser } from '../adapters/confluence/access';
import { DEFAULT_PLATFORM_PROFILE, type PlatformProfile } from '../adapters/platform-profile';
import { SystemClock } from '../adapters/system/system-clock';
import { RandomIds } from '../adapters/system/random-ids';
import { createApiHandlers } from '../transport/api';
import { createResolverHandler } from '../transport/resolvers';
import { DiagnosticsLog } from '../transport/diagnostics/diagnostics-log';
import { observeApiHandlers } from '../transport/diagnostics/observe-api';
import { createBylinePropertiesHandler } from '../transport/byline/byline-properties';
import { createQueueConsumer } from '../transport/queue/consumer';
import { forgeJobQueue, forgeRetry } from '../adapters/forge/forge-queue';
import { queueJobHandlers } from './jobs';
import { createAuditSequencerTrigger } from '../transport/scheduled/audit-sequencer';
import { sequencePendingAudit } from '../core/audit';

/**
 * On Forge the unconfirmed facts take their pessimistic reading until the first deployment's
 * diagnostics say otherwise (docs/forge-platform.md); change a switch here, never a code path.
 */
export const PLATFORM_PROFILE: PlatformProfile = DEFAULT_PLATFORM_PROFILE;

const store = new ForgeKvsStore();
const diagnostics = new DiagnosticsLog(store);
const jobs = forgeJobQueue();

/** Confluence for one invocation, acting as its user (if any) the way `via` allows. */
function confluenceFor(invocation: Invocation, via: 'resolver' | 'apiRoute'): RestConfluenceSite {
  const remainingMs = forgeRemainingMs();
  return new RestConfluenceSite(
    new ForgeConfluenceTransport(invokingUser(PLATFORM_PROFILE, invocation, via)),
    confluenceAccess(PLATFORM_PROFILE, invocation, {
      via,
      gate: new CallGate(remainingMs ? { remainingMs } : {}),
      observe: (assumption, holds) => void diagnostics.recordObservation(assumption, holds).catch(() => undefined),
    }),
  );
}

function engineFactory(via: 'resolver' | 'apiRoute'): EngineFactory {
  return (invocation) =>
    createEngine({
      store,
      confluence: confluenceFor(invocation, via),
      // Picker search as the signed-in user: results are only what they may see.
      directory: new RestDirectory(new ForgeConfluenceTransport(invokingUser(PLATFORM_PROFILE, invocation, via))),
      lifecycle: new RestLifecycleConfluence(new ForgeConfluenceTransport(invokingUser(PLATFORM_PROFILE, invocation, via))),
      clock: new SystemClock(),
      ids: new RandomIds(),
      jobs,
    });
}

export const forgeApp = {
  api: observeApiHandlers(createApiHandlers(engineFactory('apiRoute'), { store }), diagnostics),
  resolver: createResolverHandler(engineFactory('resolver'), {
    store,
    appContext: forgeAppIds,
    diagnostics: { log: diagnostics, isSiteAdmin: (accountId) => confluenceFor({ actingAccountId: accountId }, 'resolver').isSiteAdmin(accountId) },
  }),
  auditSequencer: createAuditSequencerTrigger(() => sequencePendingAudit({ store, clock: new SystemClock() })),
  // trigger `routing-drift`: label and move events re-check routing drift, as the app
  routingDrift: createRoutingDriftTrigger((pageId) => engineFactory('resolver')({}).routing.recordDrift(pageId)),
  lifecycleDaily: createLifecycleTrigger((options) => engineFactory('resolver')({}).lifecycle.runDaily(options), () => Date.now()),
  // consumer `approvalflow-jobs`: deferred work, run as the app (no user in an async event)
  jobConsumer: createQueueConsumer({
    handlers: () =>
      queueJobHandlers({ store, confluence: confluenceFor({}, 'resolver'), clock: new SystemClock(), ids: new RandomIds(), jobs }),
    retry: forgeRetry,
  }),
  bylineProperties: createBylinePropertiesHandler({ store, readPage: (accountId, pageId) => confluenceFor({ actingAccountId: accountId }, 'resolver').getPage(pageId) }),
};
