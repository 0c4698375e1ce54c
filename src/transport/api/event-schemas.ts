/** zod schemas of `GET /events` (SPEC 3a), beside the other REST schemas; openapi.ts adds EVENT_RESPONSE_SCHEMAS to the components. */
import { z } from 'zod';
import { confluenceId, cursor } from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import { SOURCES } from '../../core/domain/model';
import { EVENT_TYPES, type EventEnvelope } from '../../core/events/catalog';
import { LimitParam } from './schemas';

const ok = z.literal(true);

const EventTypeName = z.enum(EVENT_TYPES);

/** `types`: a comma list of event types, each at most once. */
const EventTypesParam = z
  .string()
  .max(EVENT_TYPES.join(',').length)
  .transform((text) => text.split(','))
  .pipe(z.array(EventTypeName).min(1).refine((list) => new Set(list).size === list.length, 'must not repeat a type'));

export const EventsQuery = z.strictObject({
  cursor: cursor.optional().meta({ description: 'Opaque cursor from a previous nextCursor (same query and user); kept 14 days, older → 410 CURSOR_EXPIRED.' }),
  types: EventTypesParam.optional().meta({ description: `Comma list of event types to return: ${EVENT_TYPES.join(', ')}.` }),
  spaceId: confluenceId.optional().meta({ description: 'Only events of this space (which the caller must be able to view).' }),
  limit: LimitParam.optional().meta({ description: `Page size, integer ${L.listPage.min}..${L.listPage.max} (default ${L.listPage.default}).` }),
});

export const EventSchema = z.object({
  id: z.string(),
  type: EventTypeName,
  occurredAt: z.string(),
  spaceId: z.string(),
  pageId: z.string().optional(),
  pageVersion: z.number().int().optional(),
  approvalId: z.string().optional(),
  changeSetId: z.string().optional(),
  workflowId: z.string().optional(),
  actor: z.string(),
  source: z.enum(SOURCES),
  clientId: z.string().optional(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
}) satisfies z.ZodType<EventEnvelope>;

export const EventListResponse = z.object({
  success: ok,
  events: z.array(EventSchema),
  nextCursor: z.string().meta({ description: 'Always present: poll again with it to continue where this page stopped.' }),
});

export const EVENT_RESPONSE_SCHEMAS = { Event: EventSchema, EventListResponse } as const;
