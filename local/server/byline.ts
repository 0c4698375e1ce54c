/**
 * The content byline as Forge renders it: the title (and icon, tooltip) come from the manifest's
 * `dynamicProperties` function when the byline declares one, called with Forge's payload as the
 * viewing user; otherwise, or when the function fails, the static manifest title. Clicking opens
 * the byline's Custom UI in a dialog over the page (Forge opens byline content in a popup, not in
 * the byline's own strip).
 */
import { z } from 'zod';
import { LOCAL_INSTALL_CONTEXT } from '../app';
import { currentUser, type BylineView, type LocalContext, type RuntimeContext } from './context';
import { invokeWithinLimit } from './gateway';
import { sendError } from './http';

const propertiesSchema = z.object({
  title: z.string().min(1).max(255),
  icon: z.union([z.string().max(2048), z.object({ url: z.string().max(2048) })]).optional(),
  tooltip: z.string().max(1024).optional(),
});

export async function bylineFor(ctx: RuntimeContext, accountId: string, pageId: string): Promise<BylineView> {
  const byline = ctx.manifest.byline;
  const fallback: BylineView = { title: byline?.title ?? 'Approval' };
  const fn = byline?.dynamicPropertiesExport ? ctx.app.handlers[byline.dynamicPropertiesExport] : undefined;
  const page = ctx.site.getPage(pageId);
  if (!byline || !fn || !page) return fallback;
  const space = ctx.site.getSpace(page.spaceId);
  const extension = { type: 'page', content: { id: page.id, type: 'page' }, space: { id: page.spaceId, key: space?.key ?? '' } };
  const outcome = await invokeWithinLimit(
    fn,
    { moduleKey: byline.key, extension, context: { cloudId: ctx.info.cloudId, moduleKey: byline.key, extension } },
    { principal: { accountId }, installContext: LOCAL_INSTALL_CONTEXT, license: { isActive: ctx.site.licenseActive } },
    ctx.invocationTimeoutMs,
  );
  const parsed = outcome.kind === 'ok' ? propertiesSchema.safeParse(outcome.value) : undefined;
  if (!parsed?.success) {
    console.error(`byline dynamicProperties for page ${pageId}: ${outcome.kind === 'ok' ? 'malformed result' : outcome.kind}`);
    return fallback;
  }
  const { title, icon, tooltip } = parsed.data;
  return { title, ...(icon ? { icon: typeof icon === 'string' ? icon : icon.url } : {}), ...(tooltip ? { tooltip } : {}) };
}

/** GET /local/byline/<pageId>: the byline as the logged-in user sees it (the page refreshes it on focus and after actions). */
export async function handleBylineRead(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const pageId = c.req.param('id') ?? '';
  const user = currentUser(c);
  if (!ctx.site.canView(user, pageId)) return sendError(c, 404, 'NOT_FOUND', 'No such page.');
  return c.json(await bylineFor(ctx, user, pageId));
}
