/**
 * The local site's control endpoints (SPEC §7): App REST APIs switch, licence switch, clock,
 * scheduled triggers, page edits. Answers use the runtime's `{success, …}` JSON; refusals use
 * sendError's `{success:false, code, error}`.
 */
import { z } from 'zod';
import { LOCAL_INSTALL_CONTEXT } from '../app';
import { DAY_MS } from '../clock';
import { contextToken, contextTokenClaims } from './forge-payload';
import { LOCAL_APP_USER } from '../site/seed';
import { invokeWithinLimit } from './gateway';
import type { LocalSite } from '../site';
import type { LocalContext } from './context';
import { isForm, parseFormOrJson, sendError, sendInvalid } from './http';

/** Body limits of the control endpoints (index.ts applies them). */
export const SMALL_BODY = 16 * 1024;
export const PAGE_EDIT_BODY = 2 * 1024 * 1024;

/** A site switch: PUT `{"<field>": bool}` sets it and answers its new state as `{success, <field>}`. */
function siteSwitch(field: 'enabled' | 'active', set: (site: LocalSite, on: boolean) => void, get: (site: LocalSite) => boolean) {
  const schema = z.strictObject({ [field]: z.boolean() });
  return async (c: LocalContext): Promise<Response> => {
    const { site } = c.var.ctx;
    const parsed = schema.safeParse(await parseFormOrJson(c));
    if (!parsed.success) return sendError(c, 400, 'INVALID_REQUEST', `Send {"${field}": true|false}.`);
    set(site, parsed.data[field] === true);
    return c.json({ success: true, [field]: get(site) });
  };
}

/** PUT /local/site/app-rest-apis {"enabled": bool} */
export const handleAppRestApisSwitch = siteSwitch('enabled', (site, on) => site.setAppRestApisEnabled(on), (site) => site.appRestApisEnabled);

/** PUT /local/site/license {"active": bool}: Forge then passes license.isActive to every function. */
export const handleLicenseSwitch = siteSwitch('active', (site, on) => site.setLicenseActive(on), (site) => site.licenseActive);

const AccountStatusSchema = z.strictObject({ accountStatus: z.enum(['active', 'inactive', 'closed']) });

/**
 * POST /local/users/<accountId>/status {"accountStatus": "active"|"inactive"|"closed"}: what an org
 * admin does in admin.atlassian.com (deactivate, delete, reactivate); Confluence's users-bulk then
 * reports it as the user's `accountStatus`.
 */
export async function handleAccountStatus(c: LocalContext): Promise<Response> {
  const parsed = AccountStatusSchema.safeParse(await parseFormOrJson(c));
  if (!parsed.success) return sendInvalid(c, parsed.error.issues, 'The account status request');
  const accountId = c.req.param('id') ?? '';
  if (!c.var.ctx.site.setAccountStatus(accountId, parsed.data.accountStatus)) return sendError(c, 404, 'NOT_FOUND', `${accountId} is not a user of the local site.`);
  return c.json({ success: true, accountId, accountStatus: parsed.data.accountStatus });
}

const ClockSchema = z.strictObject({ advanceDays: z.number().int().min(0).max(3650) });

/** POST /local/clock {"advanceDays": n}: moves the runtime's clock forward n days. */
export async function handleClock(c: LocalContext): Promise<Response> {
  const parsed = ClockSchema.safeParse(await parseFormOrJson(c));
  if (!parsed.success) return sendInvalid(c, parsed.error.issues, 'The clock request');
  c.var.ctx.clock.advance(parsed.data.advanceDays * DAY_MS);
  return handleClockRead(c);
}

/** GET /local/clock */
export function handleClockRead(c: LocalContext): Response {
  const { clock } = c.var.ctx;
  return c.json({ success: true, now: new Date(clock.now()).toISOString(), offsetDays: clock.offset / DAY_MS });
}

/**
 * POST /local/scheduled/run: every `scheduledTrigger` of manifest.yml, now, one after the other,
 * as Forge invokes it: the function's export with `({context:{cloudId, moduleKey}, contextToken},
 * {installContext, license})` under the function's time limit. A failure is reported, not retried
 * (Forge does not retry scheduled triggers; the next interval runs again).
 */
export async function handleScheduledRun(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const ran: Array<{ key: string; function: string; outcome: 'ok' | 'failed' | 'timeout' | 'not-exported' | 'skipped-unlicensed' }> = [];
  for (const trigger of ctx.manifest.scheduled) {
    // filter.appIsLicensed: Forge does not invoke the function on an unlicensed site
    if (trigger.licensedOnly && !ctx.site.licenseActive) {
      ran.push({ key: trigger.key, function: trigger.functionKey, outcome: 'skipped-unlicensed' });
      continue;
    }
    const fn = ctx.app.handlers[trigger.exportName];
    if (typeof fn !== 'function') {
      ran.push({ key: trigger.key, function: trigger.functionKey, outcome: 'not-exported' });
      continue;
    }
    // A scheduled trigger's token carries an accountId too (docs/forge-platform.md U2): the app user here.
    const claims = contextTokenClaims({
      appId: ctx.info.appId,
      environmentId: ctx.info.environmentId,
      cloudId: ctx.info.cloudId,
      moduleKey: trigger.key,
      extensionType: 'core:scheduledTrigger',
      accountId: LOCAL_APP_USER.accountId,
      licenseActive: ctx.site.licenseActive,
      nowMs: ctx.clock.now(),
    });
    const event = { context: { cloudId: ctx.info.cloudId, moduleKey: trigger.key }, contextToken: contextToken(claims) };
    const outcome = await invokeWithinLimit(fn, event, { installContext: LOCAL_INSTALL_CONTEXT, license: { isActive: ctx.site.licenseActive } }, trigger.timeoutMs);
    if (outcome.kind === 'threw') console.error(`scheduledTrigger ${trigger.key} threw: ${outcome.message}`);
    ran.push({ key: trigger.key, function: trigger.functionKey, outcome: outcome.kind === 'ok' ? 'ok' : outcome.kind === 'threw' ? 'failed' : 'timeout' });
  }
  await ctx.app.idle();
  return c.json({ success: true, ran });
}

const EditSchema = z.strictObject({
  accountId: z.string().min(1),
  title: z.string().max(255).optional(),
  body: z.string().max(1024 * 1024).optional(),
  message: z.string().max(500).optional(),
});

const CopySchema = z.strictObject({ accountId: z.string().min(1), title: z.string().min(1).max(255).optional() });

/** POST /local/pages/<id>/copy: a new published page, a copy of that one, created by that user (large change sets in tests and demos). */
export async function handlePageCopy(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const parsed = CopySchema.safeParse(await parseFormOrJson(c));
  if (!parsed.success) return sendInvalid(c, parsed.error.issues, 'The copy request');
  const unknownUser = `${parsed.data.accountId} is not a user of the local site.`;
  if (!ctx.isUser(parsed.data.accountId)) return sendError(c, 400, 'UNKNOWN_USER', unknownUser);
  const page = ctx.site.copyPage(c.req.param('id') ?? '', parsed.data);
  return c.json({ success: true, page: { id: page.id, spaceId: page.spaceId, title: page.versions[0].title } }, 201);
}

/** POST /local/pages/<id>/edit: a new version as that user; answers after the page-updated trigger ran. */
export async function handlePageEdit(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const pageId = c.req.param('id') ?? '';
  const fromForm = isForm(c);
  const raw = await parseFormOrJson(c);
  // an HTML form sends empty fields; they mean "unchanged"
  const input = fromForm ? Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '')) : raw;
  const parsed = EditSchema.safeParse(input);
  if (!parsed.success) return sendInvalid(c, parsed.error.issues, 'The edit request');
  const unknownUser = `${parsed.data.accountId} is not a user of the local site.`; // before isUser() narrows accountId away
  if (!ctx.isUser(parsed.data.accountId)) return sendError(c, 400, 'UNKNOWN_USER', unknownUser);
  const event = await ctx.site.editPage(pageId, parsed.data);
  await ctx.app.idle();
  if (fromForm) {
    return c.redirect(`/wiki/spaces/${encodeURIComponent(event.spaceKey)}/pages/${encodeURIComponent(pageId)}`, 303);
  }
  return c.json({ success: true, page: { id: event.pageId, spaceId: event.spaceId, version: event.version, title: event.title } });
}
