/** What every use case shares: the ports, the audit trail, a logger and the retry sleep. */
import type { LifecycleConfluence } from '../ports/lifecycle-confluence';
import type { KeyValueStore } from '../ports/store';
import type { ConfluenceSite } from '../ports/confluence';
import type { Directory } from '../ports/directory';
import type { Clock, IdGenerator } from '../ports/clock';
import type { JobQueue } from '../ports/jobs';
import { AuditTrail } from '../audit';
import { DomainError } from '../domain/errors';

const unavailable = (): Promise<never> => Promise.reject(new DomainError('UPSTREAM_UNAVAILABLE', 'This installation cannot reach Confluence for this.'));
/** For engines built without lifecycle Confluence access (tests, tools): those calls refuse clearly. */
const UNAVAILABLE_LIFECYCLE: LifecycleConfluence = { listChildren: unavailable, spaceAdmins: unavailable, findComment: unavailable };

export interface EngineDeps {
  store: KeyValueStore;
  confluence: ConfluenceSite;
  clock: Clock;
  ids: IdGenerator;
  /** name search for the UI's pickers (absent: search is unavailable) */
  directory?: Directory;
  /** tree, space admins and comment look-up for the lifecycle (absent: those use cases are unavailable) */
  lifecycle?: LifecycleConfluence;
  /** where work deferred past the response goes (notifications, audit sequencing); absent: run inline */
  jobs?: JobQueue;
}

/** Error logger that never receives tokens or payload bodies: only a code and ids. */
export type EngineLogger = (message: string, fields: Record<string, string | number | undefined>) => void;

export interface EngineContext extends EngineDeps {
  /** the lifecycle's Confluence access; without one configured, its calls refuse with UPSTREAM_UNAVAILABLE */
  lifecycle: LifecycleConfluence;
  audit: AuditTrail;
  jobs: JobQueue;
  log: EngineLogger;
  /** sleep between retries (always the real timer; withRetry reads it from here, retryOnConflict takes its own in the policy) */
  sleep: (ms: number) => Promise<void>;
}

export function createContext(deps: EngineDeps, log?: EngineLogger): EngineContext {
  const ctx: EngineContext = {
    ...deps,
    lifecycle: deps.lifecycle ?? UNAVAILABLE_LIFECYCLE,
    audit: new AuditTrail({ store: deps.store, clock: deps.clock, ids: deps.ids }),
    // createEngine puts the inline queue here when none is configured (it needs the context itself)
    jobs: deps.jobs ?? { push: () => Promise.resolve() },
    log: log ?? ((message, fields) => console.warn(`[approvalflow] ${message}`, JSON.stringify(fields))),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return ctx;
}
