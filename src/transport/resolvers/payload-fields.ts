/**
 * Payload fragments several resolver surfaces share, composed from core/domain/fields.ts. Each
 * binding row builds its strict payload schema from these and the field rules; shape and bounds are
 * checked at the edge, business rules stay in the engine.
 */
import { z } from 'zod';
import { confluenceId, cursor, listLimit } from '../../core/domain/fields';

/** Page and space ids may come from the payload or, when omitted, from the extension context (pageIdOf, spaceIdOf). */
export const optionalPageId = { pageId: confluenceId.optional() };
export const optionalSpaceId = { spaceId: confluenceId.optional() };
/** Every list takes the same paging fields (SPEC §9). */
export const paging = { cursor: cursor.optional(), limit: listLimit.optional() };
/** The optimistic-concurrency version of an update (a stale one answers VERSION_CONFLICT). */
export const expectedVersion = z.number().int().min(1).optional();
/** A payload that takes no fields (and still refuses any: an `accountId` smuggled in is refused). */
export const empty = z.strictObject({});
