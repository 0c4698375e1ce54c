/**
 * evidence.rotateKey as Forge calls it (issue 21): site admins only, identity only from the platform,
 * a strict empty payload, no private key material in any answer, and the admin page's capability says
 * who sees the button. (The no-500 fuzz over every resolver schema, this one included, is
 * api-resolver-fuzz.test.ts.)
 */
import { createResolverApp, type ResolverApp } from './resolver-app';

describe('evidence.rotateKey resolver', () => {
  let app: ResolverApp;
  beforeEach(async () => {
    app = await createResolverApp();
  });

  test('only a site admin rotates; everyone else is FORBIDDEN and the published keys stay as they were', async () => {
    const before = await app.invoke('acc-bob', 'evidence.keys');
    for (const who of ['acc-bob', 'acc-carol', 'acc-dave', 'acc-erin', 'acc-unknown']) {
      expect(await app.invoke(who, 'evidence.rotateKey')).toMatchObject({ success: false, code: 'FORBIDDEN' });
    }
    expect(await app.invoke('acc-bob', 'evidence.keys')).toEqual(before);
    const rotated = await app.invoke('acc-alice', 'evidence.rotateKey');
    expect(rotated).toMatchObject({ success: true, current: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(rotated.keys).toHaveLength(2);
    expect(JSON.stringify(rotated)).not.toContain('PRIVATE');
    expect((await app.invoke('acc-bob', 'evidence.keys')).keys).toEqual(rotated.keys);
  });

  test('identity comes from the platform: no principal is UNAUTHENTICATED, any payload field is INVALID_REQUEST', async () => {
    expect(await app.invoke(undefined, 'evidence.rotateKey')).toMatchObject({ success: false, code: 'UNAUTHENTICATED' });
    expect(await app.invoke('acc-bob', 'evidence.rotateKey', { accountId: 'acc-alice' })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await app.invoke('acc-alice', 'evidence.rotateKey', { keyId: '0123456789abcdef' })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
  });

  test('the admin capability offers rotation to site admins only', async () => {
    expect(await app.invoke('acc-alice', 'ui.capabilities', { surface: 'admin' })).toMatchObject({ admin: { rotateSigningKey: true } });
    for (const who of ['acc-bob', 'acc-carol']) {
      expect(await app.invoke(who, 'ui.capabilities', { surface: 'admin' })).toMatchObject({ admin: { rotateSigningKey: false } });
    }
  });
});
