/**
 * Local composition root: the same engine, REST handlers, resolver and trigger handler as on Forge
 * (src/composition/forge.ts), joined to an embedded store and the local Confluence site instead of
 * Forge KVS and Confluence Cloud. Used by the local runtime (`npm start`), tests and benchmarks.
 */
import { createEngine, seedWorkflows } from '../core/services';
import type { EngineDeps } from '../core/services';
import type { Engine } from '../core/services/engine';
import type { KeyValueStore } from '../core/ports/store';
import type { Clock, IdGenerator } from '../core/ports/clock';
import type { Workflow } from '../core/domain/model';
import { RestDirectory } from '../adapters/confluence/rest-directory';
import { RestConfluenceSite } from '../adapters/confluence/rest-confluence';
import { SystemClock } from '../adapters/system/system-clock';
import { RandomIds } from '../adapters/system/random-ids';
import { createApiHandlers } from '../transport/api';
import { createResolverHandler } from '../transport/resolvers';
import { createPageUpdatedHandler } from '../transport/events/page-updated';
import type { LocalSite, PageUpdatedEvent } from '../../local/site';

/** Fixed ids of the one local "site" and "environment" (the app id comes from manifest.yml). */
export const LOCAL_CLOUD_ID = '5f1e2d3c-4b5a-4697-8a1b-0c9d8e7f6a50';
export const LOCAL_ENVIRONMENT_ID = '0dd1ec0a-1b2c-4d3e-8f40-5a6b7c8d9e0f';
export const LOCAL_INSTALL_CONTEXT = `ari:cloud:confluence::site/${LOCAL_CLOUD_ID}`;

export interface LocalAppOptions {
  store: KeyValueStore;
  site: LocalSite;
  clock?: Clock;
  ids?: IdGenerator;
  /** Forge app id (uuid part of manifest app.id), shown by the admin page with the REST base URLs. */
  appId?: string;
}

export interface LocalApp {
  engine: Engine;
  api: ReturnType<typeof createApiHandlers>;
  resolver: ReturnType<typeof createResolverHandler>;
  onPageUpdated: ReturnType<typeof createPageUpdatedHandler>;
  /** Resolves once the §7.1 workflows are seeded (rejects if seeding failed). */
  ready: Promise<void>;
  /** Resolves when every page-updated event fired so far has been handled. */
  idle(): Promise<void>;
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

/** The Forge `avi:confluence:updated:page` event for a local edit (the fields Forge documents). */
export function toForgePageUpdatedEvent(event: PageUpdatedEvent) {
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
      space: { id: event.spaceId, key: event.spaceKey },
      version: { number: event.version, by: { accountId: event.authorId }, message: event.message, when: event.createdAt },
    },
  };
}

export function createLocalApp(options: LocalAppOptions): LocalApp {
  const deps: EngineDeps = {
    store: options.store,
    confluence: new RestConfluenceSite(options.site.transport()),
    directory: new RestDirectory(options.site.transport()),
    clock: options.clock ?? new SystemClock(),
    ids: options.ids ?? new RandomIds(),
  };
  const engine = createEngine(deps);
  const getEngine = () => engine;
  const api = createApiHandlers(getEngine, { store: options.store, now: () => deps.clock.now() });
  const resolver = createResolverHandler(getEngine, { appId: options.appId });
  const onPageUpdated = createPageUpdatedHandler(getEngine);

  const inFlight = new Set<Promise<void>>();
  options.site.onPageUpdated((event) => {
    const handled = Promise.resolve()
      .then(() => onPageUpdated(toForgePageUpdatedEvent(event), { installContext: LOCAL_INSTALL_CONTEXT }))
      .then(
        () => undefined,
        // Forge would log a failed trigger invocation and move on; the read path derives state anyway.
        (err: unknown) => console.error(`page-updated trigger failed for page ${event.pageId}: ${err instanceof Error ? err.message : String(err)}`),
      );
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
    return handled;
  });

  const ready = seedWorkflows(deps, localSeedWorkflows(deps.clock.now()));
  // Callers await `ready`; this keeps an early failure from being an unhandled rejection meanwhile.
  ready.catch(() => undefined);

  return {
    engine,
    api,
    resolver,
    onPageUpdated,
    ready,
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
