/**
 * Every Confluence call of one invocation passes this gate (SPEC §4): at most 10 in flight, and
 * 429/5xx (or a network failure; never a platform refusal) retried with backoff that honours Retry-After, but only while
 * the invocation's remaining time allows. What cannot finish in time becomes a retryable
 * UpstreamUnavailableError (503 UPSTREAM_UNAVAILABLE) instead of a late, partial answer; the engine
 * reads before it writes, so nothing has been written when it is thrown.
 *
 * The gate also counts the invocation's calls (every attempt is a request): past `callLimit` (the
 * profile's cap, U25), or once the proxy answered FETCH_LIMIT_EXCEEDED, it refuses with 413
 * TOO_MANY_CONFLUENCE_CALLS and makes no call. That answer is never retried: a retry spends another call.
 */
import { DomainError } from '../../core/domain/errors';
import { MAX_CONFLUENCE_IN_FLIGHT, tooManyConfluenceCalls } from '../../core/domain/call-limit';
import { FETCH_LIMIT_EXCEEDED, isDeterministicRefusal, isFetchLimitAnswer, type ConfluenceResponse } from './transport';

export const MAX_IN_FLIGHT = MAX_CONFLUENCE_IN_FLIGHT;
/** Forge's function time limit; used when the platform's own deadline cannot be read. */
export const INVOCATION_BUDGET_MS = 25_000;

export class UpstreamUnavailableError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('UPSTREAM_UNAVAILABLE', 'Confluence is busy or unreachable right now; nothing was changed. Retry after the delay in Retry-After.', undefined, retryAfterSeconds);
  }
}

export interface CallGateOptions {
  maxInFlight?: number;
  /** Milliseconds the invocation has left (Forge: getAppContext().invocationRemainingTimeInMillis). */
  remainingMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Time kept back for the work after the last call (writing, answering). */
  reserveMs?: number;
  now?: () => number;
  /** The most calls this invocation gets answered (profile confluenceCallsPerInvocation); absent: no cap known. */
  callLimit?: number;
}

const isRetryable = (status: number) => status === 429 || status >= 500;

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string> | undefined, now: number): number | undefined {
  const raw = headers?.['retry-after'];
  if (raw === undefined) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A thrown proxy refusal (@forge/api ProxyRequestError) of the per-invocation cap, for transports that do not turn it into an answer. */
const isFetchLimitError = (err: unknown) => err instanceof Error && (err as { errorCode?: unknown }).errorCode === FETCH_LIMIT_EXCEEDED;

export class CallGate {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly options: Required<Omit<CallGateOptions, 'callLimit'>>;
  private readonly callLimit: number | undefined;
  private calls = 0;
  /** the proxy refused a call past its cap: every later call would be refused too */
  private capReached = false;

  constructor(options: CallGateOptions = {}) {
    const now = options.now ?? Date.now;
    const started = now();
    this.options = {
      maxInFlight: options.maxInFlight ?? MAX_IN_FLIGHT,
      remainingMs: options.remainingMs ?? (() => INVOCATION_BUDGET_MS - (now() - started)),
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      maxAttempts: options.maxAttempts ?? 4,
      baseDelayMs: options.baseDelayMs ?? 250,
      reserveMs: options.reserveMs ?? 2_000,
      now,
    };
    this.callLimit = options.callLimit;
  }

  /** Calls this invocation may still make; undefined when no cap is known. */
  callsLeft(): number | undefined {
    if (this.capReached) return 0;
    return this.callLimit === undefined ? undefined : Math.max(0, this.callLimit - this.calls);
  }

  /** Runs one call under the in-flight bound, retrying what Confluence says to retry. */
  async run(call: () => Promise<ConfluenceResponse>): Promise<ConfluenceResponse> {
    await this.acquire();
    try {
      return await this.withRetries(call);
    } finally {
      this.release();
    }
  }

  private async withRetries(call: () => Promise<ConfluenceResponse>): Promise<ConfluenceResponse> {
    const o = this.options;
    for (let attempt = 1; ; attempt += 1) {
      if (o.remainingMs() < o.reserveMs) throw new UpstreamUnavailableError(2);
      if (this.callsLeft() === 0) throw tooManyConfluenceCalls();
      this.calls += 1;
      let response: ConfluenceResponse | undefined;
      try {
        response = await call();
      } catch (err) {
        if (isFetchLimitError(err)) throw this.reachedCap();
        // a refusal is an answer, not an outage: never retried (SPEC §4)
        if (isDeterministicRefusal(err)) throw err;
        response = undefined; // unreachable: retried like a 5xx
      }
      if (response !== undefined && isFetchLimitAnswer(response)) throw this.reachedCap();
      if (response !== undefined && !isRetryable(response.status)) return response;
      const hinted = response ? retryAfterMs(response.headers, o.now()) : undefined;
      const delay = hinted ?? o.baseDelayMs * 2 ** (attempt - 1) + Math.floor(Math.random() * o.baseDelayMs);
      if (attempt >= o.maxAttempts || o.remainingMs() - delay < o.reserveMs) {
        throw new UpstreamUnavailableError(Math.max(1, Math.ceil(delay / 1000)));
      }
      await o.sleep(delay);
    }
  }

  private reachedCap(): DomainError {
    this.capReached = true;
    return tooManyConfluenceCalls();
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight += 1;
      return;
    }
    // the releasing call hands its slot over directly, so inFlight never exceeds the bound
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight -= 1;
  }
}
