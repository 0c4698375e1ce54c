/** The bounded optimistic-concurrency retry loop, and the one place store errors become domain errors. */
import { StoreError } from '../ports/store';
import { DomainError } from '../domain/errors';
import type { EngineContext } from './context';

export const MAX_ATTEMPTS = 60;
const BASE_DELAY_MS = 2;
const MAX_DELAY_MS = 40;

/**
 * Optimistic concurrency: run read-decide-write `step` until its transaction commits. A failed
 * condition means someone else wrote first: re-read and decide again (the new state may make the
 * action invalid, which `step` then throws as a DomainError). Full-jitter backoff spreads retries;
 * after MAX_ATTEMPTS the caller gets a clean 409 to retry.
 */
export async function withRetry<T>(ctx: Pick<EngineContext, 'sleep'>, step: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!(err instanceof StoreError) || err.code !== 'CONDITION_FAILED') throw mapStoreError(err);
      if (attempt + 1 >= MAX_ATTEMPTS) {
        throw new DomainError('conflict', 'CONCURRENT_MODIFICATION', 'The object was changed concurrently; please retry.');
      }
      const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 10));
      await ctx.sleep(Math.random() * cap);
    }
  }
}

function mapStoreError(err: unknown): unknown {
  if (err instanceof StoreError && err.code === 'RATE_LIMITED') {
    return new DomainError('rate_limited', 'RATE_LIMITED', 'Storage is busy; please retry shortly.');
  }
  if (err instanceof StoreError && err.code === 'UNAVAILABLE') {
    return new DomainError('internal', 'STORE_UNAVAILABLE', 'Storage is temporarily unavailable; please retry.');
  }
  return err;
}
