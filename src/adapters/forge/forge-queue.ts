/** The app's one async-event queue on Forge (manifest `consumer` module `approvalflow-jobs`). */
import { InvocationError, InvocationErrorCode, Queue } from '@forge/events';
import { EventQueueJobs } from '../queue/event-queue-jobs';

/** Queue names: letters, digits, `_` (docs); the manifest's consumer names the same one. */
export const JOB_QUEUE_KEY = 'approvalflowjobs';

export function forgeJobQueue(): EventQueueJobs {
  const queue = new Queue({ key: JOB_QUEUE_KEY });
  return new EventQueueJobs((events) => queue.push(events));
}

/** What a consumer returns to have Forge deliver the event again after `seconds`. */
export function forgeRetry(seconds: number): InvocationError {
  return new InvocationError({ retryAfter: seconds, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
}
