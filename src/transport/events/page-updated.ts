/**
 * Forge trigger `avi:confluence:updated:page` (and the local site's edit hook). The payload is
 * external input: parsed defensively with zod; anything unexpected is logged (ids only) and ignored,
 * because throwing would only make the platform redeliver an event we cannot use.
 */
import { z } from 'zod';
import type { EngineFactory } from '../../core/services/engine';

const idish = z.union([z.string().min(1).max(64), z.number().int().nonnegative()]).transform(String);

const pageUpdatedEventSchema = z.object({
  eventType: z.string().optional(),
  content: z.object({
    id: idish,
    type: z.string().optional(),
    space: z.object({ id: idish, key: z.string().optional() }),
    version: z.object({
      number: z.number().int().positive(),
      by: z.object({ accountId: z.string().min(1).max(128) }).partial().optional(),
      message: z.string().max(2000).optional(),
    }),
  }),
});

export type PageUpdatedHandler = (event: unknown, context?: unknown) => Promise<void>;

export function createPageUpdatedHandler(
  getEngine: EngineFactory,
  log: (message: string) => void = (message) => console.warn(`[approvalflow] ${message}`),
): PageUpdatedHandler {
  return async (event) => {
    const parsed = pageUpdatedEventSchema.safeParse(event);
    if (!parsed.success) {
      log('ignored a malformed page-updated event');
      return;
    }
    const { content } = parsed.data;
    if (content.type !== undefined && content.type !== 'page') return;
    await getEngine({}).pageEvents.onPageUpdated({
      pageId: content.id,
      spaceId: content.space.id,
      version: content.version.number,
      ...(content.version.by?.accountId ? { authorId: content.version.by.accountId } : {}),
      ...(content.version.message !== undefined ? { message: content.version.message } : {}),
    });
  };
}
