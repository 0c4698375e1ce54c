/**
 * The ONE composition of the app: engine, REST handlers, resolver, byline, triggers and job consumer
 * over a platform's adapters. The Forge entry (composition/forge.ts) and the local runtime
 * (local/app.ts) both call it; what differs between them is a named field of `AppPlatform`, never a
 * second copy of the wiring.
 *
 * The engine's Confluence access is built per invocation (SPEC §4) from the acting user:
 *  - resolvers and the byline: the platform principal, so asUser() acts as them;
 *  - apiRoute: the caller resolved by the identity module, so Confluence calls as them use
 *    asUser(accountId) (impersonation; the platform profile decides);
 *  - no user (jobs, triggers): the app.
 * Holds no tenant data between invocations (Forge forbids it); every read goes to the store/Confluence.
 */
import { createEngine } from '../core/services';
import type { EngineDeps } from '../core/services';
import type { EngineFactory, Invocation } from '../core/services/engine';
import { sequencePendingAudit } from '../core/audit';
import type { KeyValueStore } from '../core/ports/store';
import type { SecretStore } from '../core/ports/secrets';
import type { Job, JobQueue } from '../core/ports/jobs';
import type { Clock, IdGenerator } from '../core/ports/clock';
import { RestConfluenceSite } from '../adapters/confluence/rest-confluence';
import { appAccountLookup } from '../adapters/confluence/app-account';
import { confluenceAccess, invokingUser } from '../adapters/confluence/access';
import type { ConfluenceTransport } from '../adapters/confluence/transport';
import type { PlatformRefusal } from '../adapters/forge/forge-confluence-transport';
import type { PlatformProfile } from '../adapters/platform-profile';
import { createApiHandlers } from '../transport/api';
import { createResolverHandler, type ResolverHandlerOptions } from '../transport/resolvers';
import { DiagnosticsLog } from '../transport/diagnostics/diagnostics-log';
import { observeApiHandlers } from '../transport/diagnostics/observe-api';
import { createBylinePropertiesHandler } from '../transport/byline/byline-properties';
import { createQueueConsumer } from '../transport/queue/consumer';
import { createAuditSequencerTrigger } from '../transport/scheduled/audit-sequencer';
import { createAuditCheckpointTrigger } from '../transport/scheduled/audit-checkpoint';
import { createLifecycleTrigger } from '../transport/scheduled/lifecycle';
import { createPageUpdatedTrigger } from '../transport/triggers/page-updated';
import { createRoutingDriftTrigger } from '../transport/events/routing-drift';
import { queueJobHandlers } from './jobs';

export type Via = 'resolver' | 'apiRoute';

/** What a runtime gives the app: its adapters, and the few facts in which the runtimes differ. */
export interface AppPlatform {
  store: KeyValueStore;
  /** encrypted secret storage; absent: signatures are unavailable */
  secrets?: SecretStore;
  jobs: JobQueue;
  clock: Clock;
  ids: IdGenerator;
  /** the platform facts the Confluence client follows (impersonation, admin app user) */
  profile: PlatformProfile;
  /** Confluence as the platform reaches it; `invokingAccountId` is the user asUser() without an id acts for. */
  confluenceTransport(invokingAccountId: string | undefined, onRefusal: (refusal: PlatformRefusal) => void): ConfluenceTransport;
  /** How long the invocation has left, when the platform tells (Forge); otherwise the call gate's own budget. */
  remainingMs?: () => (() => number) | undefined;
  /** What a queue consumer returns to be delivered again after `seconds`. */
  retry(seconds: number): unknown;
  /** The deployment the REST diagnostics are recorded under (Forge: the app version). */
  deployment?: () => string;
  /** App ids for the REST base URLs on the admin page (Forge: the platform's; local: the manifest's). */
  appIds: Pick<ResolverHandlerOptions, 'appId' | 'appContext'>;
}

export type ComposedApp = ReturnType<typeof composeApp>;

/** Confluence for one invocation, acting as its user (if any) the way `via` allows, through one call gate. */
function confluenceFactory(platform: AppPlatform, diagnostics: DiagnosticsLog, onRefusal: (refusal: PlatformRefusal) => void) {
  return (invocation: Invocation, via: Via = 'resolver'): RestConfluenceSite => {
    const remainingMs = platform.remainingMs?.();
    return new RestConfluenceSite(
      platform.confluenceTransport(invokingUser(invocation, via), onRefusal),
      confluenceAccess(platform.profile, invocation, {
        via,
        gateOptions: remainingMs ? { remainingMs } : {},
        observe: (assumption, holds) => void diagnostics.recordObservation(assumption, holds).catch(() => undefined),
      }),
    );
  };
}

/** The invocation's queue, attaching what the transport asked to every push; what rode is taken only once its push succeeded. */
function ridingJobs(jobs: JobQueue | undefined, attach: Invocation['attachToJobs']): { jobs?: JobQueue } {
  if (!jobs || !attach) return {};
  const push = async (queued: Job[]): Promise<void> => {
    const riding = attach(queued);
    try {
      await jobs.push(riding.jobs);
    } catch (error) {
      riding.released();
      throw error;
    }
    riding.taken();
  };
  return { jobs: { push } };
}

/** This invocation's remaining time for the engine, when the platform tells. */
function withRemaining(platform: AppPlatform): Pick<EngineDeps, 'remainingMs'> {
  const remainingMs = platform.remainingMs?.();
  return remainingMs ? { remainingMs } : {};
}

export function composeApp(platform: AppPlatform) {
  const { store, clock } = platform;
  const now = () => clock.now();
  const diagnostics = new DiagnosticsLog(store);
  /** Platform refusals are recorded for the diagnostics panel (codes only), never retried. */
  const onRefusal = (refusal: PlatformRefusal) => void diagnostics.recordRefusal(refusal).catch(() => undefined);
  const deps: Omit<EngineDeps, 'confluence'> = { store, clock, ids: platform.ids, jobs: platform.jobs, ...(platform.secrets ? { secrets: platform.secrets } : {}) };

  const confluenceFor = confluenceFactory(platform, diagnostics, onRefusal);
  const engineFor =
    (via: Via): EngineFactory =>
    (invocation) =>
      createEngine({ ...deps, ...ridingJobs(deps.jobs, invocation.attachToJobs), confluence: confluenceFor(invocation, via), onDenied: invocation.onDenied });
  /** Triggers, jobs and start-up work act as the app (no user in those invocations). */
  const asApp = () => engineFor('resolver')({});
  const appAccountId = appAccountLookup(platform.confluenceTransport(undefined, onRefusal), store, now);

  /** Every function the manifest names besides the REST routes, by its `index.<export>` name. */
  const functions = {
    resolver: createResolverHandler(engineFor('resolver'), {
      store,
      now,
      ...platform.appIds,
      diagnostics,
    }),
    bylineProperties: createBylinePropertiesHandler({
      store,
      now,
      readPage: (accountId, pageId) => confluenceFor({ actingAccountId: accountId }).getPage(pageId),
      staleness: (accountId, latest, version) => engineFor('resolver')({ actingAccountId: accountId }).content.staleness(latest, version),
    }),
    auditSequencer: createAuditSequencerTrigger(() => sequencePendingAudit({ store, clock })),
    auditCheckpoint: createAuditCheckpointTrigger(() => asApp().evidence.signCheckpoint()),
    // trigger `page-updated-trigger`: queue the hash/staleness job (SPEC 2.4a); the job runs as the app
    pageUpdated: createPageUpdatedTrigger((pageId) => asApp().content.pageUpdated(pageId)),
    // trigger `routing-drift`: label and move events re-check routing drift, as the app
    routingDrift: createRoutingDriftTrigger((pageId) => asApp().routing.recordDrift(pageId)),
    lifecycleDaily: createLifecycleTrigger((options) => asApp().lifecycle.runDaily(options), now),
    // consumer `approvalflow-jobs`: deferred work, run as the app (no user in an async event)
    // the platform's remaining time, when it tells, also paces the submission follow-up's posts (submission-follow-up.ts)
    jobConsumer: createQueueConsumer({ handlers: () => queueJobHandlers({ ...deps, confluence: confluenceFor({}), ...withRemaining(platform) }, diagnostics), retry: (seconds) => platform.retry(seconds) }),
  };

  return {
    engineFor,
    confluenceFor,
    /** The engine's dependencies acting as the app (seeding). */
    appDeps: (): EngineDeps => ({ ...deps, confluence: confluenceFor({}) }),
    api: observeApiHandlers(createApiHandlers(engineFor('apiRoute'), { store, now, appAccountId }), diagnostics, platform.deployment),
    ...functions,
    functions,
  };
}
