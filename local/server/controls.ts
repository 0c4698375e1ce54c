/**
 * The local site's control endpoints (SPEC §7): App REST APIs switch, licence switch, clock,
 * scheduled triggers, page edits. Answers use the runtime's `{success, …}` JSON; refusals use
 * sendError's `{success:false, code, error}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { LOCAL_INSTALL_CONTEXT } from '../app';
import { DAY_MS } from '../clock';
import type { RuntimeContext } from './context';
import { contextToken } from './forge-payload';
import { invokeWithinLimit } from './gateway';
import { isForm, parseFormOrJson, readBody, redirect, sendError, sendJson } from './http';

const SMALL_BODY = 16 * 1024;

function invalid(res: ServerResponse, error: z.ZodError, what: string): void {
  const details = error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', reason: issue.message }));
  sendJson(res, 400, { success: false, code: 'INVALID_REQUEST', error: `${what} is invalid.`, details });
}

const SwitchSchema = z.strictObject({ enabled: z.boolean() });

/** PUT /local/site/app-rest-apis {"enabled": bool} */
export async function handleAppRestApisSwitch(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = SwitchSchema.safeParse(parseFormOrJson(req, await readBody(req, SMALL_BODY)));
  if (!parsed.success) return sendError(res, 400, 'INVALID_REQUEST', 'Send {"enabled": true|false}.');
  ctx.site.setAppRestApisEnabled(parsed.data.enabled);
  sendJson(res, 200, { success: true, enabled: ctx.site.appRestApisEnabled });
}

const LicenseSchema = z.strictObject({ active: z.boolean() });

/** PUT /local/site/license {"active": bool}: Forge then passes license.isActive to every function. */
export async function handleLicenseSwitch(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = LicenseSchema.safeParse(parseFormOrJson(req, await readBody(req, SMALL_BODY)));
  if (!parsed.success) return sendError(res, 400, 'INVALID_REQUEST', 'Send {"active": true|false}.');
  ctx.site.setLicenseActive(parsed.data.active);
  sendJson(res, 200, { success: true, active: ctx.site.licenseActive });
}

const ClockSchema = z.strictObject({ advanceDays: z.number().int().min(0).max(3650) });

/** POST /local/clock {"advanceDays": n}: moves the runtime's clock forward n days. */
export async function handleClock(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = ClockSchema.safeParse(parseFormOrJson(req, await readBody(req, SMALL_BODY)));
  if (!parsed.success) return invalid(res, parsed.error, 'The clock request');
  ctx.clock.advance(parsed.data.advanceDays * DAY_MS);
  sendJson(res, 200, { success: true, now: new Date(ctx.clock.now()).toISOString(), offsetDays: ctx.clock.offset / DAY_MS });
}

/** GET /local/clock */
export function handleClockRead(ctx: RuntimeContext, res: ServerResponse): void {
  sendJson(res, 200, { success: true, now: new Date(ctx.clock.now()).toISOString(), offsetDays: ctx.clock.offset / DAY_MS });
}

/**
 * POST /local/scheduled/run: every `scheduledTrigger` of manifest.yml, now, one after the other,
 * as Forge invokes it: the function's export with `({context:{cloudId, moduleKey}, contextToken},
 * {installContext, license})` under the function's time limit. A failure is reported, not retried
 * (Forge does not retry scheduled triggers; the next interval runs again).
 */
export async function handleScheduledRun(ctx: RuntimeContext, res: ServerResponse): Promise<void> {
  const ran: Array<{ key: string; function: string; outcome: 'ok' | 'failed' | 'timeout' | 'not-exported' }> = [];
  for (const trigger of ctx.manifest.scheduled) {
    const fn = ctx.app.handlers[trigger.exportName];
    if (typeof fn !== 'function') {
      ran.push({ key: trigger.key, function: trigger.functionKey, outcome: 'not-exported' });
      continue;
    }
    const nowS = Math.floor(ctx.clock.now() / 1000);
    const event = {
      context: { cloudId: ctx.info.cloudId, moduleKey: trigger.key },
      contextToken: contextToken({ iss: 'forge/invocation-token', iat: nowS, exp: nowS + 60, context: { cloudId: ctx.info.cloudId, moduleKey: trigger.key } }),
    };
    const outcome = await invokeWithinLimit(fn, event, { installContext: LOCAL_INSTALL_CONTEXT, license: { isActive: ctx.site.licenseActive } }, trigger.timeoutMs);
    if (outcome.kind === 'threw') console.error(`scheduledTrigger ${trigger.key} threw: ${outcome.message}`);
    ran.push({ key: trigger.key, function: trigger.functionKey, outcome: outcome.kind === 'ok' ? 'ok' : outcome.kind === 'threw' ? 'failed' : 'timeout' });
  }
  await ctx.app.idle();
  sendJson(res, 200, { success: true, ran });
}

const EditSchema = z.strictObject({
  accountId: z.string().min(1),
  title: z.string().max(255).optional(),
  body: z.string().max(1024 * 1024).optional(),
  message: z.string().max(500).optional(),
});

/** POST /local/pages/<id>/edit: a new version as that user; answers after the page-updated trigger ran. */
export async function handlePageEdit(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse, pageId: string): Promise<void> {
  const fromForm = isForm(req);
  const raw = parseFormOrJson(req, await readBody(req, 2 * 1024 * 1024));
  // an HTML form sends empty fields; they mean "unchanged"
  const input = fromForm ? Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '')) : raw;
  const parsed = EditSchema.safeParse(input);
  if (!parsed.success) return invalid(res, parsed.error, 'The edit request');
  const unknownUser = `${parsed.data.accountId} is not a user of the local site.`; // before isUser() narrows accountId away
  if (!ctx.isUser(parsed.data.accountId)) return sendError(res, 400, 'UNKNOWN_USER', unknownUser);
  const event = await ctx.site.editPage(pageId, parsed.data);
  await ctx.app.idle();
  if (fromForm) {
    return redirect(res, 303, `/wiki/spaces/${encodeURIComponent(event.spaceKey)}/pages/${encodeURIComponent(pageId)}`);
  }
  sendJson(res, 200, { success: true, page: { id: event.pageId, spaceId: event.spaceId, version: event.version, title: event.title } });
}
