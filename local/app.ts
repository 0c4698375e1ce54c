/**
 * Local composition root: the same engine, REST handlers, resolver and trigger handler as on Forge
 * (src/composition/forge.ts), joined to an embedded store and the local Confluence site instead of
 * Forge KVS and Confluence Cloud. Used by the local runtime (`npm start`), tests and benchmarks.
 *
 * `handlers` mirrors src/index.ts: the same export names, so the runtime finds every function the
 * manifest names (`handler: index.<export>`) here, exactly as Forge finds it in the bundle.
 */
import { RestLifecycleConfluence } from '../src/adapters/confluence/lifecycle-confluence';
import { createPageUpdatedTrigger } from '../src/transport/triggers/page-updated';
import { createLifecycleTrigger } from '../src/transport/scheduled/lifecycle';
import { createAuditCheckpointTrigger } from '../src/transport/scheduled/audit-checkpoint';
import { createAuditSequencerTrigger } from '../src/transport/scheduled/audit-sequencer';
import { sequencePendingAudit } from '../src/core/audit';
import { createEngine, seedWorkflows } from '../src/core/services';
import type { EngineDeps } from '../src/core/services';
import type { Engine, EngineFactory, Invocation } from '../src/core/services/engine';
import type { KeyValueStore } from '../src/core/ports/store';
import type { SecretStore } from '../src/core/ports/secrets';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { SqliteStore } from '../src/adapters/store/sqlite-store';
import type { Clock, IdGenerator } from '../src/core/ports/clock';
import type { Workflow } from '../src/core/domain/model';
import { RestConfluenceSite } from '../src/adapters/confluence/rest-confluence';
import { RestDirectory } from '../src/adapters/confluence/rest-directory';
import { DEFAULT_PLATFORM_PROFILE, type PlatformProfile } from '../src/adapters/platform-profile';
import { SystemClock } from '../src/adapters/system/system-clock';
import { RandomIds } from '../src/adapters/system/random-ids';
import { createApiHandlers } from '../src/transport/api';
import { createResolverHandler } from '../src/transport/resolvers';
import { confluenceAccess, invokingUser } from '../src/adapters/confluence/access';
import type { PlatformRefusal } from '../src/adapters/forge/forge-confluence-transport';
import { productionTransport } from './site/forge-bridge';
import { appAccountLookup } from '../src/adapters/confluence/app-account';
import { DiagnosticsLog } from '../src/transport/diagnostics/diagnostics-log';
import { observeApiHandlers } from '../src/transport/diagnostics/observe-api';
import { createBylinePropertiesHandler } from '../src/transport/byline/byline-properties';
import { EventQueueJobs } from '../src/adapters/queue/event-queue-jobs';
import { queueJobHandlers } from '../src/composition/jobs';
import { createQueueConsumer } from '../src/transport/queue/consumer';
import { LocalEventQueue } from './server/job-queue';
import type { LocalSite, PageUpdatedEvent } from './site';

/** Fixed ids of the one local "site" and "environment" (the app id comes from manifest.yml). */
export const LOCAL_CLOUD_ID = '5f1e2d3c-4b5a-4697-8a1b-0c9d8e7f6a50';
export const LOCAL_ENVIRONMENT_ID = '0dd1ec0a-1b2c-4d3e-8f40-5a6b7c8d9e0f';
export const LOCAL_INSTALL_CONTEXT = `ari:cloud:confluence::site/${LOCAL_CLOUD_ID}`;

export interface LocalAppOptions {
  store: KeyValueStore;
  /** the local twin of Forge secret storage (SqliteStore and MemoryStore are both); absent: signatures are unavailable */
  secrets?: SecretStore;
  site: LocalSite;
  clock?: Clock;
  ids?: IdGenerator;
  /** Forge app id (uuid part of manifest app.id), shown by the admin page with the REST base URLs. */
  appId?: string;
  /** Platform facts the app's adapters follow (the same file the twins follow). Default: documented. */
  profile?: PlatformProfile;
}

/** A Forge function as the runtime invokes it: (payload, context). */
export type LocalFunction = (payload: unknown, context: unknown) => Promise<unknown>;

export interface LocalApp {
  getEngine: EngineFactory;
  /** Engine acting as the app (seeding, benchmarks). */
  engine: Engine;
  api: ReturnType<typeof createApiHandlers>;
  resolver: ReturnType<typeof createResolverHandler>;
  /** Every export of src/index.ts the local runtime can invoke, by export name. */
  handlers: Record<string, LocalFunction>;
  profile: PlatformProfile;
  /** Resolves once the §7.1 workflows are seeded (rejects if seeding failed). */
  ready: Promise<void>;
  /** Tracks a platform-initiated invocation (trigger delivery) so idle() waits for it. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves when every tracked invocation so far has settled (queued jobs and their retries included). */
  idle(): Promise<void>;
  /** The async-event queue twin (deliveries are observable). */
  queue: LocalEventQueue;
}

const SEED_ACTOR = 'system';

/** SPEC §7.1 workflows (fixed ids). Seeding is create-if-absent, so restarts keep later edits. */
export function localSeedWorkflows(now: number): Workflow[] {
  const base = { enabled: true, owners: [], allowSelfApproval: false, createdAt: now, createdBy: SEED_ACTOR, updatedAt: now, updatedBy: SEED_ACTOR, version: 1 };
  return [
    {
      ...base,
      id: 'wf-eng-review',
      spaceId: '1001',
      name: 'Engineering review',
      steps: [{ name: 'Peer review', approvers: ['acc-carol', 'acc-dave'], mode: 'any' }],
    },
    {
      ...base,
      id: 'wf-docs-quick',
      spaceId: '1002',
      name: 'Docs quick review',
      steps: [{ name: 'Editorial review', approvers: ['acc-carol'], mode: 'any' }],
    },
    {
      ...base,
      id: 'wf-docs-legal',
      spaceId: '1002',
      name: 'Docs legal review',
      steps: [
        { name: 'Editorial review', approvers: ['acc-carol'], mode: 'any' },
        { name: 'Legal sign-off', approvers: ['acc-alice', 'acc-dave'], mode: 'all' },
      ],
    },
  ];
}

/**
 * The `avi:confluence:updated:page` event for a local edit, with only the fields Forge documents:
 * `Content` is {id, type, status, title, space{id: number, key}, history}; it carries NO
 * `content.version` (docs/forge-platform.md, review-forge-2026-12 #16), so a handler must read the
 * version from Confluence.
 */
export function toForgePageUpdatedEvent(event: PageUpdatedEvent, createdBy: string) {
  return {
    eventType: 'avi:confluence:updated:page',
    atlassianId: event.authorId,
    updateTrigger: 'edit_page',
    suppressNotifications: false,
    content: {
      id: event.pageId,
      type: 'page',
      status: 'current',
      title: event.title,
      space: { id: Number(event.spaceId), key: event.spaceKey },
      history: { createdBy: { accountId: createdBy, type: 'known' }, latest: true },
    },
  };
}

/** The local stores are their own secret-storage twin; another store (a test decorator) needs `secrets` given. */
function secretsOf(options: LocalAppOptions): SecretStore | undefined {
  return options.secrets ?? (options.store instanceof SqliteStore || options.store instanceof MemoryStore ? options.store : undefined);
}

export function createLocalApp(options: LocalAppOptions): LocalApp {
  const profile = options.profile ?? DEFAULT_PLATFORM_PROFILE;
  const tracker = inFlightTracker();
  const queue = new LocalEventQueue((work) => tracker.track(work), () => options.site.licenseActive);
  const base = {
    store: options.store,
    clock: options.clock ?? new SystemClock(),
    ids: options.ids ?? new RandomIds(),
    jobs: new EventQueueJobs((events) => queue.push(events)),
    ...(secretsOf(options) ? { secrets: secretsOf(options) } : {}),
  };
  // One engine per invocation, its Confluence access built for the acting user (SPEC §4). The
  // acting user reaches Confluence through RestConfluenceSite (platform's adapter, which maps it
  // to ConfluenceRequest.actAs); the site's transport answers as that identity.
  const diagnostics = new DiagnosticsLog(options.store);
  // 'resolver': the platform runs the function as the user; 'apiRoute': the user comes from the
  // identity module, and acting as them depends on the profile (impersonation / principal).
  const onRefusal = (refusal: PlatformRefusal) => void diagnostics.recordRefusal(refusal).catch(() => undefined);
  // Every Confluence call runs through the production transport (@forge/api), bridged into the site.
  const transportFor = (invocation: Invocation, via: 'resolver' | 'apiRoute') => productionTransport(options.site, invokingUser(invocation, via), onRefusal);
  const confluenceFor = (invocation: Invocation, via: 'resolver' | 'apiRoute' = 'resolver') =>
    new RestConfluenceSite(
      transportFor(invocation, via),
      confluenceAccess(profile, invocation, { via, observe: (assumption, holds) => void diagnostics.recordObservation(assumption, holds).catch(() => undefined) }),
    );
  const getEngine: EngineFactory = (invocation) =>
    createEngine({
      ...base,
      confluence: confluenceFor(invocation),
      directory: new RestDirectory(transportFor(invocation, 'resolver')),
      lifecycle: new RestLifecycleConfluence(transportFor(invocation, 'resolver')),
      onDenied: invocation.onDenied,
    });
  const getApiEngine: EngineFactory = (invocation) => createEngine({ ...base, confluence: confluenceFor(invocation, 'apiRoute'), onDenied: invocation.onDenied });
  const engine = getEngine({});
  const deps: EngineDeps = { ...base, confluence: confluenceFor({}) };
  const api = observeApiHandlers(createApiHandlers(getApiEngine, { store: options.store, now: () => base.clock.now(), appAccountId: appAccountLookup(productionTransport(options.site), options.store) }), diagnostics);
  const resolver = createResolverHandler(getEngine, {
    store: options.store,
    now: () => base.clock.now(),
    ...(options.appId ? { appId: options.appId } : {}),
    diagnostics: { log: diagnostics, isSiteAdmin: (accountId) => confluenceFor({ actingAccountId: accountId }).isSiteAdmin(accountId) },
  });
  const bylineProperties = createBylinePropertiesHandler({
    store: options.store,
    now: () => base.clock.now(),
    readPage: (accountId, pageId) => confluenceFor({ actingAccountId: accountId }).getPage(pageId),
    staleness: (accountId, latest, version) => getEngine({ actingAccountId: accountId }).content.staleness(latest, version),
  });
  // Jobs run as the app, like Forge's consumer invocation (no user).
  const jobConsumer = createQueueConsumer({
    handlers: () => queueJobHandlers({ ...base, confluence: confluenceFor({}), lifecycle: new RestLifecycleConfluence(transportFor({}, 'resolver')) }),
    retry: (seconds) => ({ retryAfterSeconds: seconds }),
  });
  queue.connect(jobConsumer);
  const handlers: Record<string, LocalFunction> = {
    ...(api as unknown as Record<string, LocalFunction>),
    resolver: resolver as unknown as LocalFunction,
    bylineProperties,
    pageUpdated: createPageUpdatedTrigger((pageId) => getEngine({}).content.pageUpdated(pageId)),
    lifecycleDaily: createLifecycleTrigger((o) => getEngine({}).lifecycle.runDaily(o), () => base.clock.now()),
    auditSequencer: createAuditSequencerTrigger(() => sequencePendingAudit({ store: options.store, clock: base.clock })),
    auditCheckpoint: createAuditCheckpointTrigger(() => getEngine({}).evidence.signCheckpoint()),
    jobConsumer: jobConsumer as LocalFunction,
  };

  const ready = seedWorkflows(deps, localSeedWorkflows(base.clock.now()));
  // Callers await `ready`; this keeps an early failure from being an unhandled rejection meanwhile.
  ready.catch(() => undefined);
  return { getEngine, engine, api, resolver, handlers, profile, ready, queue, ...tracker };
}

/** Work the runtime started on its own (trigger deliveries): `idle()` waits until none is left. */
function inFlightTracker(): Pick<LocalApp, 'track' | 'idle'> {
  const inFlight = new Set<Promise<unknown>>();
  return {
    track(work) {
      inFlight.add(work);
      void work.then(
        () => inFlight.delete(work),
        () => inFlight.delete(work),
      );
      return work;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
