/** The bounded optimistic-concurrency retry loop. Store failures pass through as StoreError: toPublicError maps them, once. */
import { DomainError } from '../domain/errors';
import type { EngineContext } from './context';
import { retryOnConflict } from '../shared/retry-on-conflict';

/** Engine steps: 60 attempts, full-jitter backoff capped at 2 ms · 2^attempt, at most 40 ms. */
export const ENGINE_RETRY = { maxAttempts: 60, baseDelayMs: 2, maxDelayMs: 40 } as const;
export const MAX_ATTEMPTS = ENGINE_RETRY.maxAttempts;

/**
 * Optimistic concurrency: run read-decide-write `step` until its transaction commits. A failed
 * condition means someone else wrote first: re-read and decide again (the new state may make the
 * action invalid, which `step` then throws as a DomainError). After MAX_ATTEMPTS the caller gets a
 * clean 409 to retry. `step` receives the attempt number (1-based: a step re-reads what it was handed when > 1).
 */
export function withRetry<T>(ctx: Pick<EngineContext, 'sleep'>, step: (attempt: number) => Promise<T>): Promise<T> {
  return retryOnConflict(
    {
      ...ENGINE_RETRY,
      sleep: ctx.sleep,
      exhausted: () => new DomainError('CONCURRENT_MODIFICATION', 'The object was changed concurrently; please retry.'),
    },
    step,
  );
}

