/**
 * Issue 23: a keyed request whose transport records its answer (the Idempotency-Key record, written
 * after the change) lets its invocation's diagnostics record join that transaction instead of one of
 * its own after the response. A request whose record rides on a follow-up job (job-ride.ts) offers
 * nothing more here. If the joint transaction fails, the answer is recorded alone (api/rider.ts) and
 * the record stays the wrapper's to write (observe-api.ts), as it would have been: its failure never
 * touches the answer.
 */
import type { Rider } from '../api/rider';
import { leavesRecord, openOffer, recordOf } from './job-ride';

/** The rider for the answer of a request answered `statusCode`, or undefined when nothing rides (none offered, taken, not recorded). */
export async function rideOnAnswer(request: unknown, statusCode: number): Promise<Rider | undefined> {
  const offer = openOffer(request);
  const record = offer && recordOf(offer);
  // identity was observed (a keyed request has its caller): the status alone decides, as in the wrapper
  if (!offer || !record || !leavesRecord(statusCode, record.record.identityFailed)) return undefined;
  let ops;
  try {
    ops = await offer.ops(record);
  } catch {
    return undefined; // the admission read failed: the wrapper tries again on its own
  }
  // not admitted (sampled out): decided once, so the wrapper does not draw again
  if (ops.length === 0) offer.taken = true;
  return {
    ops,
    joined: () => {
      offer.taken = true;
    },
  };
}
