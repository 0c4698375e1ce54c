/**
 * `events.list` (SPEC 3a): the caller's view of the event feed, oldest first. Every event is shown
 * only to a caller who may read it (events/readers.ts: who can view its space, asked of Confluence once
 * per space per call; an installation event only to the people it names); a `spaceId`
 * the caller cannot view answers like a missing space. The engine cursor is the reader's chain
 * position and when it was handed out: older than the retention window → 410 CURSOR_EXPIRED.
 */
import { z } from 'zod';
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import { StoreError } from '../../ports/store';
import type { EventEnvelope, EventType } from '../../events/catalog';
import { EVENT_RETENTION_DAYS, feedWindowStart, firstPosition, readFeed, type FeedPosition } from '../../events/feed';
import { mayReadEvent } from '../../events/readers';
import { SpaceAccess } from '../access';
import type { EngineContext } from '../context';
import { denial } from '../denials';
import { defineOperation } from '../operation';

export interface EventQuery {
  cursor?: string;
  types?: EventType[];
  spaceId?: string;
  limit: number;
}

export interface EventPage {
  events: EventEnvelope[];
  /** always present: the feed continues from here (poll it again later) */
  nextCursor: string;
}

/** Batches of sequencing a feed read runs first (8 records each), so fresh events show without waiting for the sweep. */
const SEQUENCE_BATCHES = 5;

/** p: the seq handed out up to; s: events of the next record already handed out (absent: none); t: when it was handed out. */
const engineCursorSchema = z.object({ p: z.number().int().min(0), s: z.number().int().min(1).optional(), t: z.number().int().min(0) }).strict();

function openCursor(raw: string, now: number): FeedPosition {
  let parsed: z.infer<typeof engineCursorSchema>;
  try {
    parsed = engineCursorSchema.parse(JSON.parse(raw));
  } catch {
    throw new DomainError('INVALID_CURSOR', 'The cursor is not valid; start again without a cursor.');
  }
  // one rule with the events the feed hands out: a cursor handed out before the window's start has expired
  if (parsed.t < feedWindowStart(now)) {
    throw new DomainError('CURSOR_EXPIRED', `This cursor is older than the ${EVENT_RETENTION_DAYS}-day event retention; start again without a cursor.`);
  }
  return { seq: parsed.p, skip: parsed.s ?? 0 };
}

export const listEvents = defineOperation({
  rights: 'Any signed-in caller: events of the spaces they can view, and installation-wide ones (a delegation without a space scope) that name them; a spaceId they cannot view answers SPACE_NOT_FOUND (404, audited), like a missing one.',
  async execute(ctx: EngineContext, caller: Caller, query: EventQuery): Promise<EventPage> {
    const access = new SpaceAccess(ctx, caller.accountId);
    if (query.spaceId !== undefined && !(await access.canView(query.spaceId))) {
      throw await denial(ctx, caller, new DomainError('SPACE_NOT_FOUND', 'Space not found.'), query.spaceId, { operation: 'events.list' });
    }
    const now = ctx.clock.now();
    const start = query.cursor !== undefined ? openCursor(query.cursor, now) : undefined;
    try {
      await ctx.audit.sequence({ maxBatches: SEQUENCE_BATCHES });
    } catch (error) {
      // best effort: unsequenced events show on a later read
      if (!(error instanceof StoreError)) throw error;
    }
    const position = start ?? { seq: await firstPosition(ctx.store, now), skip: 0 };
    const types = query.types && query.types.length > 0 ? new Set(query.types) : undefined;
    const page = await readFeed(ctx.store, position, query.limit, async (event, record) => {
      if (types && !types.has(event.type)) return false;
      if (query.spaceId !== undefined && event.spaceId !== query.spaceId) return false;
      return mayReadEvent(caller.accountId, record, (spaceId) => access.canView(spaceId));
    }, now);
    const { seq, skip } = page.position;
    return { events: page.events, nextCursor: JSON.stringify({ p: seq, ...(skip > 0 ? { s: skip } : {}), t: now }) };
  },
});
