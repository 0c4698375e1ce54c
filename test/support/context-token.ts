/**
 * Forge context tokens of the real shape (docs/forge-platform.md U2: `iss: forge/context-token`,
 * `aud: forge`, accountId, context {cloudId, moduleKey}, appId, extensionType, ...), for tests
 * that hand an apiRoute payload straight to a handler.
 */
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function realTokenClaims(moduleKey: string, accountId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: 'forge/context-token',
    aud: 'forge',
    accountId,
    context: { cloudId: 'cloud-1', moduleKey },
    appId: 'ari:cloud:ecosystem::app/7d3c1f2e',
    appVersion: '3.1.0',
    extensionId: `ari:cloud:ecosystem::extension/7d3c1f2e/env/static/${moduleKey}`,
    extensionType: 'core:apiRoute',
    contextIds: ['ari:cloud:confluence::site/cloud-1'],
    unlicensed: false,
    iat: 1_700_000_000,
    nbf: 1_700_000_000,
    exp: 1_700_000_900,
    jti: 'jti-1',
    ...extra,
  };
}

export function signedLikeToken(claims: unknown): string {
  return `${b64({ alg: 'RS256', kid: 'forge/context-token/1' })}.${b64(claims)}.c2lnbmF0dXJl`;
}

/** A context token for `moduleKey` naming `accountId`. */
export function realContextToken(moduleKey: string, accountId: string, extra: Record<string, unknown> = {}): string {
  return signedLikeToken(realTokenClaims(moduleKey, accountId, extra));
}
