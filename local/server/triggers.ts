/**
 * Product events as Forge delivers them: a local page edit becomes `avi:confluence:updated:page`
 * (documented fields only), delivered to every manifest `trigger` that subscribes to it, through
 * the function's export, under the invocation limit. No subscriber in the manifest, no delivery.
 * A failed delivery is logged (Forge logs it too); the edit stands.
 */
import { LOCAL_INSTALL_CONTEXT, toForgePageUpdatedEvent } from '../app';
import type { LocalSite } from '../site';
import type { RuntimeContext } from './context';
import { invokeWithinLimit } from './gateway';

export const PAGE_UPDATED_EVENT = 'avi:confluence:updated:page';

export function deliverPageEvents(ctx: RuntimeContext, site: LocalSite): void {
  const subscribers = ctx.manifest.triggers.filter((t) => t.events.includes(PAGE_UPDATED_EVENT));
  if (subscribers.length === 0) return;
  site.onPageUpdated((event) => {
    const payload = toForgePageUpdatedEvent(event, site.getPage(event.pageId)?.authorId ?? event.authorId);
    const deliveries = subscribers.map(async (trigger) => {
      const fn = ctx.app.handlers[trigger.exportName];
      if (typeof fn !== 'function') return console.error(`trigger ${trigger.key}: export ${trigger.exportName} not found`);
      const outcome = await invokeWithinLimit(fn, payload, { installContext: LOCAL_INSTALL_CONTEXT, license: { isActive: site.licenseActive } }, ctx.invocationTimeoutMs);
      if (outcome.kind !== 'ok') console.error(`trigger ${trigger.key} for page ${event.pageId}: ${outcome.kind === 'threw' ? outcome.message : 'timed out'}`);
    });
    return ctx.app.track(Promise.all(deliveries)).then(() => undefined);
  });
}
