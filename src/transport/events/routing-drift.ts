/**
 * Product event trigger (manifest `trigger` routing-drift-trigger): Confluence's label and move events
 * (`avi:confluence:added:label`, `avi:confluence:removed:label`, `avi:confluence:moved:page`) make
 * the engine re-check the routing drift of the page they name, acting as the app (an event has no
 * user to act for). The payload is validated; one the app cannot read (no page id) is ignored. The
 * label events' payload shape (`content.id`, as page events carry it) is UNCONFIRMED.
 */
import { z } from 'zod';
import { confluenceId } from '../../core/domain/fields';
import { LICENSE_INACTIVE_MESSAGE, licenceInactive } from '../licence';

const eventSchema = z.object({ content: z.object({ id: z.union([confluenceId, z.number().int().positive().transform(String)]) }) });

export type DriftRecorder = (pageId: string) => Promise<{ drift: boolean | null }>;

export function createRoutingDriftTrigger(record: DriftRecorder, log: (message: string) => void = console.warn) {
  return async (event: unknown, context?: unknown): Promise<{ ok: boolean; code?: string; drift?: boolean | null }> => {
    if (licenceInactive(context)) {
      log(`[approvalflow] routing drift check skipped: ${LICENSE_INACTIVE_MESSAGE}`);
      return { ok: false, code: 'LICENSE_INACTIVE' };
    }
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) return { ok: false, code: 'INVALID_REQUEST' };
    return { ok: true, drift: (await record(parsed.data.content.id)).drift };
  };
}
