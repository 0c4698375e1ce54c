/** The pool a change-set submit's batches commit through (issue 23): bounded, never waiting on a round's slowest. */
import { settleBounded } from '../../src/core/shared/settle-bounded';

it('keeps at most `limit` tasks in flight, starts the next as soon as one ends, and settles every task in order', async () => {
  let inFlight = 0;
  let most = 0;
  const finish: Array<(() => void) | undefined> = [];
  const task = (i: number) => () => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    return new Promise<number>((resolve, reject) => finish.push(() => (inFlight -= 1, i === 2 ? reject(new Error('two')) : resolve(i))));
  };
  const settled = settleBounded([0, 1, 2, 3, 4].map(task), 2);
  await Promise.resolve();
  expect(finish).toHaveLength(2);
  // the second ends first: the third starts at once, while the first is still running
  finish[1]?.();
  finish[1] = undefined;
  await new Promise((resolve) => setImmediate(resolve));
  expect(finish).toHaveLength(3);
  while (finish.some(Boolean)) {
    const i = finish.findIndex(Boolean);
    const done = finish[i];
    finish[i] = undefined;
    done?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(most).toBe(2);
  expect((await settled).map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([0, 1, 'two', 3, 4]);
});
