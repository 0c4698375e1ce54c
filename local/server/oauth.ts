/**
 * Atlassian 3LO emulation (authorization-code grant with rotating refresh tokens) and the dev-token
 * shortcut. Errors follow RFC 6749: `{error, error_description}`; problems with the client or the
 * redirect URI are shown to the user, never redirected (an unvalidated redirect would be an open
 * redirector).
 */
import { z } from 'zod';
import type { LocalContext, RuntimeContext } from './context';
import { escapeHtml, HttpError, parseFormOrJson, readJsonObject, sendError, sendInvalid } from './http';
import type { Integration } from './integrations';
import type { IssuedTokens } from './tokens';
import { splitScopes } from './scopes';
import { currentUser } from './context';
import { layout } from './site-pages';

/** Body limit of the 3LO endpoints (index.ts applies it). */
export const FORM_LIMIT = 64 * 1024;

const DevTokenSchema = z.strictObject({
  accountId: z.string().min(1),
  clientId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'clientId: 1-100 letters, digits, dot, dash or underscore'),
  scopes: z.array(z.string().min(1)).min(1).max(20),
});

/** POST /local/oauth/dev-token: a token for any seeded user without the consent dance (local only). */
export async function handleDevToken(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const parsed = DevTokenSchema.safeParse(await readJsonObject(c));
  if (!parsed.success) return sendInvalid(c, parsed.error.issues, 'The dev-token request');
  const { accountId, clientId, scopes } = parsed.data;
  const unknownUser = `${accountId} is not a user of the local site.`; // before isUser() narrows accountId away
  if (!ctx.isUser(accountId)) return sendError(c, 400, 'UNKNOWN_USER', unknownUser);
  const unknown = scopes.filter((scope) => !ctx.scopeCatalog.has(scope));
  if (unknown.length > 0) return sendError(c, 400, 'UNKNOWN_SCOPE', `Unknown scope(s): ${unknown.join(', ')}.`);
  return c.json(ctx.tokens.issueAccessToken({ accountId, clientId, scopes: [...new Set(scopes)] }));
}

interface AuthorizeParams {
  integration: Integration;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
}

/** Validates an authorization request; a client/redirect problem throws (shown, not redirected). */
function validateAuthorize(ctx: RuntimeContext, params: Record<string, unknown>): AuthorizeParams | { redirectError: string; description: string; redirectUri: string; state?: string } {
  const text = (name: string) => (typeof params[name] === 'string' ? (params[name]) : undefined);
  const clientId = text('client_id');
  const integration = clientId ? ctx.integrations.find(clientId) : undefined;
  if (!integration) throw new HttpError(400, 'invalid_client', 'Unknown client_id: register the integration first (npm run local:register-integration).');
  const redirectUri = text('redirect_uri');
  if (!redirectUri || !integration.redirectUris.includes(redirectUri)) {
    throw new HttpError(400, 'invalid_request', 'redirect_uri is missing or not registered for this integration.');
  }
  const state = text('state');
  const fail = (error: string, description: string) => ({ redirectError: error, description, redirectUri, state });
  if (text('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code.');
  if (text('audience') !== undefined && text('audience') !== 'api.atlassian.com') return fail('invalid_request', 'audience must be api.atlassian.com.');
  const scopes = splitScopes(text('scope') ?? '');
  if (scopes.length === 0) return fail('invalid_scope', 'scope is required.');
  const notAllowed = scopes.filter((scope) => !integration.scopes.includes(scope));
  if (notAllowed.length > 0) return fail('invalid_scope', `Scope(s) not enabled for this integration: ${notAllowed.join(' ')}.`);
  return { integration, redirectUri, scopes, state };
}

function redirectWith(c: LocalContext, redirectUri: string, params: Record<string, string | undefined>): Response {
  const target = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) target.searchParams.set(name, value);
  return c.redirect(target.toString(), 302);
}

/** GET /authorize → consent page. */
export function handleAuthorizePage(c: LocalContext): Response {
  const ctx = c.var.ctx;
  const checked = validateAuthorize(ctx, c.req.query());
  if ('redirectError' in checked) {
    return redirectWith(c, checked.redirectUri, { error: checked.redirectError, error_description: checked.description, state: checked.state });
  }
  const selected = currentUser(c);
  const users = ctx.site.users
    .map((user) => `<option value="${escapeHtml(user.accountId)}"${user.accountId === selected ? ' selected' : ''}>${escapeHtml(user.displayName)} (${escapeHtml(user.accountId)})</option>`)
    .join('');
  const scopes = checked.scopes
    .map((scope) => {
      const info = ctx.scopeCatalog.get(scope);
      return `<li><strong>${escapeHtml(info?.displayName ?? scope)}</strong> <code>${escapeHtml(scope)}</code><br><span class="muted">${escapeHtml(info?.description ?? '')}</span></li>`;
    })
    .join('');
  const hidden = (name: string, value: string | undefined) => (value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`);
  return c.html(
    layout(
      ctx,
      'Authorize access',
      `<h1>${escapeHtml(checked.integration.name)} wants to access your Atlassian account</h1>
      <form method="post" action="/authorize" class="card">
        ${hidden('client_id', checked.integration.clientId)}${hidden('redirect_uri', checked.redirectUri)}
        ${hidden('scope', checked.scopes.join(' '))}${hidden('state', checked.state)}${hidden('response_type', 'code')}
        <p><label>Sign in as <select name="account_id">${users}</select></label></p>
        <p>It will be able to:</p><ul class="scopes">${scopes}</ul>
        <p>on the site <strong>${escapeHtml(ctx.info.siteUrl)}</strong> (cloud id <code>${escapeHtml(ctx.info.cloudId)}</code>).</p>
        <button type="submit" name="decision" value="approve" class="primary">Accept</button>
        <button type="submit" name="decision" value="deny">Cancel</button>
      </form>`,
      { showUserSwitcher: false },
    ),
  );
}

/** POST /authorize: the consent decision → redirect with a code (or access_denied). */
export async function handleAuthorizeDecision(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const form = await parseFormOrJson(c);
  const checked = validateAuthorize(ctx, form);
  if ('redirectError' in checked) {
    return redirectWith(c, checked.redirectUri, { error: checked.redirectError, error_description: checked.description, state: checked.state });
  }
  if (form.decision !== 'approve') {
    return redirectWith(c, checked.redirectUri, { error: 'access_denied', error_description: 'The user declined access.', state: checked.state });
  }
  const accountId = typeof form.account_id === 'string' ? form.account_id : undefined;
  if (!ctx.isUser(accountId)) throw new HttpError(400, 'invalid_request', 'Pick a user of the local site.');
  const code = ctx.tokens.createCode({ accountId, clientId: checked.integration.clientId, scopes: checked.scopes }, checked.redirectUri);
  return redirectWith(c, checked.redirectUri, { code, state: checked.state });
}

function oauthError(c: LocalContext, status: 400 | 401, error: string, description: string): Response {
  return c.json({ error, error_description: description }, status, status === 401 ? { 'www-authenticate': 'Basic realm="oauth"' } : {});
}

/** POST /oauth/token: authorization_code and refresh_token grants (JSON or form-encoded). */
export async function handleToken(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  let body: Record<string, unknown>;
  try {
    body = await parseFormOrJson(c);
  } catch (err) {
    if (err instanceof HttpError) return oauthError(c, 400, 'invalid_request', err.message);
    throw err;
  }
  const field = (name: string) => (typeof body[name] === 'string' && body[name] !== '' ? (body[name]) : undefined);
  const grantType = field('grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return oauthError(c, 400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
  }
  const clientId = field('client_id');
  const clientSecret = field('client_secret');
  if (!clientId || !clientSecret) return oauthError(c, 401, 'invalid_client', 'client_id and client_secret are required.');
  if (!ctx.integrations.authenticate(clientId, clientSecret)) return oauthError(c, 401, 'invalid_client', 'Client authentication failed.');

  let result: IssuedTokens | { error: string };
  if (grantType === 'authorization_code') {
    const code = field('code');
    const redirectUri = field('redirect_uri');
    if (!code || !redirectUri) return oauthError(c, 400, 'invalid_request', 'code and redirect_uri are required.');
    result = ctx.tokens.redeemCode(code, clientId, redirectUri);
  } else {
    const refreshToken = field('refresh_token');
    if (!refreshToken) return oauthError(c, 400, 'invalid_request', 'refresh_token is required.');
    result = ctx.tokens.redeemRefreshToken(refreshToken, clientId);
  }
  if ('error' in result) return oauthError(c, 400, 'invalid_grant', result.error);
  return c.json(result);
}

/** GET /oauth/token/accessible-resources: the one local site, with the token's scopes. */
export function handleAccessibleResources(c: LocalContext): Response {
  const ctx = c.var.ctx;
  const auth = ctx.tokens.checkBearer(c.req.header('authorization'));
  if (!auth.ok) return c.json({ code: 401, message: 'Unauthorized' }, 401);
  return c.json([
    {
      id: ctx.info.cloudId,
      url: ctx.info.siteUrl,
      name: 'approvalflow-local',
      scopes: auth.token.scopes,
      avatarUrl: `${ctx.info.siteUrl}/local/site-avatar.svg`,
    },
  ]);
}
