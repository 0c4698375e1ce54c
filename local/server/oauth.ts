/**
 * Atlassian 3LO emulation (authorization-code grant with rotating refresh tokens) and the dev-token
 * shortcut. Errors follow RFC 6749: `{error, error_description}`; problems with the client or the
 * redirect URI are shown to the user, never redirected (an unvalidated redirect would be an open
 * redirector).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { RuntimeContext } from './context';
import { currentUser } from './site-pages';
import { escapeHtml, HttpError, parseFormOrJson, parseJsonObject, readBody, redirect, sendHtml, sendJson } from './http';
import type { Integration } from './integrations';
import type { IssuedTokens } from './tokens';
import { splitScopes } from './scopes';
import { layout } from './site-pages';

const FORM_LIMIT = 64 * 1024;

const DevTokenSchema = z.strictObject({
  accountId: z.string().min(1),
  clientId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'clientId: 1-100 letters, digits, dot, dash or underscore'),
  scopes: z.array(z.string().min(1)).min(1).max(20),
});

/** POST /local/oauth/dev-token: a token for any seeded user without the consent dance (local only). */
export async function handleDevToken(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = DevTokenSchema.safeParse(parseJsonObject(await readBody(req, FORM_LIMIT)));
  if (!parsed.success) {
    return sendJson(res, 400, { success: false, code: 'INVALID_REQUEST', error: 'The dev-token request is invalid.', details: issues(parsed.error) });
  }
  const { accountId, clientId, scopes } = parsed.data;
  const unknownUser = `${accountId} is not a user of the local site.`; // before isUser() narrows accountId away
  if (!ctx.isUser(accountId)) {
    return sendJson(res, 400, { success: false, code: 'UNKNOWN_USER', error: unknownUser });
  }
  const unknown = scopes.filter((scope) => !ctx.scopeCatalog.has(scope));
  if (unknown.length > 0) {
    return sendJson(res, 400, { success: false, code: 'UNKNOWN_SCOPE', error: `Unknown scope(s): ${unknown.join(', ')}.` });
  }
  const issued = ctx.tokens.issueAccessToken({ accountId, clientId, scopes: [...new Set(scopes)] });
  sendJson(res, 200, issued);
}

interface AuthorizeParams {
  integration: Integration;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
}

/** Validates an authorization request; a client/redirect problem throws (shown, not redirected). */
function validateAuthorize(ctx: RuntimeContext, params: Record<string, unknown>): AuthorizeParams | { redirectError: string; description: string; redirectUri: string; state?: string } {
  const text = (name: string) => (typeof params[name] === 'string' ? params[name] : undefined);
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

function redirectWith(res: ServerResponse, redirectUri: string, params: Record<string, string | undefined>): void {
  const target = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) target.searchParams.set(name, value);
  redirect(res, 302, target.toString());
}

/** GET /authorize → consent page. */
export function handleAuthorizePage(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const checked = validateAuthorize(ctx, Object.fromEntries(url.searchParams));
  if ('redirectError' in checked) {
    return redirectWith(res, checked.redirectUri, { error: checked.redirectError, error_description: checked.description, state: checked.state });
  }
  const selected = currentUser(ctx, req);
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
  sendHtml(
    res,
    200,
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
export async function handleAuthorizeDecision(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = parseFormOrJson(req, await readBody(req, FORM_LIMIT));
  const checked = validateAuthorize(ctx, form);
  if ('redirectError' in checked) {
    return redirectWith(res, checked.redirectUri, { error: checked.redirectError, error_description: checked.description, state: checked.state });
  }
  if (form.decision !== 'approve') {
    return redirectWith(res, checked.redirectUri, { error: 'access_denied', error_description: 'The user declined access.', state: checked.state });
  }
  const accountId = typeof form.account_id === 'string' ? form.account_id : undefined;
  if (!ctx.isUser(accountId)) throw new HttpError(400, 'invalid_request', 'Pick a user of the local site.');
  const code = ctx.tokens.createCode({ accountId, clientId: checked.integration.clientId, scopes: checked.scopes }, checked.redirectUri);
  redirectWith(res, checked.redirectUri, { code, state: checked.state });
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, status === 401 ? { 'www-authenticate': 'Basic realm="oauth"' } : {});
}

/** POST /oauth/token: authorization_code and refresh_token grants (JSON or form-encoded). */
export async function handleToken(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Record<string, unknown>;
  try {
    body = parseFormOrJson(req, await readBody(req, FORM_LIMIT));
  } catch (err) {
    if (err instanceof HttpError && err.status !== 413) return oauthError(res, 400, 'invalid_request', err.message);
    throw err;
  }
  const field = (name: string) => (typeof body[name] === 'string' && body[name] !== '' ? body[name] : undefined);
  const grantType = field('grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return oauthError(res, 400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
  }
  const clientId = field('client_id');
  const clientSecret = field('client_secret');
  if (!clientId || !clientSecret) return oauthError(res, 401, 'invalid_client', 'client_id and client_secret are required.');
  if (!ctx.integrations.authenticate(clientId, clientSecret)) return oauthError(res, 401, 'invalid_client', 'Client authentication failed.');

  let result: IssuedTokens | { error: string };
  if (grantType === 'authorization_code') {
    const code = field('code');
    const redirectUri = field('redirect_uri');
    if (!code || !redirectUri) return oauthError(res, 400, 'invalid_request', 'code and redirect_uri are required.');
    result = ctx.tokens.redeemCode(code, clientId, redirectUri);
  } else {
    const refreshToken = field('refresh_token');
    if (!refreshToken) return oauthError(res, 400, 'invalid_request', 'refresh_token is required.');
    result = ctx.tokens.redeemRefreshToken(refreshToken, clientId);
  }
  if ('error' in result) return oauthError(res, 400, 'invalid_grant', result.error);
  sendJson(res, 200, result);
}

/** GET /oauth/token/accessible-resources: the one local site, with the token's scopes. */
export function handleAccessibleResources(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse): void {
  const auth = ctx.tokens.checkBearer(req.headers.authorization);
  if (!auth.ok) return sendJson(res, 401, { code: 401, message: 'Unauthorized' });
  sendJson(res, 200, [
    {
      id: ctx.info.cloudId,
      url: ctx.info.siteUrl,
      name: 'approvalflow-local',
      scopes: auth.token.scopes,
      avatarUrl: `${ctx.info.siteUrl}/local/site-avatar.svg`,
    },
  ]);
}

function issues(error: z.ZodError): { field: string; reason: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', reason: issue.message }));
}
