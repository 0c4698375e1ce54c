/** retryOnConflict: the one optimistic-concurrency loop (engine steps, audit purge, Forge KVS transactions). */
import { StoreError } from '../../src/core/ports/store';
import { backoffCapMs, retryOnConflict, type RetryPolicy } from '../../src/core/shared/retry-on-conflict';

const conflict = () => new StoreError('CONDITION_FAILED', 'stale');

function recorder(policy: Partial<RetryPolicy> = {}): { policy: RetryPolicy; sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    policy: { maxAttempts: 5, baseDelayMs: 2, maxDelayMs: 40, random: () => 1, sleep: async (ms) => void sleeps.push(ms), ...policy },
  };
}

describe('retryOnConflict', () => {
  it('re-runs the step after each conflict until it commits, waiting a capped exponential backoff', async () => {
    const { policy, sleeps } = recorder({ maxAttempts: 10 });
    let calls = 0;
    const result = await retryOnConflict(policy, async (attempt) => {
      calls++;
      expect(attempt).toBe(calls);
      if (attempt < 7) throw conflict();
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(sleeps).toEqual([2, 4, 8, 16, 32, 40]); // random() = 1 shows the caps
  });

  it('waits a random share of the cap (full jitter)', async () => {
    const { policy, sleeps } = recorder({ random: () => 0.25 });
    await retryOnConflict(policy, async (attempt) => (attempt < 3 ? Promise.reject(conflict()) : 'ok'));
    expect(sleeps).toEqual([0.5, 1]);
    expect(backoffCapMs({ baseDelayMs: 2, maxDelayMs: 100 }, 50)).toBe(100);
  });

  it('throws a non-conflict error at once, without retrying', async () => {
    const { policy, sleeps } = recorder();
    let calls = 0;
    const rateLimited = new StoreError('RATE_LIMITED', 'slow down');
    await expect(
      retryOnConflict(policy, async () => {
        calls++;
        throw rateLimited;
      }),
    ).rejects.toBe(rateLimited);
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('after maxAttempts conflicts throws what `exhausted` makes of the last one (default: the conflict itself)', async () => {
    let calls = 0;
    const always = async (): Promise<never> => {
      calls++;
      throw conflict();
    };
    await expect(retryOnConflict(recorder({ maxAttempts: 3 }).policy, always)).rejects.toMatchObject({ code: 'CONDITION_FAILED' });
    expect(calls).toBe(3);
    const busy = new Error('busy');
    await expect(retryOnConflict(recorder({ maxAttempts: 2, exhausted: () => busy }).policy, always)).rejects.toBe(busy);
    expect(calls).toBe(5);
  });

  it('runs onConflict after every conflict (the last included); an error there ends the loop', async () => {
    const seen: number[] = [];
    await expect(
      retryOnConflict(recorder({ maxAttempts: 3, onConflict: (_e, attempt) => void seen.push(attempt) }).policy, async () => {
        throw conflict();
      }),
    ).rejects.toMatchObject({ code: 'CONDITION_FAILED' });
    expect(seen).toEqual([1, 2, 3]);

    const callerConflict = new StoreError('CONDITION_FAILED', "the caller's own condition failed");
    let calls = 0;
    const onConflict = () => {
      throw callerConflict;
    };
    await expect(
      retryOnConflict(recorder({ onConflict }).policy, async () => {
        calls++;
        throw conflict();
      }),
    ).rejects.toBe(callerConflict);
    expect(calls).toBe(1);
  });

  it('retries at once when the policy has no delay', async () => {
    const { policy, sleeps } = recorder({ baseDelayMs: 0, maxDelayMs: 0 });
    await retryOnConflict(policy, async (attempt) => (attempt < 4 ? Promise.reject(conflict()) : 'ok'));
    expect(sleeps).toEqual([]);
  });
});
