/**
 * Feed events written before they moved into their audit record's item (issue 23 item 4; docs/api.md
 * "Event feed"): read-only.
 *
 *   entity af-event ev:<sk>  {sk, space, ev}  sk = the sk of the audit record the event was derived
 *                                             from (audit/keys.ts recordSk), ev = the whole envelope
 *
 * The feed reads one by key for a chained record that published an event but carries none (feed.ts);
 * the daily job deletes them after the feed's window (purge.ts). Nothing writes them any more.
 */
import type { AuditRecord } from '../domain/model';
import type { EntityItem } from '../ports/store';
import { eventEnvelopeSchema, type EventEnvelope } from './catalog';
import { z } from 'zod';

const storedEventSchema = z.object({ sk: z.string().min(1), space: z.string().min(1), ev: eventEnvelopeSchema }).strict();

/** The af-event key of the event derived from the audit record with this sk. */
export function legacyEventKey(sk: string): string {
  return `ev:${sk}`;
}

/** The envelope an af-event item holds for this record, or undefined when the item is damaged or names another record or space (storage is an external input). */
export function parseLegacyEvent(item: EntityItem, record: Pick<AuditRecord, 'spaceId'>): EventEnvelope | undefined {
  const parsed = storedEventSchema.safeParse(item.value);
  if (!parsed.success) return undefined;
  const { sk, space, ev } = parsed.data;
  return legacyEventKey(sk) === item.key && space === ev.spaceId && ev.spaceId === record.spaceId ? ev : undefined;
}
