/**
 * JobQueue over an async-event queue (Forge `@forge/events` Queue, or the local runtime's twin):
 * each job is one event `{body: job}`, pushed in requests within Forge's limits (≤ 50 events,
 * ≤ 200 KB combined payload per push), one request after the other.
 */
import type { Job, JobQueue } from '../../core/ports/jobs';
import { QUEUE_LIMITS } from '../../core/ports/jobs';

export interface QueueEvent {
  body: Record<string, unknown>;
}

/** What the platform queue offers: one push request. */
export type PushEvents = (events: QueueEvent[]) => Promise<unknown>;

const bytesOf = (event: QueueEvent): number => Buffer.byteLength(JSON.stringify(event), 'utf8');

/**
 * The size @forge/events measures (3.0.8 `validators.js`): the whole pushed array as JSON, wrappers,
 * brackets and commas included; refused when over 200 KiB.
 */
export function pushPayloadBytes(events: QueueEvent[]): number {
  return Buffer.byteLength(JSON.stringify(events), 'utf8');
}

/** Split events into push requests within both limits, measured as the SDK does (an event alone over the limit is refused). */
export function pushRequests(events: QueueEvent[]): QueueEvent[][] {
  const requests: QueueEvent[][] = [];
  let current: QueueEvent[] = [];
  let bytes = 2; // "[" and "]"
  for (const event of events) {
    const size = bytesOf(event);
    if (size + 2 > QUEUE_LIMITS.maxPushBytes) throw new RangeError(`A job of ${size} bytes exceeds the queue's ${QUEUE_LIMITS.maxPushBytes}-byte push limit.`);
    const added = current.length === 0 ? size : size + 1; // a comma before every event but the first
    if (current.length === QUEUE_LIMITS.maxEventsPerPush || bytes + added > QUEUE_LIMITS.maxPushBytes) {
      requests.push(current);
      current = [];
      bytes = 2;
    }
    bytes += current.length === 0 ? size : size + 1;
    current.push(event);
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

export class EventQueueJobs implements JobQueue {
  constructor(private readonly pushEvents: PushEvents) {}

  async push(jobs: Job[]): Promise<void> {
    for (const request of pushRequests(jobs.map((job) => ({ body: { ...job } })))) await this.pushEvents(request);
  }
}
