/**
 * Local composition root: the ONE composition (src/composition/compose.ts, which Forge's root calls
 * too) over an embedded store, the local event queue and the local Confluence site instead of Forge
 * KVS, the Forge queue and Confluence Cloud. Used by the local runtime (`npm start`), tests and
 * benchmarks.
 *
 * `handlers` mirrors src/index.ts: the same export names, so the runtime finds every function the
 * manifest names (`handler: index.<export>`) here, exactly as Forge finds it in the bundle.
 */
import { seedWorkflows } from '../src/core/services';
import { CursorSeal } from '../src/transport/shared/cursor-seal';
import type { Engine, EngineFactory } from '../src/core/services/engine';
import type { KeyValueStore } from '../src/core/ports/store';
import type { SecretStore } from '../src/core/ports/secrets';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { SqliteStore } from '../src/adapters/store/sqlite-store';
import type { Clock, IdGenerator } from '../src/core/ports/clock';
import type { Workflow } from '../src/core/domain/model';
import { DEFAULT_PLATFORM_PROFILE, type PlatformProfile } from '../src/adapters/platform-profile';
import { SystemClock } from '../src/adapters/system/system-clock';
import { RandomIds } from '../src/adapters/system/random-ids';
import { EventQueueJobs } from '../src/adapters/queue/event-queue-jobs';
import { composeApp, type ComposedApp } from '../src/composition/compose';
import { productionTransport } from './site/forge-bridge';
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
  api: ComposedApp['api'];
  resolver: ComposedApp['resolver'];
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
  const secrets = secretsOf(options);
  const clock = options.clock ?? new SystemClock();
  // The one composition (src/composition/compose.ts) over the local twins. Every Confluence call
  // runs through the production transport (@forge/api), bridged into the local site.
  const app = composeApp({
    store: options.store,
    ...(secrets ? { secrets } : {}),
    jobs: new EventQueueJobs((events) => queue.push(events)),
    clock,
    ids: options.ids ?? new RandomIds(),
    profile,
    confluenceTransport: (invokingAccountId, onRefusal) => productionTransport(options.site, invokingAccountId, onRefusal),
    retry: (seconds) => ({ retryAfterSeconds: seconds }),
    appIds: options.appId ? { appId: options.appId } : {},
  });
  queue.connect(app.jobConsumer);
  const getEngine = app.engineFor('resolver');
  // the same functions as src/index.ts exports, by export name (composeApp builds them once)
  const handlers = { ...app.api, ...app.functions } as unknown as Record<string, LocalFunction>;

  // the seed, and the paging secret (else the first paged read would write it: refused on a full disk)
  const ready = Promise.all([seedWorkflows(app.appDeps(), localSeedWorkflows(clock.now())), new CursorSeal(options.store, { now: () => clock.now() }).prepare()]).then(() => undefined);
  // Callers await `ready`; this keeps an early failure from being an unhandled rejection meanwhile.
  ready.catch(() => undefined);
  return { getEngine, engine: getEngine({}), api: app.api, resolver: app.resolver, handlers, profile, ready, queue, ...tracker };
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
