/**
 * Wraps the apiRoute handlers so invocations leave a diagnostics record (names only). An invalid or
 * throttled call of an identified caller (400, 413, 415, 429) leaves none: it tells nothing about the
 * platform, and a flood of them must not push real identity failures out of the panel's window
 * (those calls count against the caller's denied-call limit instead). A failure to write the record
 * never changes the answer.
 */
import type { ForgeApiHandler } from '../api/forge-types';
import { observeIdentity } from '../api/identity';
import type { DiagnosticsLog } from './diagnostics-log';

const NOT_RECORDED = new Set([400, 413, 415, 429]);

export function observeApiHandlers<K extends string>(handlers: Record<K, ForgeApiHandler>, log: DiagnosticsLog): Record<K, ForgeApiHandler> {
  const wrapped = {} as Record<K, ForgeApiHandler>;
  for (const [name, handler] of Object.entries(handlers) as Array<[K, ForgeApiHandler]>) {
    wrapped[name] = async (request, context) => {
      const { observation } = observeIdentity(request, context);
      const response = await handler(request, context);
      if (!observation.identityFailed && NOT_RECORDED.has(response.statusCode)) return response;
      const moduleKey: unknown = request?.context?.moduleKey;
      const method: unknown = request?.method;
      await log
        .recordInvocation(typeof moduleKey === 'string' ? moduleKey.slice(0, 64) : name, typeof method === 'string' ? method.toUpperCase() : '?', observation)
        .catch((err: unknown) => console.warn(`diagnostics: could not record an invocation: ${err instanceof Error ? err.name : typeof err}`));
      return response;
    };
  }
  return wrapped;
}
