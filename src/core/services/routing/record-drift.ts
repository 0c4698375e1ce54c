/**
 * `routing.recordDrift {pageId}`: run from Confluence's label and move events (SPEC 2.2a), acting as
 * the app. For a page a routing rule bound, it records whether that rule would still route the page
 * (`routing-drift:<pageId>`), so manage space shows drift without reading labels per row. It never
 * changes the assignment (a bound page is not downgraded). Idempotent: a replayed event writes the
 * same marker; unreadable labels or ancestors leave the marker as it was.
 */
import { z } from 'zod';
import { hasDrift } from '../../domain/routing';
import { assignmentSchema, parseStored } from '../../domain/schemas';
import type { EngineContext } from '../context';
import { keys } from '../keys';
import { defineOperation } from '../operation';
import { readRules } from './rules-store';

export const driftMarkerSchema = z.strictObject({ pageId: z.string(), spaceId: z.string(), workflowId: z.string(), at: z.number().int() });

export const recordDrift = defineOperation({
  rights: 'Product event triggers only: acts as the app, with no caller; it writes only the drift marker.',
  async execute(ctx: EngineContext, pageId: string): Promise<{ drift: boolean | null }> {
    const [assignItem, marker] = await Promise.all([ctx.store.get(keys.assignment(pageId)), ctx.store.get(keys.routingDrift(pageId))]);
    const assignment = assignItem ? parseStored(assignmentSchema, assignItem.key, assignItem.value) : undefined;
    const [{ rules }, facts] = assignment ? await Promise.all([readRules(ctx, assignment.spaceId), ctx.confluence.routingFacts(pageId)]) : [{ rules: [] }, undefined];
    if (assignment && facts === undefined) return { drift: null };
    const drift = hasDrift(assignment, rules, facts);
    if (drift && assignment && !marker) {
      await ctx.store.transact([{ op: 'put', key: keys.routingDrift(pageId), value: driftMarkerSchema.parse({ pageId, spaceId: assignment.spaceId, workflowId: assignment.workflowId, at: ctx.clock.now() }), condition: { kind: 'absent' } }]);
    } else if (!drift && marker) {
      await ctx.store.transact([{ op: 'delete', key: marker.key, condition: { kind: 'version', version: marker.version } }]);
    }
    return { drift };
  },
});
