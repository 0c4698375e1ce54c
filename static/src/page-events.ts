/**
 * Keeps the macro and the byline of one page in step: after a change in one, the other reloads.
 * Uses Forge's app events (@forge/bridge `events`), which reach the app's other iframes on the page.
 */
import { events } from '@forge/bridge';
import { useEffect } from 'react';

const PAGE_CHANGED = 'approvalflow.page-changed';

export function announcePageChanged(): void {
  // Best effort: a host without app events simply does not refresh the sibling view.
  events.emit(PAGE_CHANGED, {}).catch(() => undefined);
}

export function useOnPageChanged(reload: () => void): void {
  useEffect(() => {
    const subscription = Promise.resolve(events.on(PAGE_CHANGED, () => reload())).catch(() => undefined);
    return () => {
      void subscription.then((s) => s?.unsubscribe());
    };
  }, [reload]);
}
