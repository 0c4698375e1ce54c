/**
 * POST /local/pages/<id>/labels `{add?: [...], remove?: [...], accountId?}`: changes a page's global
 * labels as that user (default: Alice, the site admin) would in Confluence. Labels make no page
 * version. Answers the labels the page now has.
 */
import { z } from 'zod';
import { labelName } from '../../src/core/domain/fields';
import type { LocalContext } from './context';
import { parseFormOrJson, sendError, sendInvalid } from './http';

const LabelsSchema = z.strictObject({
  add: z.array(labelName).max(50).default([]),
  remove: z.array(labelName).max(50).default([]),
  accountId: z.string().min(1).default('acc-alice'),
});

export async function handlePageLabels(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const pageId = c.req.param('id') ?? '';
  const parsed = LabelsSchema.safeParse(await parseFormOrJson(c));
  if (!parsed.success) return sendInvalid(c, parsed.error.issues, 'The labels request');
  const { accountId, add, remove } = parsed.data;
  const unknownUser = `${accountId} is not a user of the local site.`;
  if (!ctx.isUser(accountId)) return sendError(c, 400, 'UNKNOWN_USER', unknownUser);
  const result = ctx.site.changeLabels(pageId, accountId, { add, remove });
  await ctx.app.idle();
  return c.json({ success: true, pageId, ...result });
}
