/**
 * Storage of the event feed (SPEC 3a; docs/api.md "Event feed"):
 *
 *   entity af-event ev:<sk>  {sk, space, ev}  sk = the sk of the audit record the event was derived
 *                                             from (audit/keys.ts recordSk), ev = the envelope; the key
 *                                             differs from the record's (one transaction holds both)
 *
 * Written only by audit/append.ts, in the change's transaction. The feed is read in chain order:
 * audit link (audit/chain-read.ts linksOf: what a lagging query does not show is read by key) →
 * record sk → event (a strongly consistent get), so an index that lags can never make a reader skip
 * an event. The by-time index serves retention and the first
 * position of a reader without a cursor.
 */
import { EVENT_ENTITY } from '../ports/entities';
import type { EntityItem, TxOp } from '../ports/store';
import { toJsonValue } from '../audit/hash';
import { eventEnvelopeSchema, type EventEnvelope } from './catalog';
import { z } from 'zod';

const storedEventSchema = z.object({ sk: z.string().min(1), space: z.string().min(1), ev: eventEnvelopeSchema }).strict();

/** The af-event key of the event derived from the audit record with this sk. */
export function eventKey(sk: string): string {
  return `ev:${sk}`;
}

/** The op that stores an event beside its audit record (create-only). */
export function eventPutOp(sk: string, event: EventEnvelope): TxOp {
  return { op: 'put', entity: EVENT_ENTITY, key: eventKey(sk), value: toJsonValue({ sk, space: event.spaceId, ev: event }), condition: { kind: 'absent' } };
}

/** The envelope an af-event item holds, or undefined when it is damaged (storage is an external input). */
export function parseStoredEvent(item: EntityItem): EventEnvelope | undefined {
  const parsed = storedEventSchema.safeParse(item.value);
  return parsed.success && eventKey(parsed.data.sk) === item.key && parsed.data.space === parsed.data.ev.spaceId ? parsed.data.ev : undefined;
}
