/**
 * Electronic-signature resolvers (SPEC 2.3c) as Forge calls them: identity only from the platform, the
 * envelope carries attemptsLeft / retryAfter, no answer echoes a credential, reset is for site admins.
 */
import { createResolverApp, type ResolverApp } from './resolver-app';

const PIN = 'correct-horse-42';

async function signedWorkflow(app: ResolverApp): Promise<string> {
  const updated = await app.invoke('acc-alice', 'workflow.update', {
    workflowId: 'wf-eng-review',
    steps: [{ approvers: ['acc-carol', 'acc-dave'], mode: 'any', signature: { required: true, auth: 'pin', meanings: [{ code: 'approval', label: 'I approve this document' }] } }],
  });
  expect(updated.success).toBe(true);
  const submitted = await app.invoke('acc-bob', 'page.submit', { pageId: '2001' });
  return submitted.approval.id as string;
}

describe('signature resolvers', () => {
  let app: ResolverApp;
  beforeEach(async () => {
    app = await createResolverApp();
  });

  test('identity comes from the platform: an accountId in a payload is refused, no principal is UNAUTHENTICATED', async () => {
    expect(await app.invoke('acc-carol', 'signature.pin.set', { newPin: PIN, accountId: 'acc-dave' })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await app.invoke(undefined, 'signature.pin.set', { newPin: PIN })).toMatchObject({ success: false, code: 'UNAUTHENTICATED' });
    expect(await app.invoke('acc-carol', 'signature.pin.set', { newPin: PIN })).toEqual({ success: true, enrolled: true });
    expect(await app.invoke('acc-dave', 'signature.status')).toEqual({ success: true, pin: false, totp: false, locked: false });
    expect(await app.invoke('acc-carol', 'signature.status')).toEqual({ success: true, pin: true, totp: false, locked: false });
  });

  test('wrong PINs answer attemptsLeft, the fifth locks with retryAfter, and no answer echoes the credential', async () => {
    await app.invoke('acc-carol', 'signature.pin.set', { newPin: PIN });
    const approvalId = await signedWorkflow(app);
    expect(await app.invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve' })).toMatchObject({ success: false, code: 'SIGNATURE_REQUIRED' });
    const wrong = { approvalId, decision: 'approve', meaning: 'approval', credential: { type: 'pin', value: 'guess-number-1' } };
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await app.invoke('acc-carol', 'approval.decide', wrong));
    expect(replies.map((r) => [r.code, r.attemptsLeft, r.retryAfter])).toEqual([
      ['SIGNATURE_INVALID', 4, undefined],
      ['SIGNATURE_INVALID', 3, undefined],
      ['SIGNATURE_INVALID', 2, undefined],
      ['SIGNATURE_INVALID', 1, undefined],
      ['SIGNATURE_LOCKED', undefined, 900],
    ]);
    expect(JSON.stringify(replies)).not.toContain('guess-number-1');
    app.clock.now += 15 * 60_000;
    const ok = await app.invoke('acc-carol', 'approval.decide', { ...wrong, credential: { type: 'pin', value: PIN } });
    expect(ok.success).toBe(true);
    expect(ok.approval.decisions[0].signature).toMatchObject({ printedName: 'Carol Reviewer', meaning: 'approval', authMethod: 'pin' });
    expect(JSON.stringify(ok)).not.toContain(PIN);
  });

  test('a PIN is never reported back, by any resolver, and TOTP start answers only the URI', async () => {
    await app.invoke('acc-carol', 'signature.pin.set', { newPin: PIN });
    const start = await app.invoke('acc-carol', 'signature.enroll.start', { method: 'totp' });
    expect(Object.keys(start).sort()).toEqual(['otpauthUri', 'success']);
    expect(await app.invoke('acc-carol', 'signature.enroll.confirm', { code: '12345' })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await app.invoke('acc-dave', 'signature.enroll.confirm', { code: '123456' })).toMatchObject({ success: false, code: 'SIGNATURE_NOT_ENROLLED' });
  });

  test('only site admins reset, and a reset answers the same for an account with or without an enrolment', async () => {
    await app.invoke('acc-carol', 'signature.pin.set', { newPin: PIN });
    for (const who of ['acc-bob', 'acc-carol', 'acc-erin']) {
      expect(await app.invoke(who, 'signature.reset', { accountId: 'acc-carol' })).toMatchObject({ success: false, code: 'FORBIDDEN' });
    }
    expect(await app.invoke('acc-carol', 'signature.status')).toMatchObject({ pin: true });
    expect(await app.invoke('acc-alice', 'signature.reset', { accountId: 'acc-carol' })).toEqual({ success: true, accountId: 'acc-carol' });
    expect(await app.invoke('acc-alice', 'signature.reset', { accountId: 'acc-nobody' })).toEqual({ success: true, accountId: 'acc-nobody' });
    expect(await app.invoke('acc-carol', 'signature.status')).toMatchObject({ pin: false });
  });
});
