/**
 * Issue 23: an API invocation's diagnostics record rides on the follow-up job its request queues
 * anyway, and the job consumer writes it, instead of a count read and a transaction on the request
 * path. The wrapper (observe-api.ts) offers the record; the handler lets the engine's job pushes
 * take it (Invocation.attachToJobs); a request that queues no follow-up, or whose push of it fails
 * (the engine only logs that), leaves it to the wrapper. The offer is also what answer-ride.ts
 * takes for a keyed answer's transaction, under the same rule of who writes the record (leavesRecord).
 */
import type { Job } from '../../core/ports/jobs';
import type { TxOp } from '../../core/ports/store';
import type { RidingDiagnostics } from './diagnostics-log';

export interface RideOffer {
  /** the record, once identity was observed (undefined before) */
  readonly record: () => RidingDiagnostics | undefined;
  /** the ops that write the record in a transaction of the request's own, [] when it is not admitted (answer-ride.ts) */
  readonly ops: (record: RidingDiagnostics) => Promise<TxOp[]>;
  /** true once a push carrying the record succeeded, or its ops committed (or it was not admitted) in the request's own transaction: only then is the wrapper's own record skipped */
  taken: boolean;
  /** a push carrying the record is in flight: no second job gets it meanwhile */
  riding: boolean;
}

/** The jobs of one push, and what the queue says back about the record riding in them. */
export interface RidingPush {
  jobs: Job[];
  /** the push succeeded: the consumer writes the record */
  taken: () => void;
  /** the push failed: the record is the wrapper's to write again */
  released: () => void;
}

const offers = new WeakMap<object, RideOffer>();

export function offerRide(request: object, record: () => RidingDiagnostics | undefined, ops: RideOffer['ops']): RideOffer {
  const offer: RideOffer = { record, ops, taken: false, riding: false };
  offers.set(request, offer);
  return offer;
}

/** The record this request offers, while nothing took it (undefined when none is offered). */
export function openOffer(request: unknown): RideOffer | undefined {
  const offer = offerOf(request);
  return offer && !offer.taken && !offer.riding ? offer : undefined;
}

/**
 * The offer's record, or undefined when it cannot be built: a ride fails closed to "no record", so
 * diagnostics never change a request's answer nor drop its jobs (the wrapper's own try then records
 * what it can). Logged by error name only: the record holds names the caller chose.
 */
export function recordOf(offer: RideOffer): RidingDiagnostics | undefined {
  try {
    return offer.record();
  } catch (err) {
    console.warn(`diagnostics: could not build an invocation record: ${err instanceof Error ? err.name : typeof err}`);
    return undefined;
  }
}

const offerOf = (request: unknown): RideOffer | undefined => (request !== null && typeof request === 'object' ? offers.get(request) : undefined);

const NOT_RECORDED = new Set([400, 413, 415, 429]);

/**
 * Whether an invocation answered `statusCode` leaves a record: an invalid or throttled call of an
 * identified caller (400, 413, 415, 429) does not (observe-api.ts says why).
 */
export function leavesRecord(statusCode: number | undefined, identityFailed: boolean): boolean {
  return identityFailed || statusCode === undefined || !NOT_RECORDED.has(statusCode);
}

const NOTHING_RIDES = { taken: () => undefined, released: () => undefined };

/** Attaches the offered record to the first follow-up job a push carries (once per invocation; taken once that push succeeded). */
export function rideOnJobs(request: unknown): ((jobs: Job[]) => RidingPush) | undefined {
  const offer = offerOf(request);
  if (!offer) return undefined;
  return (jobs) => {
    const at = jobs.findIndex((job) => job.kind === 'submission.followUp');
    const record = !offer.taken && !offer.riding && at >= 0 ? recordOf(offer) : undefined;
    if (!record) return { jobs, ...NOTHING_RIDES };
    offer.riding = true;
    return {
      jobs: jobs.map((job, i) => (i === at && job.kind === 'submission.followUp' ? { ...job, diagnostics: record } : job)),
      taken: () => {
        offer.riding = false;
        offer.taken = true;
      },
      released: () => {
        offer.riding = false;
      },
    };
  };
}
