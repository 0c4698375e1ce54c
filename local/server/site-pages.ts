/**
 * The local Confluence site in the browser: home, page view (with the app's macro and byline
 * item), the space page and the global settings page. Each hosts the real Custom UI build in an
 * iframe at /local/ui/ the way Confluence hosts a Forge resource. Plain server-rendered HTML.
 */
import { setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { bylineFor } from './byline';
import { currentUser, USER_COOKIE, type BylineView, type LocalContext, type RuntimeContext } from './context';
import { escapeHtml, HttpError, parseFormOrJson } from './http';

const STYLE = `
  body { margin: 0; font: 14px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #172b4d; background: #f7f8f9; }
  header { display: flex; align-items: center; gap: 16px; padding: 8px 24px; background: #fff; border-bottom: 1px solid #dfe1e6; }
  header .brand { font-weight: 600; color: #0c66e4; text-decoration: none; }
  header nav { display: flex; gap: 12px; flex: 1; }
  header nav a { color: #44546f; text-decoration: none; }
  main { max-width: 960px; margin: 24px auto; padding: 0 24px; }
  .card { background: #fff; border: 1px solid #dfe1e6; border-radius: 6px; padding: 16px 20px; margin-bottom: 16px; }
  .muted { color: #626f86; font-size: 12px; }
  .badge { display: inline-block; padding: 0 6px; border-radius: 3px; background: #dfe1e6; font-size: 11px; text-transform: uppercase; }
  .byline { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
  iframe { border: 0; width: 100%; background: transparent; }
  button.byline-item { display: inline-flex; align-items: center; gap: 6px; border: 0; background: transparent; color: #0c66e4; padding: 2px 6px; }
  button.byline-item:hover { background: #f1f2f4; }
  button.byline-item img { width: 16px; height: 16px; }
  .af-flags { position: fixed; left: 24px; bottom: 24px; display: flex; flex-direction: column-reverse; gap: 8px; z-index: 1000; width: min(400px, 90vw); }
  .af-flag { display: flex; gap: 12px; align-items: flex-start; padding: 16px; background: #fff; border-radius: 4px; box-shadow: 0 8px 12px rgba(9,30,66,.15), 0 0 1px rgba(9,30,66,.31); }
  .af-flag .icon { font-weight: 700; }
  .af-flag.success .icon { color: #22a06b; } .af-flag.error .icon, .af-flag.warning .icon { color: #c9372c; } .af-flag.info .icon { color: #0c66e4; }
  .af-flag .text { flex: 1; } .af-flag .text strong { display: block; } .af-flag button { border: 0; background: none; cursor: pointer; color: #44546f; }
  dialog.byline-dialog { width: min(720px, 92vw); padding: 0; border: 1px solid #dfe1e6; border-radius: 8px; box-shadow: 0 8px 24px rgba(9,30,66,.25); }
  dialog.byline-dialog::backdrop { background: rgba(9,30,66,.3); }
  dialog.byline-dialog .bar { display: flex; justify-content: space-between; align-items: center; padding: 8px 12px; border-bottom: 1px solid #dfe1e6; }
  dialog.byline-dialog iframe { height: min(600px, 75vh); }
  iframe.macro { height: 560px; border: 1px solid #dfe1e6; border-radius: 6px; resize: vertical; }
  iframe.full { height: 80vh; }
  ul.pages li, ul.scopes li { margin: 4px 0; }
  textarea, input[type=text] { width: 100%; box-sizing: border-box; font: inherit; }
  textarea { min-height: 160px; }
  button { font: inherit; padding: 4px 12px; border-radius: 3px; border: 1px solid #8590a2; background: #fff; cursor: pointer; }
  button.primary { background: #0c66e4; border-color: #0c66e4; color: #fff; }
  .comment { border-top: 1px solid #dfe1e6; padding: 8px 0; }
  code { background: #f1f2f4; padding: 0 4px; border-radius: 3px; }
`;

function displayName(ctx: RuntimeContext, accountId: string): string {
  return ctx.site.getUser(accountId)?.displayName ?? accountId;
}

function moduleKeyOf(ctx: RuntimeContext, type: string): string {
  const module = ctx.manifest.uiModules.find((m) => m.type === type);
  if (!module) throw new HttpError(404, 'NOT_FOUND', `The app has no ${type} module.`);
  return module.key;
}

function uiSrc(params: Record<string, string>): string {
  return `/local/ui/?${new URLSearchParams(params).toString()}`;
}

export function layout(
  ctx: RuntimeContext,
  title: string,
  body: string,
  options: { user?: string; returnPath?: string; showUserSwitcher?: boolean } = {},
): string {
  const switcher =
    options.showUserSwitcher === false || !options.user
      ? ''
      : `<form method="post" action="/local/switch-user" class="switcher">
          <input type="hidden" name="return" value="${escapeHtml(options.returnPath ?? '/')}">
          <label>Logged in as
            <select name="accountId" onchange="this.form.submit()">
              ${ctx.site.users
                .map((u) => `<option value="${escapeHtml(u.accountId)}"${u.accountId === options.user ? ' selected' : ''}>${escapeHtml(u.displayName)}</option>`)
                .join('')}
            </select>
          </label>
          <noscript><button type="submit">Switch</button></noscript>
        </form>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Local Confluence</title><style>${STYLE}</style></head>
<body><header><a class="brand" href="/">Local Confluence</a>
<nav>${ctx.site.spaces.map((s) => `<a href="/wiki/spaces/${encodeURIComponent(s.key)}/apps/approvals">${escapeHtml(s.key)} approvals</a>`).join('')}
<a href="/wiki/admin/approvalflow">ApprovalFlow admin</a></nav>${switcher}</header>
<main>${body}</main>${HOST_FLAGS}</body></html>`;
}

/**
 * Flags as the Confluence host shows them (the bridge's showFlag): stacked bottom-left of the page,
 * outside the app's iframes, never covering their content; auto-dismissed after 8 s. The bridge shim
 * posts them here. Inside an open modal dialog (the byline panel) they go into that dialog, which
 * is the only part of the page not inert then.
 */
const HOST_FLAGS = `<script>(function () {
  var ICON = { success: '✓', error: '!', warning: '!', info: 'i' };
  function region() {
    var holder = document.querySelector('dialog[open]') || document.body;
    var el = holder.querySelector(':scope > .af-flags');
    if (!el) { el = document.createElement('div'); el.className = 'af-flags'; el.setAttribute('role', 'region'); el.setAttribute('aria-label', 'Notifications'); holder.appendChild(el); }
    return el;
  }
  function close(id) { document.querySelectorAll('.af-flag').forEach(function (f) { if (f.dataset.flagId === id) f.remove(); }); }
  window.addEventListener('message', function (e) {
    if (e.origin !== location.origin || !e.data) return;
    if (e.data.type === 'approvalflow:close-flag') return close(String(e.data.id));
    if (e.data.type !== 'approvalflow:flag' || !e.data.flag) return;
    var f = e.data.flag, id = String(f.id), kind = ICON[f.appearance || f.type] ? (f.appearance || f.type) : 'info';
    close(id);
    var el = document.createElement('div');
    el.className = 'af-flag ' + kind; el.dataset.flagId = id; el.dataset.testid = 'flag'; el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    var icon = document.createElement('span'); icon.className = 'icon'; icon.setAttribute('aria-hidden', 'true'); icon.textContent = ICON[kind];
    var text = document.createElement('div'); text.className = 'text';
    var title = document.createElement('strong'); title.textContent = f.title || ''; text.appendChild(title);
    if (f.description) { var d = document.createElement('span'); d.textContent = f.description; text.appendChild(d); }
    var x = document.createElement('button'); x.type = 'button'; x.setAttribute('aria-label', 'Dismiss'); x.textContent = '×'; x.addEventListener('click', function () { el.remove(); });
    el.appendChild(icon); el.appendChild(text); el.appendChild(x);
    region().appendChild(el);
    if (f.isAutoDismiss !== false) setTimeout(function () { el.remove(); }, 8000);
  });
})();</script>`;

const ALLOWED_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'strong', 'em', 'b', 'i', 'u', 'code', 'pre', 'br', 'hr', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a']);

/**
 * Storage-format XHTML → safe HTML: whitelisted tags without attributes (links keep an http(s) or
 * relative href), everything else shown as text. Edits come from any local user, so no markup of
 * theirs may run in the site's origin (it is the Custom UI's origin too).
 */
export function renderStorage(xhtml: string, nameOf: (accountId: string) => string = (id) => id): string {
  // User mentions (<ac:link><ri:user ri:account-id="…"/></ac:link>) read as "@Display Name", as in Confluence.
  const withMentions = xhtml.replace(
    /<ac:link>\s*<ri:user\s+ri:account-id="([^"<>]*)"\s*\/>\s*(?:<ac:plain-text-link-body>[\s\S]*?<\/ac:plain-text-link-body>\s*)?<\/ac:link>/g,
    (_m, accountId: string) => `@${nameOf(accountId).replace(/[<>]/g, '')}`,
  );
  // An anchor macro renders as nothing in Confluence (its name is only a link target).
  const withoutAnchors = withMentions.replace(/<ac:structured-macro ac:name="anchor"[^<>]*>[\s\S]*?<\/ac:structured-macro>/g, '');
  return withoutAnchors
    .split(/(<[^<>]*>)/)
    .map((piece) => {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s[^<>]*)?)\/?>$/.exec(piece);
      if (tag && ALLOWED_TAGS.has(tag[2].toLowerCase())) {
        const name = tag[2].toLowerCase();
        if (tag[1]) return `</${name}>`;
        if (name === 'a') {
          const href = /\shref="([^"]*)"/.exec(tag[3])?.[1] ?? '';
          return /^(https?:\/\/|\/)/i.test(href) ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer">` : '<a>';
        }
        return `<${name}>`;
      }
      if (piece.startsWith('<') && piece.endsWith('>')) return '';
      return piece.replace(/&(?!(?:amp|lt|gt|quot|apos|nbsp|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    })
    .join('');
}

/** GET / */
export function renderHome(c: LocalContext): Response {
  const ctx = c.var.ctx;
  const user = currentUser(c);
  const subject = ctx.site.subjectOfUser(user);
  const spaces = ctx.site.spaces
    .filter((space) => ctx.site.canViewSpaceAs(subject, space.id))
    .map((space) => {
      const pages = ctx.site
        .listSpacePages(space.id)
        .filter((page) => ctx.site.canView(user, page.id))
        .map((page) => {
          const view = ctx.site.getPageForRender(page.id);
          if (!view) return '';
          const badges = [view.status !== 'current' ? `<span class="badge">${escapeHtml(view.status)}</span>` : '', view.restricted.read.length > 0 ? '<span class="badge">restricted</span>' : ''].join(' ');
          return `<li><a href="/wiki/spaces/${encodeURIComponent(space.key)}/pages/${encodeURIComponent(page.id)}">${escapeHtml(view.title)}</a> <span class="muted">#${escapeHtml(page.id)} · v${view.version}</span> ${badges}</li>`;
        })
        .join('');
      return `<section class="card"><h2>${escapeHtml(space.name)} <span class="muted">${escapeHtml(space.key)} · space ${escapeHtml(space.id)}</span></h2>
        <p><a href="/wiki/spaces/${encodeURIComponent(space.key)}/apps/approvals">Approvals (space page)</a></p>
        <ul class="pages">${pages || '<li class="muted">No pages you can see.</li>'}</ul></section>`;
    })
    .join('');
  return c.html(
    layout(
      ctx,
      'Home',
      `<h1>Spaces</h1>${spaces || '<p class="muted">You cannot see any space.</p>'}
      <section class="card"><h2>ApprovalFlow</h2>
        <p><a href="/wiki/admin/approvalflow">Global settings: audit trail</a></p>
        <p class="muted">REST API base URLs:</p><ul>${ctx.info.apiBaseUrls.map((u) => `<li><code>${escapeHtml(u)}</code></li>`).join('')}</ul>
      </section>`,
      { user, returnPath: '/' },
    ),
  );
}

function notAllowed(c: LocalContext, user: string, status: ContentfulStatusCode, message: string): Response {
  const html = layout(c.var.ctx, 'Not available', `<div class="card"><h1>${escapeHtml(message)}</h1><p><a href="/">Back to the site home</a></p></div>`, { user, returnPath: c.req.path });
  return c.html(html, status);
}

/** GET /wiki/spaces/<KEY>/pages/<id>[/<slug>] */
export async function renderPage(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const [spaceKey, pageId] = [c.req.param('key') ?? '', c.req.param('id') ?? ''];
  const user = currentUser(c);
  const page = ctx.site.getPageForRender(pageId);
  if (!page || page.spaceKey !== spaceKey) return notAllowed(c, user, 404, 'Page not found.');
  if (!ctx.site.canView(user, pageId)) return notAllowed(c, user, 403, `${displayName(ctx, user)} is not allowed to view this page.`);
  const bylineView = await bylineFor(ctx, user, pageId);
  const context = { pageId: page.id, spaceId: page.spaceId, spaceKey: page.spaceKey };
  const macro = uiSrc({ moduleKey: moduleKeyOf(ctx, 'macro'), ...context, localId: `macro-${page.id}` });
  const byline = uiSrc({ moduleKey: moduleKeyOf(ctx, 'confluence:contentBylineItem'), ...context, localId: `byline-${page.id}` });
  const comments = page.comments
    .map((c) => `<div class="comment"><strong>${escapeHtml(displayName(ctx, c.authorId))}</strong> <span class="muted">${escapeHtml(c.createdAt)}</span>${c.parentCommentId ? ' <span class="muted">(reply)</span>' : ''}<div>${renderStorage(c.body, (id) => displayName(ctx, id))}</div></div>`)
    .join('');
  const canEdit = ctx.site.canEdit(user, pageId);
  const editForm = canEdit
    ? `<details class="card"><summary>Edit page</summary>
        <form method="post" action="/local/pages/${encodeURIComponent(page.id)}/edit">
          <input type="hidden" name="accountId" value="${escapeHtml(user)}">
          <p><label>Title<br><input type="text" name="title" value="${escapeHtml(page.title)}"></label></p>
          <p><label>Body (storage format)<br><textarea name="body">${escapeHtml(page.bodyStorage)}</textarea></label></p>
          <p><label>Version message<br><input type="text" name="message" value=""></label></p>
          <button type="submit" class="primary">Publish as ${escapeHtml(displayName(ctx, user))}</button>
        </form></details>`
    : `<p class="muted">${escapeHtml(displayName(ctx, user))} cannot edit this page.</p>`;
  return c.html(
    layout(
      ctx,
      page.title,
      `<p class="muted"><a href="/">${escapeHtml(page.spaceName)}</a> › page ${escapeHtml(page.id)}${page.status !== 'current' ? ` <span class="badge">${escapeHtml(page.status)}</span>` : ''}</p>
      <article class="card">
        <h1>${escapeHtml(page.title)}</h1>
        <div class="byline"><span class="muted">v${page.version} by ${escapeHtml(displayName(ctx, page.versionAuthorId))} · ${escapeHtml(page.versionCreatedAt)}</span>
          ${bylineItem(page.id, byline, bylineView)}</div>
        <div class="page-body">${renderStorage(page.bodyStorage, (id) => displayName(ctx, id))}</div>
        <iframe class="macro" title="ApprovalFlow" src="${escapeHtml(macro)}"></iframe>
      </article>
      ${editForm}
      <section class="card"><h2>Comments</h2>${comments || '<p class="muted">No comments yet.</p>'}</section>`,
      { user, returnPath: c.req.path },
    ),
  );
}

/**
 * The byline item as Forge shows it: a title (from dynamicProperties) that opens the byline's
 * Custom UI in a dialog over the page. The title refreshes when the window regains focus, after
 * every resolver call from the dialog (the bridge shim posts a message) and when the dialog closes.
 */
function bylineItem(pageId: string, src: string, view: BylineView): string {
  const icon = view.icon && /^(https?:\/\/|\/)/.test(view.icon) ? `<img alt="" src="${escapeHtml(view.icon)}">` : '';
  return `<button type="button" class="byline-item" id="af-byline" aria-haspopup="dialog" title="${escapeHtml(view.tooltip ?? '')}">${icon}<span id="af-byline-title">${escapeHtml(view.title)}</span></button>
  <dialog class="byline-dialog" id="af-byline-dialog" aria-labelledby="af-byline-dialog-title">
    <div class="bar"><strong id="af-byline-dialog-title">${escapeHtml(view.title)}</strong><button type="button" id="af-byline-close" aria-label="Close">Close</button></div>
    <iframe class="byline-panel" title="Approval" data-src="${escapeHtml(src)}"></iframe>
  </dialog>
  <script>(function () {
    var button = document.getElementById('af-byline'), dialog = document.getElementById('af-byline-dialog');
    var frame = dialog.querySelector('iframe'), title = document.getElementById('af-byline-title');
    function refresh() {
      fetch('/local/byline/${encodeURIComponent(pageId)}', { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (b) {
        if (!b) return;
        title.textContent = b.title; button.title = b.tooltip || ''; document.getElementById('af-byline-dialog-title').textContent = b.title;
      }, function () {});
    }
    button.addEventListener('click', function () { if (!frame.src) frame.src = frame.dataset.src; dialog.showModal(); });
    document.getElementById('af-byline-close').addEventListener('click', function () { dialog.close(); });
    dialog.addEventListener('close', refresh);
    window.addEventListener('focus', refresh);
    window.addEventListener('message', function (e) {
      if (e.origin !== location.origin || !e.data) return;
      if (e.data.type === 'approvalflow:invoked') refresh();
      if (e.data.type === 'approvalflow:close' && e.source === frame.contentWindow) dialog.close();
    });
  })();</script>`;
}

/** GET /wiki/spaces/<KEY>/apps/approvals */
export function renderSpacePage(c: LocalContext): Response {
  const ctx = c.var.ctx;
  const user = currentUser(c);
  const space = ctx.site.spaces.find((s) => s.key === c.req.param('key'));
  if (!space) return notAllowed(c, user, 404, 'Space not found.');
  if (!ctx.site.canViewSpaceAs(ctx.site.subjectOfUser(user), space.id)) return notAllowed(c, user, 403, `${displayName(ctx, user)} cannot view this space.`);
  const src = uiSrc({ moduleKey: moduleKeyOf(ctx, 'confluence:spacePage'), spaceId: space.id, spaceKey: space.key, localId: `space-${space.id}` });
  return c.html(
    layout(ctx, `${space.name} approvals`, `<p class="muted"><a href="/">${escapeHtml(space.name)}</a> › Approvals</p><iframe class="full" title="Approvals" src="${escapeHtml(src)}"></iframe>`, {
      user,
      returnPath: c.req.path,
    }),
  );
}

/** GET /wiki/admin/approvalflow (Confluence shows global settings pages to anyone who has the link; the app checks). */
export function renderAdminPage(c: LocalContext): Response {
  const ctx = c.var.ctx;
  const user = currentUser(c);
  const src = uiSrc({ moduleKey: moduleKeyOf(ctx, 'confluence:globalSettings'), localId: 'admin' });
  const body = `<p class="muted">Confluence administration › ApprovalFlow</p><iframe class="full" title="ApprovalFlow admin" src="${escapeHtml(src)}"></iframe>`;
  return c.html(layout(ctx, 'ApprovalFlow settings', body, { user, returnPath: c.req.path }));
}

/** POST /local/switch-user (form): sets the af_user cookie and goes back. */
export async function handleSwitchUser(c: LocalContext): Promise<Response> {
  const form = await parseFormOrJson(c);
  const accountId = typeof form.accountId === 'string' ? form.accountId : undefined;
  if (!c.var.ctx.isUser(accountId)) throw new HttpError(400, 'UNKNOWN_USER', 'Pick a user of the local site.');
  const back = typeof form.return === 'string' && /^\/(?!\/)/.test(form.return) ? form.return : '/';
  setCookie(c, USER_COOKIE, accountId, { path: '/', sameSite: 'Lax' });
  return c.redirect(back, 303);
}

export const SITE_AVATAR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48"><rect width="48" height="48" rx="8" fill="#0c66e4"/><text x="24" y="31" font-size="20" text-anchor="middle" fill="#fff" font-family="sans-serif">AF</text></svg>';
