import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` on mount and whenever `deps` change; `reload()` runs it again. Stale replies are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const current = ++run.current;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- marking the load as started is this effect's job (one render per load, no cascade)
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => current === run.current && setState({ data, loading: false }),
      (error: unknown) => current === run.current && setState({ error, loading: false }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps, as with useEffect: `load` is their closure over them
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Wraps an action: tracks `busy` and the last error, calls `onDone` after success and `onError` after a failure. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>, onDone?: (result: R) => void, onError?: (error: unknown) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setError(undefined);
      try {
        const result = await action(...args);
        onDone?.(result);
        return result;
      } catch (err) {
        setError(err);
        onError?.(err);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [action, onDone, onError],
  );
  return { run, busy, error, clearError: () => setError(undefined) };
}
