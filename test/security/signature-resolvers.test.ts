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

describe('changeset.decide with a signature (SPEC 2.5a, 2.3c)', () => {
  test('the envelope carries attemptsLeft, a malformed credential is INVALID_REQUEST, an invisible set answers like a missing one, and no answer echoes the credential', async () => {
    const app = await createResolverApp();
    await app.invoke('acc-carol', 'signature.pin.set', { newPin: PIN });
    await signedWorkflow(app); // page 2001 is now pending on its own; the set takes two other pages
    const created = await app.invoke('acc-bob', 'changeSet.create', { spaceId: '1001', title: 'Release', pageRefs: [{ pageId: '2002' }, { pageId: '2003' }], approvalMode: 'atomic' });
    expect(created.success).toBe(true);
    const submitted = await app.invoke('acc-bob', 'changeSet.submit', { changeSetId: created.changeSet.id });
    const setApprovalId = submitted.setApprovalId as string;
    const base = { setApprovalId, decision: 'approve', pageAck: ['2002', '2003'], meaning: 'approval' };

    expect(await app.invoke('acc-carol', 'changeset.decide', { ...base, credential: { type: 'pin', value: PIN, extra: 1 } })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    const wrong = await app.invoke('acc-carol', 'changeset.decide', { ...base, credential: { type: 'pin', value: 'guess-number-1' } });
    expect([wrong.code, wrong.attemptsLeft]).toEqual(['SIGNATURE_INVALID', 4]);
    const outsider = await app.invoke('acc-zed', 'changeset.decide', { ...base, credential: { type: 'pin', value: PIN } });
    const missing = await app.invoke('acc-zed', 'changeset.decide', { ...base, setApprovalId: 'set-missing', credential: { type: 'pin', value: PIN } });
    expect(outsider).toEqual(missing);
    expect(outsider).toMatchObject({ success: false, code: 'SET_APPROVAL_NOT_FOUND' });
    const ok = await app.invoke('acc-carol', 'changeset.decide', { ...base, credential: { type: 'pin', value: PIN } });
    expect(ok.success).toBe(true);
    expect(ok.setApproval.decisions[0].signature).toMatchObject({ printedName: 'Carol Reviewer', pages: [{ pageId: '2002' }, { pageId: '2003' }] });
    expect(JSON.stringify([wrong, ok])).not.toContain('guess-number-1');
    expect(JSON.stringify(ok)).not.toContain(PIN);
  });
});
