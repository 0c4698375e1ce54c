/**
 * The local twin of a Forge async-event queue: strict like Forge (≤ 50 events and ≤ 200 KB per
 * push, else the push is refused), delivery AFTER the pushing invocation returned (never inside
 * it), one consumer invocation per event, and redelivery when the consumer asks for a retry.
 * Redelivery delays are scaled down (ms instead of s) so the runtime and tests stay quick.
 * Observable: `deliveries` lists every delivery; the app's idle() waits for pending ones.
 */
import { QUEUE_LIMITS } from '../../src/core/ports/jobs';
import { pushPayloadBytes, type QueueEvent } from '../../src/adapters/queue/event-queue-jobs';

/** What the consumer returns to ask for a redelivery (the local stand-in for Forge's InvocationError). */
export interface LocalRetry {
  retryAfterSeconds: number;
}

export type LocalConsumer = (event: { body: unknown; retryContext?: { retryCount: number } }, context: { license: { isActive: boolean } }) => Promise<unknown>;

export interface LocalDelivery {
  body: Record<string, unknown>;
  retryCount: number;
  outcome: 'done' | 'retry' | 'crashed';
}

export class LocalEventQueue {
  readonly deliveries: LocalDelivery[] = [];
  private consumer: LocalConsumer | undefined;

  constructor(
    private readonly track: <T>(work: Promise<T>) => Promise<T>,
    /** the site's licence state, passed to the consumer as Forge passes it */
    private readonly licenseActive: () => boolean = () => true,
  ) {}

  /** The consumer function the manifest names for this queue. */
  connect(consumer: LocalConsumer): void {
    this.consumer = consumer;
  }

  async push(events: QueueEvent[]): Promise<{ jobId: string }> {
    if (events.length === 0) throw new Error('NoEventsToPushError: no events to push.');
    if (events.length > QUEUE_LIMITS.maxEventsPerPush) throw new Error(`TooManyEventsError: ${events.length} events in one push (max ${QUEUE_LIMITS.maxEventsPerPush}).`);
    // measured as @forge/events measures it: the whole array as JSON
    const bytes = pushPayloadBytes(events);
    if (bytes > QUEUE_LIMITS.maxPushBytes) throw new Error(`PayloadTooBigError: ${bytes} bytes in one push (max ${QUEUE_LIMITS.maxPushBytes}).`);
    // copies: what the consumer sees is what was pushed, serialised like the platform does
    for (const event of events) this.schedule(JSON.parse(JSON.stringify(event.body)) as Record<string, unknown>, 0, 0);
    return { jobId: `local-job-${this.deliveries.length}-${events.length}` };
  }

  private schedule(body: Record<string, unknown>, retryCount: number, delayMs: number): void {
    void this.track(
      new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(async () => {
        const outcome = await this.deliver(body, retryCount);
        this.deliveries.push({ body, retryCount, outcome: outcome === undefined ? 'done' : outcome === 'crashed' ? 'crashed' : 'retry' });
        if (outcome !== undefined && outcome !== 'crashed') this.schedule(body, retryCount + 1, outcome.retryAfterSeconds);
      }),
    );
  }

  /** undefined: done; a retry request; 'crashed': the consumer threw (recorded, not redelivered: ours answers with a retry instead). */
  private async deliver(body: Record<string, unknown>, retryCount: number): Promise<LocalRetry | 'crashed' | undefined> {
    if (!this.consumer) throw new Error('No consumer is connected to the local job queue.');
    try {
      const answer = await this.consumer({ body, ...(retryCount > 0 ? { retryContext: { retryCount } } : {}) }, { license: { isActive: this.licenseActive() } });
      return isRetry(answer) ? answer : undefined;
    } catch {
      return 'crashed';
    }
  }
}

function isRetry(value: unknown): value is LocalRetry {
  return typeof value === 'object' && value !== null && typeof (value as LocalRetry).retryAfterSeconds === 'number';
}
