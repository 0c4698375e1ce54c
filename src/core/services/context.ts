/** What every use case shares: the ports, the audit trail, a logger and the retry sleep. */
import type { KeyValueStore } from '../ports/store';
import type { ConfluenceSite } from '../ports/confluence';
import type { Clock, IdGenerator } from '../ports/clock';
import type { JobQueue } from '../ports/jobs';
import type { SecretStore } from '../ports/secrets';
import { AuditTrail } from '../audit';

export interface EngineDeps {
  store: KeyValueStore;
  /** the one Confluence port: pages and rights, the lifecycle's tree and look-ups, the pickers' search */
  confluence: ConfluenceSite;
  clock: Clock;
  ids: IdGenerator;
  /** where work deferred past the response goes (notifications, audit sequencing); absent: run inline */
  jobs?: JobQueue;
  /** the invocation's refusal hook (Invocation.onDenied) */
  onDenied?: () => void;
  /** Milliseconds the invocation has left, when the platform tells (Forge); absent: a job budgets its time from its own start on `clock`. */
  remainingMs?: () => number;
  /** encrypted secret storage (signing PINs, TOTP seeds, the installation key); absent: signatures are unavailable */
  secrets?: SecretStore;
}

/** Error logger that never receives tokens or payload bodies: only a code and ids. */
export type EngineLogger = (message: string, fields: Record<string, string | number | undefined>) => void;

export interface EngineContext extends EngineDeps {
  audit: AuditTrail;
  jobs: JobQueue;
  log: EngineLogger;
  /** sleep between retries (always the real timer; withRetry reads it from here, retryOnConflict takes its own in the policy) */
  sleep: (ms: number) => Promise<void>;
}

export function createContext(deps: EngineDeps, log?: EngineLogger): EngineContext {
  const ctx: EngineContext = {
    ...deps,
    audit: new AuditTrail({ store: deps.store, clock: deps.clock, ids: deps.ids }),
    // createEngine puts the inline queue here when none is configured (it needs the context itself)
    jobs: deps.jobs ?? { push: () => Promise.resolve() },
    log: log ?? ((message, fields) => console.warn(`[approvalflow] ${message}`, JSON.stringify(fields))),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return ctx;
}
