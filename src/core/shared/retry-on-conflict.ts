/**
 * The one optimistic-concurrency retry loop: run a read-decide-write step until it commits. A failed
 * store condition (StoreError CONDITION_FAILED) means someone else wrote first, so the step runs again
 * on fresh reads; any other error ends the loop at once. Full-jitter exponential backoff spreads
 * contending writers so they do not collide again in lockstep.
 */
import { StoreError } from '../ports/store';

export interface RetryPolicy {
  /** Attempts in all, the first included (≥ 1). */
  maxAttempts: number;
  /** Delay cap before the 2nd attempt; doubles per attempt up to maxDelayMs. 0 = retry at once. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** What to throw when every attempt conflicted (default: the last conflict error). */
  exhausted?: (lastConflict: unknown) => unknown;
  /** Runs after each conflict, before the next attempt or `exhausted` (e.g. re-read what went stale). Its errors end the loop. */
  onConflict?: (conflict: unknown, attempt: number) => Promise<void> | void;
  /** Which errors are conflicts (default: StoreError CONDITION_FAILED). */
  isConflict?: (error: unknown) => boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

function isStoreConflict(error: unknown): boolean {
  return error instanceof StoreError && error.code === 'CONDITION_FAILED';
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Upper bound of the random wait after failed attempt `attempt` (1-based). */
export function backoffCapMs(policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 20));
}

/** `step` receives the attempt number (1-based). */
export async function retryOnConflict<T>(policy: RetryPolicy, step: (attempt: number) => Promise<T>): Promise<T> {
  const isConflict = policy.isConflict ?? isStoreConflict;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (error) {
      if (!isConflict(error)) throw error;
      await policy.onConflict?.(error, attempt);
      if (attempt >= policy.maxAttempts) throw policy.exhausted ? policy.exhausted(error) : error;
      const cap = backoffCapMs(policy, attempt);
      if (cap > 0) await (policy.sleep ?? defaultSleep)((policy.random ?? Math.random)() * cap);
    }
  }
}
