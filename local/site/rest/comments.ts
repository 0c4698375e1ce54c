/** Footer comments (v2): list a page's top-level comments and a comment's replies; create either. */
import type { LocalComment } from '../model';
import { byNumericId, currentVersion } from '../model';
import type { SiteState } from '../state';
import type { Ctx, LocalHttpResponse } from './common';
import { badParam, bodyFormat, canSeePage, forbidden, json, notFound, numericId, pageV2, requireObject, visiblePage } from './common';

function commentJson(site: SiteState, comment: LocalComment, format: 'storage' | undefined): unknown {
  const page = site.getPage(comment.pageId);
  return {
    id: comment.id,
    status: 'current',
    title: `Re: ${page ? currentVersion(page).title : ''}`,
    pageId: comment.pageId,
    ...(comment.parentCommentId ? { parentCommentId: comment.parentCommentId } : {}),
    version: { number: 1, createdAt: comment.createdAt, message: '', minorEdit: false, authorId: comment.authorId },
    body: format === 'storage' ? { storage: { representation: 'storage', value: comment.body } } : {},
    _links: { webui: `/pages/viewpage.action?pageId=${comment.pageId}&focusedCommentId=${comment.id}` },
  };
}

export function listPageFooterComments(ctx: Ctx): LocalHttpResponse {
  const page = visiblePage(ctx, ctx.params[0]);
  const format = bodyFormat(ctx.query);
  // Confluence lists top-level comments here; replies come from /footer-comments/{id}/children
  const comments = ctx.site
    .listComments(page.id)
    .filter((c) => c.parentCommentId === null)
    .sort(byNumericId)
    .map((c) => commentJson(ctx.site, c, format));
  return pageV2(ctx, comments, 25, 250);
}

export function listCommentChildren(ctx: Ctx): LocalHttpResponse {
  const parent = ctx.site.comments.find((c) => c.id === numericId(ctx.params[0], 'comment-id'));
  const page = parent && ctx.site.getPage(parent.pageId);
  if (!parent || !page || !canSeePage(ctx, page)) throw notFound();
  const format = bodyFormat(ctx.query);
  const children = ctx.site.comments
    .filter((c) => c.parentCommentId === parent.id)
    .sort(byNumericId)
    .map((c) => commentJson(ctx.site, c, format));
  return pageV2(ctx, children, 25, 250);
}

export function createFooterComment(ctx: Ctx): LocalHttpResponse {
  const body = requireObject(ctx.body);
  const { pageId, parentCommentId } = body;
  const content = body.body as { representation?: unknown; value?: unknown } | undefined;
  if (pageId !== undefined && typeof pageId !== 'string') throw badParam("'pageId' must be a string.");
  if (parentCommentId !== undefined && typeof parentCommentId !== 'string') throw badParam("'parentCommentId' must be a string.");
  if (!content || typeof content !== 'object' || content.representation !== 'storage' || typeof content.value !== 'string' || content.value === '') {
    throw badParam("'body' must be {representation:'storage', value:<non-empty string>}.");
  }
  let targetPageId = pageId;
  if (parentCommentId !== undefined) {
    const parent = ctx.site.comments.find((c) => c.id === parentCommentId);
    if (!parent) throw notFound();
    if (targetPageId !== undefined && targetPageId !== parent.pageId) throw badParam("'parentCommentId' belongs to another page.");
    targetPageId = parent.pageId;
  }
  if (targetPageId === undefined) throw badParam("One of 'pageId' or 'parentCommentId' is required.");
  const page = ctx.site.getPage(targetPageId);
  if (!page || page.status === 'draft' || !canSeePage(ctx, page)) throw notFound();
  if (!ctx.site.canComment(ctx.actor, page.id)) throw forbidden('You are not allowed to comment on this page.');
  const comment = ctx.site.addComment({ pageId: page.id, parentCommentId: parentCommentId ?? null, authorId: ctx.actor, body: content.value });
  return json(201, commentJson(ctx.site, comment, 'storage'));
}
