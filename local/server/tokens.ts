/**
 * Opaque OAuth tokens of the local 3LO emulation, held in memory only: restarting the runtime logs
 * every integration out, as a revoked consent would. Tokens are random (256 bits) and looked up by
 * their SHA-256, so a heap dump or log line never needs the token itself.
 */
import { createHash, randomBytes } from 'node:crypto';

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
export const AUTH_CODE_TTL_SECONDS = 600;
const REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 3600;

const TOKEN_PATTERN = /^af_(at|rt|code)_[A-Za-z0-9_-]{43}$/;

export interface Grant {
  accountId: string;
  clientId: string;
  scopes: string[];
}

export interface AccessTokenRecord extends Grant {
  expiresAt: number;
  /** refresh-token family this token belongs to (revoked together on refresh-token reuse) */
  family?: string;
}

interface RefreshTokenRecord extends Grant {
  expiresAt: number;
  family: string;
  used: boolean;
}

interface CodeRecord extends Grant {
  redirectUri: string;
  expiresAt: number;
  used: boolean;
  family?: string;
}

export interface IssuedTokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
}

export type CheckResult = { ok: true; token: AccessTokenRecord } | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'expired' };

function newToken(kind: 'at' | 'rt' | 'code'): string {
  return `af_${kind}_${randomBytes(32).toString('base64url')}`;
}

function grantOf(record: Grant): Grant {
  return { accountId: record.accountId, clientId: record.clientId, scopes: [...record.scopes] };
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class TokenService {
  private readonly access = new Map<string, AccessTokenRecord>();
  private readonly refresh = new Map<string, RefreshTokenRecord>();
  private readonly codes = new Map<string, CodeRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  /** `ttlSeconds` is for tests of expiry; callers otherwise get the 1 h Atlassian default. */
  issueAccessToken(grant: Grant, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS, family?: string): IssuedTokens {
    const token = newToken('at');
    this.access.set(digest(token), { ...grantOf(grant), expiresAt: this.now() + ttlSeconds * 1000, family });
    return { access_token: token, token_type: 'Bearer', expires_in: ttlSeconds, scope: grant.scopes.join(' ') };
  }

  /** Access + refresh token pair (authorization_code and refresh_token grants). */
  issuePair(grant: Grant, family: string = digest(newToken('rt'))): IssuedTokens {
    const issued = this.issueAccessToken(grant, ACCESS_TOKEN_TTL_SECONDS, family);
    const refreshToken = newToken('rt');
    this.refresh.set(digest(refreshToken), {
      ...grantOf(grant),
      family,
      used: false,
      expiresAt: this.now() + REFRESH_TOKEN_TTL_SECONDS * 1000,
    });
    return { ...issued, refresh_token: refreshToken };
  }

  /** Parses an `Authorization` header value and checks the bearer token. */
  checkBearer(header: string | undefined): CheckResult {
    if (!header) return { ok: false, reason: 'missing' };
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    if (!match || !TOKEN_PATTERN.test(match[1]) || !match[1].startsWith('af_at_')) return { ok: false, reason: 'malformed' };
    const record = this.access.get(digest(match[1]));
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, token: record };
  }

  createCode(grant: Grant, redirectUri: string): string {
    const code = newToken('code');
    this.codes.set(digest(code), { ...grant, redirectUri, used: false, expiresAt: this.now() + AUTH_CODE_TTL_SECONDS * 1000 });
    return code;
  }

  /**
   * Single use. A second redemption is refused AND revokes what the first one issued (RFC 6749 §4.1.2:
   * a replayed code suggests it leaked).
   */
  redeemCode(code: string, clientId: string, redirectUri: string): IssuedTokens | { error: string } {
    const record = TOKEN_PATTERN.test(code) ? this.codes.get(digest(code)) : undefined;
    if (!record) return { error: 'The authorization code is unknown.' };
    if (record.used) {
      if (record.family) this.revokeFamily(record.family);
      return { error: 'The authorization code was already used.' };
    }
    if (record.expiresAt <= this.now()) return { error: 'The authorization code has expired.' };
    if (record.clientId !== clientId) return { error: 'The authorization code was issued to another client.' };
    if (record.redirectUri !== redirectUri) return { error: 'redirect_uri does not match the one used to get the code.' };
    record.used = true;
    record.family = digest(newToken('rt'));
    return this.issuePair(grantOf(record), record.family);
  }

  /** Rotating refresh tokens: each is single use; replaying a used one revokes its whole family. */
  redeemRefreshToken(refreshToken: string, clientId: string): IssuedTokens | { error: string } {
    const record = TOKEN_PATTERN.test(refreshToken) ? this.refresh.get(digest(refreshToken)) : undefined;
    if (!record) return { error: 'The refresh token is unknown or revoked.' };
    if (record.clientId !== clientId) return { error: 'The refresh token was issued to another client.' };
    if (record.used) {
      this.revokeFamily(record.family);
      return { error: 'The refresh token was already used; its token family is revoked.' };
    }
    if (record.expiresAt <= this.now()) return { error: 'The refresh token has expired.' };
    record.used = true;
    return this.issuePair(grantOf(record), record.family);
  }

  private revokeFamily(family: string): void {
    for (const [key, value] of this.access) if (value.family === family) this.access.delete(key);
    for (const [key, value] of this.refresh) if (value.family === family) this.refresh.delete(key);
  }
}
