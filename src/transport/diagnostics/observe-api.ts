/**
 * Wraps the apiRoute handlers so every invocation leaves a diagnostics record (names only). The
 * handler's own identity observation is recorded; an invocation refused before identity was looked
 * at (wrong module, inactive licence) is recorded by what its token and headers show. Recording is
 * sampled after a deployment's first calls (DiagnosticsLog.admits). An invalid or throttled call of
 * an identified caller (400, 413, 415, 429) leaves none: it tells nothing about the platform, and a
 * flood of them must not push real identity failures out of the panel's window (those calls count
 * against the caller's denied-call limit instead). A failure to write the record never changes the
 * answer. A request that queues a follow-up job hands its record to that job instead (job-ride.ts),
 * a keyed one whose answer the transport records lets it join that record's transaction (answer-ride.ts).
 */
import type { ForgeApiHandler } from '../api/forge-types';
import { observationOf, observeIdentity } from '../api/identity';
import type { DiagnosticsLog } from './diagnostics-log';
import { leavesRecord, offerRide } from './job-ride';

/** Without the app-user lookup: only for invocations the handler refused before identity. */
const NO_LOOKUP = { appAccountId: async () => undefined };

/** `deployment`: what "per deployment" counts by (Forge: the app version); sampling starts after its first calls. */
export function observeApiHandlers<K extends string>(handlers: Record<K, ForgeApiHandler>, log: DiagnosticsLog, deployment: () => string = () => 'default'): Record<K, ForgeApiHandler> {
  const wrapped = {} as Record<K, ForgeApiHandler>;
  for (const [name, handler] of Object.entries(handlers) as Array<[K, ForgeApiHandler]>) {
    wrapped[name] = async (request, context) => {
      const moduleKey: unknown = request?.context?.moduleKey;
      const method: unknown = request?.method;
      const route = typeof moduleKey === 'string' ? moduleKey.slice(0, 64) : name;
      const verb = typeof method === 'string' ? method.toUpperCase() : '?';
      // issue 23: a request that queues a follow-up job carries its record there (job-ride.ts), a keyed one in its answer's record (answer-ride.ts)
      const ride =
        request !== null && typeof request === 'object'
          ? offerRide(
              request,
              () => {
                const observation = observationOf(request);
                return observation ? log.riding(deployment(), route, verb, observation) : undefined;
              },
              (record) => log.admittedOps(record),
            )
          : undefined;
      let statusCode: number | undefined;
      try {
        const response = await handler(request, context);
        statusCode = response.statusCode;
        return response;
      } finally {
        const observation = (request !== null && typeof request === 'object' ? observationOf(request) : undefined) ?? (await observeIdentity(request, context, NO_LOOKUP)).observation;
        if (!ride?.taken && leavesRecord(statusCode, observation.identityFailed)) {
          await log
            .recordIfAdmitted(deployment(), route, verb, observation)
            .catch((err: unknown) => console.warn(`diagnostics: could not record an invocation: ${err instanceof Error ? err.name : typeof err}`));
        }
      }
    };
  }
  return wrapped;
}
