/**
 * Feed events written before they moved into their audit record's item (issue 23 item 4; docs/api.md
 * "Event feed"): read-only.
 *
 *   entity af-event ev:<sk>  {sk, space, ev}  sk = the sk of the audit record the event was derived
 *                                             from (audit/keys.ts recordSk), ev = the whole envelope
 *
 * The feed reads one by key for a chained record that published an event but carries none (feed.ts),
 * and serves only its {id, type, data}, with the rest of the envelope from the record, as for a new one;
 * the daily job deletes them after the feed's window (purge.ts). Nothing writes them any more.
 */
import type { EntityItem } from '../ports/store';
import { eventEnvelopeSchema, type EventPart } from './catalog';
import { z } from 'zod';

const storedEventSchema = z.object({ sk: z.string().min(1), space: z.string().min(1), ev: eventEnvelopeSchema }).strict();

/** The af-event key of the event derived from the audit record with this sk. */
export function legacyEventKey(sk: string): string {
  return `ev:${sk}`;
}

/**
 * The event's own part an af-event item holds ({id, type, data} of its envelope; the feed validates it
 * and takes the rest from the hashed record, like a new event's), or undefined when the item is damaged
 * or names another record (storage is an external input). Its other fields are never served.
 */
export function legacyEventPart(item: EntityItem): EventPart | undefined {
  const parsed = storedEventSchema.safeParse(item.value);
  if (!parsed.success || legacyEventKey(parsed.data.sk) !== item.key) return undefined;
  const { id, type, data } = parsed.data.ev;
  return { id, type, data };
}
