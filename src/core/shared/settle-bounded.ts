/**
 * Runs tasks with at most `limit` in flight, starting the next as soon as one ends (a pool, not
 * rounds that wait for their slowest); settles like Promise.allSettled, results in task order.
 */
export async function settleBounded<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++, task = tasks[i]; task; i = next++, task = tasks[i]) {
      try {
        results[i] = { status: 'fulfilled', value: await task() };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
