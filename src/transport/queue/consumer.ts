/**
 * The job-queue consumer (manifest `consumer` module → function `job-consumer`): validates the
 * event's body as a Job, runs the handler of its kind, and asks the platform for a redelivery when
 * the handler failed (handlers are idempotent). A body that is not a valid job is dropped with a
 * log line: redelivering it could never succeed. Logs carry the kind and a code, never the body.
 */
import { jobSchema, dispatchJob } from '../../core/services/jobs';
import type { JobHandlers } from '../../core/ports/jobs';
import { licenceInactive } from '../licence';

/** Our retry policy: the first delivery plus up to 4 redeliveries, backing off 5 s, 10 s, 20 s, 40 s. */
export const JOB_RETRY = { maxRetries: 4, firstDelaySeconds: 5 } as const;

/** The fields of a delivered async event we use (Forge AsyncEvent). */
export interface DeliveredEvent {
  body: unknown;
  retryContext?: { retryCount: number };
}

export interface ConsumerOptions {
  /** The handler table for this delivery (built per invocation by the composition root). */
  handlers: () => JobHandlers;
  /** The platform's "deliver again after `seconds`" answer (Forge: an InvocationError). */
  retry: (seconds: number) => unknown;
  log?: (message: string, fields: Record<string, string | number>) => void;
}

export function createQueueConsumer(options: ConsumerOptions): (event: DeliveredEvent, context?: unknown) => Promise<unknown> {
  const log = options.log ?? ((message, fields) => console.warn(`[approvalflow] ${message}`, JSON.stringify(fields)));
  return async (event, context) => {
    // Like every entry point: an inactive licence does no work (the job is dropped, not retried).
    if (licenceInactive(context)) {
      log('job dropped: licence inactive', { code: 'LICENSE_INACTIVE' });
      return undefined;
    }
    const parsed = jobSchema.safeParse(event?.body);
    if (!parsed.success) {
      log('job dropped: not a valid job', { code: 'INVALID_JOB' });
      return undefined;
    }
    const retryCount = event.retryContext?.retryCount ?? 0;
    try {
      await dispatchJob(options.handlers(), parsed.data);
      return undefined;
    } catch {
      if (retryCount >= JOB_RETRY.maxRetries) {
        log('job failed for good', { kind: parsed.data.kind, retries: retryCount });
        return undefined;
      }
      log('job failed, will be retried', { kind: parsed.data.kind, retries: retryCount });
      return options.retry(JOB_RETRY.firstDelaySeconds * 2 ** retryCount);
    }
  };
}
