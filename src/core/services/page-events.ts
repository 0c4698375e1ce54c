/**
 * Page-updated events. Page state (including `stale` and `versionDelta`) is derived at read time
 * from Confluence's current version, so an edit needs no write here: the state is correct the
 * moment the edit lands, even if this event is late, lost or delivered twice. The app never writes
 * page content, so no version can be "the app's own" (docs/storage.md). The event is only
 * validated, so a malformed event is reported instead of silently accepted.
 */
import { DomainError } from '../domain/errors';
import type { PageEventService } from './engine';

export function createPageEventService(): PageEventService {
  return {
    async onPageUpdated(event) {
      if (!event.pageId || !event.spaceId || !Number.isInteger(event.version) || event.version < 1) {
        throw new DomainError('invalid', 'INVALID_EVENT', 'The page event is missing its page, space or version.');
      }
    },
  };
}
