/** The bounded optimistic-concurrency retry loop, and the one place store errors become domain errors. */
import { StoreError } from '../ports/store';
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
 * clean 409 to retry.
 */
export async function withRetry<T>(ctx: Pick<EngineContext, 'sleep'>, step: () => Promise<T>): Promise<T> {
  try {
    return await retryOnConflict(
      {
        ...ENGINE_RETRY,
        sleep: ctx.sleep,
        exhausted: () => new DomainError('conflict', 'CONCURRENT_MODIFICATION', 'The object was changed concurrently; please retry.'),
      },
      step,
    );
  } catch (err) {
    throw mapStoreError(err);
  }
}

function mapStoreError(err: unknown): unknown {
  if (err instanceof StoreError && err.code === 'RATE_LIMITED') {
    return new DomainError('rate_limited', 'RATE_LIMITED', 'Storage is busy; please retry shortly.');
  }
  if (err instanceof StoreError && err.code === 'STORAGE_FULL') return storageFull();
  if (err instanceof StoreError && err.code === 'UNAVAILABLE') {
    return new DomainError('internal', 'STORE_UNAVAILABLE', 'Storage is temporarily unavailable; please retry.');
  }
  return err;
}

/** Seconds a caller refused for a full store waits: freeing disk space takes a person, not a retry loop. */
export const STORAGE_FULL_RETRY_SECONDS = 60;

/** A full store is a 503 with Retry-After (docs/api.md), not an internal error: nothing was written. */
export function storageFull(): DomainError {
  return new DomainError('unavailable', 'UPSTREAM_UNAVAILABLE', 'Storage is full right now; nothing was changed. Retry later.', undefined, STORAGE_FULL_RETRY_SECONDS);
}
