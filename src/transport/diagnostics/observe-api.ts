/**
 * Wraps the apiRoute handlers so every invocation leaves a diagnostics record (names only). The
 * record is written alongside the handler, and a failure to write it never changes the answer.
 */
import type { ForgeApiHandler } from '../api/forge-types';
import { observeIdentity } from '../api/identity';
import type { DiagnosticsLog } from './diagnostics-log';

export function observeApiHandlers<K extends string>(handlers: Record<K, ForgeApiHandler>, log: DiagnosticsLog): Record<K, ForgeApiHandler> {
  const wrapped = {} as Record<K, ForgeApiHandler>;
  for (const [name, handler] of Object.entries(handlers) as Array<[K, ForgeApiHandler]>) {
    wrapped[name] = async (request, context) => {
      const { observation } = observeIdentity(request, context);
      const moduleKey: unknown = request?.context?.moduleKey;
      const method: unknown = request?.method;
      const recording = log
        .recordInvocation(typeof moduleKey === 'string' ? moduleKey.slice(0, 64) : name, typeof method === 'string' ? method.toUpperCase() : '?', observation)
        .catch((err: unknown) => console.warn(`diagnostics: could not record an invocation: ${err instanceof Error ? err.name : typeof err}`));
      try {
        return await handler(request, context);
      } finally {
        await recording;
      }
    };
  }
  return wrapped;
}
