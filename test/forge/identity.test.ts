/**
 * SPEC §4 identity on apiRoute payloads with context tokens of the real shape (docs/forge-platform.md
 * U2: `iss: forge/context-token`, `aud: forge`, claims accountId, context {cloudId, moduleKey},
 * appId, extensionType, ...; never aaid, principal or sub). Three tokens: a 3LO user calling the
 * invoked apiRoute, a scheduled trigger's token (it carries an accountId too), and the app user.
 */
import { decodeTokenClaims, observeIdentity, resolveCaller, type IdentityOptions } from '../../src/transport/api/identity';
import type { ForgeApiRequest, ForgeInvocationContext } from '../../src/transport/api/forge-types';
import { realTokenClaims, signedLikeToken } from '../support/context-token';

const APP_USER = '712020:43bef256-0000-4c3a-9f0e-approvalflow';
const options: IdentityOptions = { appAccountId: async () => APP_USER };
const jwt = signedLikeToken;
const realToken = realTokenClaims;

/** The captured real apiRoute shape: context {cloudId, moduleKey, userAccess}, a contextToken, no principal. */
function invocation(claims: unknown, extra: { principal?: string; requestClientId?: string; headers?: Record<string, string[]>; moduleKey?: string } = {}): [ForgeApiRequest, ForgeInvocationContext] {
  return [
    {
      method: 'GET',
      headers: extra.headers ?? { accept: ['application/json'] },
      queryParameters: {},
      body: '',
      context: { cloudId: 'c', moduleKey: extra.moduleKey ?? 'page-status', userAccess: { enabled: false, hasAccess: true }, ...(extra.requestClientId ? { clientId: extra.requestClientId } : {}) },
      ...(claims === undefined ? {} : { contextToken: jwt(claims) }),
    },
    { installContext: 'ari:cloud:confluence::site/c', ...(extra.principal ? { principal: { accountId: extra.principal } } : {}) },
  ];
}

describe('identity on context tokens of the real shape', () => {
  it('a 3LO user calling the invoked apiRoute: the token accountId is the caller, the client id unavailable', async () => {
    const result = await observeIdentity(...invocation(realToken('page-status', '557058:bob')), options);
    expect(result.caller).toEqual({ accountId: '557058:bob', source: 'api', clientId: 'unavailable', clientIdSource: 'unavailable' });
    expect(result.observation).toMatchObject({ principalSource: 'contextToken.accountId', clientIdSource: 'unavailable', identityFailed: false });
  });

  it("a scheduled trigger's token (its own module, an accountId too) never names an API caller: 401", async () => {
    const trigger = realToken('audit-sequencer', '557058:bob', { extensionType: 'core:scheduledTrigger' });
    const result = await observeIdentity(...invocation(trigger), options);
    expect(result.caller).toBeUndefined();
    expect(result.observation).toMatchObject({ principalSource: 'none', tokenAccountRefused: 'module-mismatch', identityFailed: true });
    await expect(resolveCaller(...invocation(trigger), options)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it("a token for the invoked route whose accountId is the app's own user is refused: 401, never misattributed", async () => {
    const result = await observeIdentity(...invocation(realToken('page-status', APP_USER)), options);
    expect(result.caller).toBeUndefined();
    expect(result.observation).toMatchObject({ principalSource: 'none', tokenAccountRefused: 'app-user', identityFailed: true });
  });

  it('a token of another issuer or audience is not a Forge context token', async () => {
    for (const claims of [realToken('page-status', 'acc-bob', { iss: 'someone-else' }), realToken('page-status', 'acc-bob', { aud: 'api.atlassian.com' })]) {
      const result = await observeIdentity(...invocation(claims), options);
      expect(result.observation).toMatchObject({ tokenAccountRefused: 'not-a-context-token', identityFailed: true });
    }
  });

  it('the app user is looked up only when the token would answer, and a failed lookup fails the call', async () => {
    let lookups = 0;
    const counting: IdentityOptions = { appAccountId: async () => ((lookups += 1), APP_USER) };
    await observeIdentity(...invocation(realToken('page-status', 'acc-token'), { principal: 'acc-principal' }), counting);
    expect(lookups).toBe(0);
    const down: IdentityOptions = { appAccountId: async () => Promise.reject(new Error('confluence down')) };
    await expect(observeIdentity(...invocation(realToken('page-status', 'acc-bob')), down)).rejects.toThrow('confluence down');
  });

  it("asks for the app user of the invocation's own installation (the site ARI the platform named, else the request's cloud id)", async () => {
    const asked: (string | undefined)[] = [];
    const recording: IdentityOptions = { appAccountId: async (installation) => (asked.push(installation), APP_USER) };
    const [request, context] = invocation(realToken('page-status', 'acc-bob'));
    await observeIdentity(request, context, recording);
    await observeIdentity(request, {}, recording);
    expect(asked).toEqual(['ari:cloud:confluence::site/c', 'c']);
  });

  it('prefers context.principal over the token, and the request context over token claims for the client id', async () => {
    const caller = await resolveCaller(...invocation(realToken('page-status', 'acc-token', { clientId: 'client-token' }), { principal: 'acc-principal', requestClientId: 'client-context' }), options);
    expect(caller).toEqual({ accountId: 'acc-principal', source: 'api', clientId: 'client-context', clientIdSource: 'request.context.clientId' });
  });

  it('reads the client id claims in the order clientId, client_id, azp', async () => {
    const caller = async (extra: Record<string, unknown>) => (await observeIdentity(...invocation(realToken('page-status', 'a', extra)), options)).caller;
    expect(await caller({ azp: 'z', client_id: 'y', clientId: 'x' })).toMatchObject({ clientId: 'x', clientIdSource: 'contextToken.clientId' });
    expect(await caller({ azp: 'z', client_id: 'y' })).toMatchObject({ clientId: 'y', clientIdSource: 'contextToken.client_id' });
    expect(await caller({ azp: 'z' })).toMatchObject({ clientId: 'z', clientIdSource: 'contextToken.azp' });
  });

  it('claims no platform sends (aaid, principal, sub) name nobody: 401', async () => {
    for (const claims of [undefined, {}, { aaid: 'acc-bob' }, { principal: 'acc-bob' }, { sub: 'acc-bob' }, realToken('page-status', ''), realToken('page-status', 'bad id with spaces')]) {
      await expect(resolveCaller(...invocation(claims), options)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    }
  });

  it('never takes identity from headers, query or body, and ignores a token that is not a JWT', async () => {
    const [request, context] = invocation(undefined, { headers: { 'x-account-id': ['acc-alice'], authorization: ['Bearer ' + jwt(realToken('page-status', 'acc-alice'))] } });
    request.body = JSON.stringify({ contextToken: jwt(realToken('page-status', 'acc-alice')), accountId: 'acc-alice' });
    request.queryParameters = { accountId: ['acc-alice'] };
    expect((await observeIdentity(request, context, options)).caller).toBeUndefined();
    expect(decodeTokenClaims('not-a-token')).toBeUndefined();
    expect(decodeTokenClaims(`${jwt({ accountId: 'x' })}extra.part`)).toBeUndefined();
  });

  it('observes sources and header names only, never their values', async () => {
    const [request, context] = invocation(realToken('page-status', 'acc-bob', { secret: 'claim-value-never-recorded' }), { headers: { 'Content-Type': ['application/json'], Authorization: ['Bearer tok-never-recorded'] } });
    const { observation } = await observeIdentity(request, context, options);
    expect(observation).toMatchObject({ principalSource: 'contextToken.accountId', clientIdSource: 'unavailable', contextTokenPresent: true, headerNames: ['authorization', 'content-type'], identityFailed: false });
    expect(observation.tokenClaimNames).toEqual(expect.arrayContaining(['accountId', 'aud', 'context', 'iss', 'secret']));
    expect(JSON.stringify(observation)).not.toMatch(/never-recorded|acc-bob/);
  });
});
