/**
 * Issue 23: an API invocation's diagnostics record rides on the follow-up job its request queues
 * anyway, and the job consumer writes it, instead of a count read and a transaction on the request
 * path. The wrapper (observe-api.ts) offers the record; the handler lets the engine's job pushes
 * take it (Invocation.attachToJobs); a request that queues no follow-up leaves it to the wrapper.
 */
import type { Job } from '../../core/ports/jobs';
import type { RidingDiagnostics } from './diagnostics-log';

export interface RideOffer {
  /** the record, once identity was observed (undefined before) */
  readonly record: () => RidingDiagnostics | undefined;
  taken: boolean;
}

const offers = new WeakMap<object, RideOffer>();

export function offerRide(request: object, record: () => RidingDiagnostics | undefined): RideOffer {
  const offer: RideOffer = { record, taken: false };
  offers.set(request, offer);
  return offer;
}

/** Attaches the offered record to the first follow-up job a push carries (once per invocation). */
export function rideOnJobs(request: unknown): ((jobs: Job[]) => Job[]) | undefined {
  const offer = request !== null && typeof request === 'object' ? offers.get(request) : undefined;
  if (!offer) return undefined;
  return (jobs) => {
    const at = jobs.findIndex((job) => job.kind === 'submission.followUp');
    const record = !offer.taken && at >= 0 ? offer.record() : undefined;
    if (!record) return jobs;
    offer.taken = true;
    return jobs.map((job, i) => (i === at && job.kind === 'submission.followUp' ? { ...job, diagnostics: record } : job));
  };
}
