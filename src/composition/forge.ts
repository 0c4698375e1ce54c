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
import { createPageUpdatedTrigger } from '../transport/triggers/page-updated';
import { createRoutingDriftTrigger } from '../transport/events/routing-drift';
import { createEngine } from '../core/services';
import type { EngineFactory, Invocation } from '../core/services/engine';
import { ForgeKvsStore } from '../adapters/forge/forge-kvs-store';
import { ForgeSecrets } from '../adapters/forge/forge-secrets';
import { ForgeConfluenceTransport, type PlatformRefusal } from '../adapters/forge/forge-confluence-transport';
import { forgeAppIds, forgeAppVersion, forgeRemainingMs } from '../adapters/forge/forge-app-context';
import { RestConfluenceSite } from '../adapters/confluence/rest-confluence';
import { RestDirectory } from '../adapters/confluence/rest-directory';
import { CallGate } from '../adapters/confluence/call-gate';
import { appAccountLookup } from '../adapters/confluence/app-account';
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
import { createAuditCheckpointTrigger } from '../transport/scheduled/audit-checkpoint';
import { sequencePendingAudit } from '../core/audit';

/**
 * On Forge the unconfirmed facts take their `documented` reading until the first deployment's
 * diagnostics say otherwise (docs/forge-platform.md); change a switch here, never a code path.
 */
export const PLATFORM_PROFILE: PlatformProfile = DEFAULT_PLATFORM_PROFILE;

const store = new ForgeKvsStore();
const diagnostics = new DiagnosticsLog(store);
const jobs = forgeJobQueue();
/** Forge proxy refusals are recorded for the diagnostics panel (codes only), never retried. */
const onRefusal = (refusal: PlatformRefusal) => void diagnostics.recordRefusal(refusal).catch(() => undefined);
const secrets = new ForgeSecrets();

/** Confluence for one invocation, acting as its user (if any) the way `via` allows. */
function confluenceFor(invocation: Invocation, via: 'resolver' | 'apiRoute'): RestConfluenceSite {
  const remainingMs = forgeRemainingMs();
  return new RestConfluenceSite(
    new ForgeConfluenceTransport(invokingUser(invocation, via), onRefusal),
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
      directory: new RestDirectory(new ForgeConfluenceTransport(invokingUser(invocation, via), onRefusal)),
      lifecycle: new RestLifecycleConfluence(new ForgeConfluenceTransport(invokingUser(invocation, via), onRefusal)),
      clock: new SystemClock(),
      ids: new RandomIds(),
      jobs,
      onDenied: invocation.onDenied,
      secrets,
    });
}

export const forgeApp = {
  api: observeApiHandlers(createApiHandlers(engineFactory('apiRoute'), { store, appAccountId: appAccountLookup(new ForgeConfluenceTransport(undefined, onRefusal), store) }), diagnostics, forgeAppVersion),
  resolver: createResolverHandler(engineFactory('resolver'), {
    store,
    appContext: forgeAppIds,
    diagnostics: { log: diagnostics, isSiteAdmin: (accountId) => confluenceFor({ actingAccountId: accountId }, 'resolver').isSiteAdmin(accountId) },
  }),
  auditSequencer: createAuditSequencerTrigger(() => sequencePendingAudit({ store, clock: new SystemClock() })),
  auditCheckpoint: createAuditCheckpointTrigger(() => engineFactory('resolver')({}).evidence.signCheckpoint()),
  // trigger `page-updated-trigger`: queue the hash/staleness job (SPEC 2.4a); the job runs as the app
  pageUpdated: createPageUpdatedTrigger((pageId) => engineFactory('resolver')({}).content.pageUpdated(pageId)),
  // trigger `routing-drift`: label and move events re-check routing drift, as the app
  routingDrift: createRoutingDriftTrigger((pageId) => engineFactory('resolver')({}).routing.recordDrift(pageId)),
  lifecycleDaily: createLifecycleTrigger((options) => engineFactory('resolver')({}).lifecycle.runDaily(options), () => Date.now()),
  // consumer `approvalflow-jobs`: deferred work, run as the app (no user in an async event)
  jobConsumer: createQueueConsumer({
    handlers: () =>
      queueJobHandlers({
        store,
        confluence: confluenceFor({}, 'resolver'),
        // lifecycle.continue runs another pass of the daily run, as the app (issue 23)
        lifecycle: new RestLifecycleConfluence(new ForgeConfluenceTransport(undefined, onRefusal)),
        clock: new SystemClock(),
        ids: new RandomIds(),
        jobs,
      }),
    retry: forgeRetry,
  }),
  bylineProperties: createBylinePropertiesHandler({
    store,
    readPage: (accountId, pageId) => confluenceFor({ actingAccountId: accountId }, 'resolver').getPage(pageId),
    staleness: (accountId, latest, version) => engineFactory('resolver')({ actingAccountId: accountId }).content.staleness(latest, version),
  }),
};
