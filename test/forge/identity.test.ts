/**
 * SPEC §4 identity on the apiRoute payload as Forge may really deliver it: ordered platform sources,
 * the source recorded, fail closed without a user, "unavailable" when only the client id is missing.
 * Claim names agreed with the local twin's unsigned contextToken: account id aaid → principal → sub;
 * client id clientId → client_id → azp.
 */
import { decodeTokenClaims, observeIdentity, resolveCaller } from '../../src/transport/api/identity';
import type { ForgeApiRequest, ForgeInvocationContext } from '../../src/transport/api/forge-types';

const jwt = (claims: unknown) => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

/** The captured real shape: context {cloudId, moduleKey, userAccess}, a contextToken, no principal. */
function invocation(claims: unknown, extra: { principal?: string; requestClientId?: string; headers?: Record<string, string[]> } = {}): [ForgeApiRequest, ForgeInvocationContext] {
  return [
    {
      method: 'GET',
      headers: extra.headers ?? { accept: ['application/json'] },
      queryParameters: {},
      body: '',
      context: { cloudId: 'c', moduleKey: 'page-status', userAccess: { enabled: false, hasAccess: true }, ...(extra.requestClientId ? { clientId: extra.requestClientId } : {}) },
      ...(claims === undefined ? {} : { contextToken: jwt(claims) }),
    },
    { installContext: 'ari:cloud:confluence::site/c', ...(extra.principal ? { principal: { accountId: extra.principal } } : {}) },
  ];
}

describe('resolveCaller', () => {
  it('takes the user from the contextToken when the platform sets no principal, and says the client id is unavailable', () => {
    expect(resolveCaller(...invocation({ aaid: 'acc-bob' }))).toEqual({ accountId: 'acc-bob', source: 'api', clientId: 'unavailable', clientIdSource: 'unavailable' });
  });

  it('prefers context.principal over the token, and the request context over token claims for the client id', () => {
    const caller = resolveCaller(...invocation({ aaid: 'acc-token', clientId: 'client-token' }, { principal: 'acc-principal', requestClientId: 'client-context' }));
    expect(caller).toEqual({ accountId: 'acc-principal', source: 'api', clientId: 'client-context', clientIdSource: 'request.context.clientId' });
  });

  it('reads the account id claims in the order aaid, principal, sub and the client id claims clientId, client_id, azp', () => {
    expect(observeIdentity(...invocation({ sub: 'acc-s', principal: 'acc-p', aaid: 'acc-a' })).caller?.accountId).toBe('acc-a');
    expect(observeIdentity(...invocation({ sub: 'acc-s', principal: 'acc-p' })).observation.principalSource).toBe('contextToken.principal');
    expect(observeIdentity(...invocation({ sub: 'acc-s' })).observation.principalSource).toBe('contextToken.sub');
    expect(observeIdentity(...invocation({ aaid: 'a', azp: 'z', client_id: 'y', clientId: 'x' })).caller).toMatchObject({ clientId: 'x', clientIdSource: 'contextToken.clientId' });
    expect(observeIdentity(...invocation({ aaid: 'a', azp: 'z', client_id: 'y' })).caller).toMatchObject({ clientId: 'y', clientIdSource: 'contextToken.client_id' });
    expect(observeIdentity(...invocation({ aaid: 'a', azp: 'z' })).caller).toMatchObject({ clientId: 'z', clientIdSource: 'contextToken.azp' });
  });

  it('fails closed with 401 UNAUTHENTICATED when no platform source names a user', () => {
    for (const claims of [undefined, {}, { aaid: '' }, { aaid: 'bad id with spaces' }, { principal: { accountId: 7 } }]) {
      expect(() => resolveCaller(...invocation(claims))).toThrow(expect.objectContaining({ status: 401, code: 'UNAUTHENTICATED' }));
    }
  });

  it('never takes identity from headers, query or body, and ignores a token that is not a JWT', () => {
    const [request, context] = invocation(undefined, { headers: { 'x-account-id': ['acc-alice'], authorization: ['Bearer ' + jwt({ aaid: 'acc-alice' })] } });
    request.body = JSON.stringify({ contextToken: jwt({ aaid: 'acc-alice' }), accountId: 'acc-alice' });
    request.queryParameters = { accountId: ['acc-alice'] };
    expect(observeIdentity(request, context).caller).toBeUndefined();
    expect(decodeTokenClaims('not-a-token')).toBeUndefined();
    expect(decodeTokenClaims(`${jwt({ aaid: 'x' })}extra.part`)).toBeUndefined();
  });

  it('observes sources and header names only, never their values', () => {
    const token = jwt({ aaid: 'acc-bob', secret: 'claim-value-never-recorded' });
    const [request, context] = invocation(undefined, { headers: { 'Content-Type': ['application/json'], Authorization: ['Bearer tok-never-recorded'] } });
    request.contextToken = token;
    const { observation } = observeIdentity(request, context);
    expect(observation).toEqual({
      principalSource: 'contextToken.aaid',
      clientIdSource: 'unavailable',
      contextTokenPresent: true,
      tokenClaimNames: ['aaid', 'secret'],
      headerNames: ['authorization', 'content-type'],
      identityFailed: false,
    });
    expect(JSON.stringify(observation)).not.toMatch(/never-recorded|acc-bob/);
  });
});
