/**
 * Product trigger `avi:confluence:updated:page` (SPEC 2.4a): queue the page's hash and staleness
 * job and return at once. Only the documented `content.id` is read; `updateTrigger` values are not
 * enumerated by Atlassian, so nothing branches on them. No body is read here.
 */
import { z } from 'zod';
import { confluenceId } from '../../core/domain/fields';
import { licenceInactive } from '../licence';

const eventSchema = z.object({ content: z.object({ id: z.union([confluenceId, z.number().int().positive().transform(String).pipe(confluenceId)]) }) });

export interface TriggerOutcome {
  ok: boolean;
  code?: string;
}

export function createPageUpdatedTrigger(pageUpdated: (pageId: string) => Promise<void>, log: (message: string) => void = console.warn) {
  return async (event: unknown, context?: unknown): Promise<TriggerOutcome> => {
    if (licenceInactive(context)) return { ok: false, code: 'LICENSE_INACTIVE' };
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      log('[approvalflow] page-updated event without a page id: ignored');
      return { ok: false, code: 'INVALID_REQUEST' };
    }
    await pageUpdated(parsed.data.content.id);
    return { ok: true };
  };
}
