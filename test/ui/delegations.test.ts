/**
 * Delegation (SPEC 2.3b) through the resolvers over the real engine and local site: Carol delegates
 * to Erin (`replace`) for ENG; Erin's approval fills Carol's slot recorded onBehalfOf acc-carol;
 * the resolvers' security (who may, who may not, invisible like missing) and their bad input.
 */
import { createResolverApp, type ResolverApp } from '../security/resolver-app';
import { signatureManifestation } from '../../src/core/domain/manifestation';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const window = (app: ResolverApp, fromDays = 0, days = 7) => ({ startsAt: iso(app.clock.now + fromDays * DAY), endsAt: iso(app.clock.now + (fromDays + days) * DAY) });

async function eng(app: ResolverApp, approvers: string[], mode: 'any' | 'all' = 'all') {
  const saved = await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: [{ approvers, mode }] });
  expect(saved.success).toBe(true);
}

describe('Carol delegates to Erin (replace) for ENG', () => {
  test("Erin's approval fills Carol's slot, recorded onBehalfOf acc-carol in the decision, history and audit", async () => {
    const app = await createResolverApp();
    await eng(app, ['acc-carol', 'acc-dave']);
    const created = await app.invoke('acc-carol', 'delegation.create', { delegateAccountId: 'acc-erin', ...window(app), scope: { spaceIds: ['1001'] }, mode: 'replace', reason: 'Holiday' });
    expect(created.success).toBe(true);
    const approvalId = (await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2001' })).approval.id;

    // replaced: Carol cannot decide herself
    expect((await app.invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve' })).code).toBe('NOT_AN_APPROVER');
    const byErin = await app.invoke('acc-erin', 'approval.decide', { approvalId, decision: 'approve' });
    expect(byErin.approval.decisions).toEqual([expect.objectContaining({ accountId: 'acc-erin', onBehalfOf: 'acc-carol', delegationId: created.delegation.id, decision: 'approve' })]);
    // Carol's slot is filled: the "all" step waits only for Dave; Erin cannot take a second slot
    const status = await app.invoke('acc-bob', 'page.status', {}, { pageId: '2001' });
    expect(status.status.pending.groups[0]).toMatchObject({ approvedBy: ['acc-carol'], waitingFor: ['acc-dave'] });
    expect((await app.invoke('acc-erin', 'approval.decide', { approvalId, decision: 'approve' })).code).toBe('ALREADY_DECIDED');
    expect((await app.invoke('acc-dave', 'approval.decide', { approvalId, decision: 'approve' })).approval.status).toBe('approved');

    const audit = await app.invoke('acc-alice', 'audit.list', { action: 'approval.approved' });
    expect(audit.records.find((r: { actor: string }) => r.actor === 'acc-erin')?.details).toMatchObject({ onBehalfOf: 'acc-carol', delegationId: created.delegation.id });
    const created_ = await app.invoke('acc-alice', 'audit.list', { action: 'delegation.created' });
    expect(created_.records).toHaveLength(1);
  });

  test('the panel offers the decision to the delegate (whose preview counts) and not to the person who handed it over', async () => {
    const app = await createResolverApp();
    await eng(app, ['acc-carol', 'acc-dave']);
    await app.invoke('acc-carol', 'delegation.create', { delegateAccountId: 'acc-erin', ...window(app), scope: { spaceIds: ['1001'] }, mode: 'replace' });
    const approvalId = (await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2001' })).approval.id;
    const decide = async (who: string) => (await app.invoke(who, 'ui.capabilities', { surface: 'page' }, { pageId: '2001' })).page.decide as boolean;
    expect(await decide('acc-erin')).toBe(true);
    expect(await decide('acc-carol')).toBe(false);
    expect(await decide('acc-dave')).toBe(true);
    expect((await app.invoke('acc-erin', 'approval.decisionPreview', { approvalId })).preview).toEqual({ countsToward: ['approvers'], completesStep: false, completesApproval: false });
    expect((await app.invoke('acc-carol', 'approval.decisionPreview', { approvalId })).preview.countsToward).toEqual([]);
    // what the capability promised, decide does
    expect((await app.invoke('acc-erin', 'approval.decide', { approvalId, decision: 'approve' })).approval.decisions[0]).toMatchObject({ accountId: 'acc-erin', onBehalfOf: 'acc-carol' });
    expect(await decide('acc-erin')).toBe(false);
  });

  test('a delegate signs with their own PIN; the manifestation prints "Erin Outsider, on behalf of Carol Reviewer"', async () => {
    const app = await createResolverApp();
    const saved = await app.invoke('acc-alice', 'workflow.update', {
      workflowId: 'wf-eng-review',
      steps: [{ approvers: ['acc-carol'], mode: 'any', signature: { required: true, auth: 'pin', meanings: [{ code: 'approval', label: 'I approve this document' }] } }],
    });
    expect(saved.success).toBe(true);
    await app.invoke('acc-carol', 'delegation.create', { delegateAccountId: 'acc-erin', ...window(app), scope: { spaceIds: ['1001'] }, mode: 'replace' });
    expect((await app.invoke('acc-erin', 'signature.pin.set', { newPin: 'erin-signs-42' })).success).toBe(true);
    const approvalId = (await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2001' })).approval.id;
    const signed = await app.invoke('acc-erin', 'approval.decide', { approvalId, decision: 'approve', meaning: 'approval', credential: { type: 'pin', value: 'erin-signs-42' } });
    expect(signed.approval.decisions[0]).toMatchObject({ accountId: 'acc-erin', onBehalfOf: 'acc-carol', signature: { printedName: 'Erin Outsider', onBehalfOfName: 'Carol Reviewer', authMethod: 'pin' } });
    expect(signatureManifestation(signed.approval.decisions[0].signature)).toMatch(/^Erin Outsider, on behalf of Carol Reviewer · Approval: I approve this document · /);
  });

  test('"add" lets either decide; a delegation outside its scope or window does nothing', async () => {
    const app = await createResolverApp();
    await eng(app, ['acc-carol'], 'any');
    await app.invoke('acc-carol', 'delegation.create', { delegateAccountId: 'acc-erin', ...window(app), scope: { spaceIds: ['1002'] }, mode: 'add' });
    await app.invoke('acc-carol', 'delegation.create', { delegateAccountId: 'acc-erin', ...window(app, 2), scope: { spaceIds: ['1001'] }, mode: 'add' });
    const approvalId = (await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2001' })).approval.id;
    expect((await app.invoke('acc-erin', 'approval.decide', { approvalId, decision: 'approve' })).code).toBe('NOT_AN_APPROVER');
    app.clock.now += 3 * DAY;
    expect((await app.invoke('acc-erin', 'approval.decide', { approvalId, decision: 'approve' })).approval.status).toBe('approved');
  });

  test('a delegate who cannot view the page cannot decide for the delegator; the submitter rule applies to the delegate', async () => {
    const app = await createResolverApp();
    await eng(app, ['acc-alice'], 'any');
    // Erin cannot view page 2012; Bob submits it
    await app.invoke('acc-alice', 'delegation.create', { delegateAccountId: 'acc-erin', ...window(app), mode: 'replace' });
    const hidden = (await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2012' })).approval.id;
    // audit A#5: an approval on a page she cannot view answers as a missing one, before any approver check
    expect((await app.invoke('acc-erin', 'approval.decide', { approvalId: hidden, decision: 'approve' })).code).toBe('APPROVAL_NOT_FOUND');

    const app2 = await createResolverApp();
    await eng(app2, ['acc-alice'], 'any');
    await app2.invoke('acc-alice', 'delegation.create', { delegateAccountId: 'acc-bob', ...window(app2), mode: 'replace' });
    const own = (await app2.invoke('acc-bob', 'page.submit', {}, { pageId: '2001' })).approval.id;
    expect((await app2.invoke('acc-bob', 'approval.decide', { approvalId: own, decision: 'approve' })).code).toBe('SELF_APPROVAL_NOT_ALLOWED');
  });
});

describe('delegation resolvers: bad input', () => {
  test('the window, the delegate and overlaps are checked; nothing is written', async () => {
    const app = await createResolverApp();
    const now = app.clock.now;
    const create = (payload: object) => app.invoke('acc-carol', 'delegation.create', { delegateAccountId: 'acc-erin', mode: 'add', ...window(app), ...payload });
    expect((await create({ endsAt: iso(now - DAY) })).code).toBe('DELEGATION_INVALID_WINDOW');
    expect((await create({ endsAt: iso(now + 91 * DAY) })).code).toBe('DELEGATION_INVALID_WINDOW');
    expect((await create({ startsAt: iso(now - 2 * DAY) })).code).toBe('DELEGATION_INVALID_WINDOW');
    expect((await create({ delegateAccountId: 'acc-carol' })).code).toBe('UNKNOWN_APPROVER');
    expect((await create({ delegateAccountId: 'acc-ghost' })).code).toBe('UNKNOWN_APPROVER');
    expect((await create({ startsAt: 'tomorrow' })).code).toBe('INVALID_REQUEST');
    expect((await create({ delegatorAccountId: 'acc-dave' })).code).toBe('INVALID_REQUEST');
    expect((await app.invoke('acc-carol', 'delegation.list', { role: 'delegator' })).delegations).toEqual([]);
    expect((await create({})).success).toBe(true);
    expect((await create({ ...window(app, 3) })).code).toBe('DELEGATION_OVERLAP');
    expect((await create({ ...window(app, 3), scope: { spaceIds: ['1001'] } })).success).toBe(true);
  });
});

describe('delegation resolvers: who may', () => {
  test('list shows a person their own delegations given and received; others see none of them', async () => {
    const app = await createResolverApp();
    const d = (await app.invoke('acc-carol', 'delegation.create', { delegateAccountId: 'acc-erin', ...window(app), mode: 'add' })).delegation;
    expect((await app.invoke('acc-carol', 'delegation.list', { role: 'delegator' })).delegations.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect((await app.invoke('acc-erin', 'delegation.list', { role: 'delegate' })).delegations.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect((await app.invoke('acc-dave', 'delegation.list', { role: 'delegator' })).delegations).toEqual([]);
    expect((await app.invoke('acc-dave', 'delegation.list', { role: 'delegate' })).delegations).toEqual([]);
  });

  test('admin lists: a site admin sees all; a space admin needs a space they administer; a non-viewer of the space is told it does not exist', async () => {
    const app = await createResolverApp();
    const d = (await app.invoke('acc-carol', 'delegation.create', { delegateAccountId: 'acc-erin', ...window(app), scope: { spaceIds: ['1001'] }, mode: 'add' })).delegation;
    expect((await app.invoke('acc-alice', 'delegation.list', { role: 'admin' })).delegations.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect((await app.invoke('acc-alice', 'delegation.list', { role: 'admin', spaceId: '1001' })).delegations.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect((await app.invoke('acc-alice', 'delegation.list', { role: 'admin', spaceId: '1002' })).delegations).toEqual([]);
    expect((await app.invoke('acc-bob', 'delegation.list', { role: 'admin' })).code).toBe('FORBIDDEN');
    expect((await app.invoke('acc-bob', 'delegation.list', { role: 'admin', spaceId: '1001' })).code).toBe('FORBIDDEN');
    // Erin cannot view DOCS: the space answers like a missing one
    const hidden = await app.invoke('acc-erin', 'delegation.list', { role: 'admin', spaceId: '1002' });
    const missing = await app.invoke('acc-erin', 'delegation.list', { role: 'admin', spaceId: '99999' });
    expect(hidden).toEqual(missing);
    expect(missing.code).toBe('SPACE_NOT_FOUND');
  });

  test('createFor: a site admin for anyone; a space admin only within spaces they administer; others refused', async () => {
    const app = await createResolverApp();
    const payload = { delegatorAccountId: 'acc-dave', delegateAccountId: 'acc-erin', ...window(app), mode: 'replace', scope: { spaceIds: ['1001'] } };
    expect((await app.invoke('acc-bob', 'delegation.createFor', payload)).code).toBe('FORBIDDEN');
    expect((await app.invoke('acc-carol', 'delegation.createFor', { ...payload, scope: undefined })).code).toBe('FORBIDDEN');
    const made = await app.invoke('acc-alice', 'delegation.createFor', payload);
    expect(made.delegation).toMatchObject({ delegatorAccountId: 'acc-dave', delegateAccountId: 'acc-erin', createdBy: 'acc-alice' });
    expect((await app.invoke('acc-dave', 'delegation.list', { role: 'delegator' })).delegations).toHaveLength(1);
  });

  test('revoke: the delegator, the creator or an admin; anyone else gets exactly what a missing id gets; revoking ends the handover', async () => {
    const app = await createResolverApp();
    await eng(app, ['acc-carol'], 'any');
    const d = (await app.invoke('acc-carol', 'delegation.create', { delegateAccountId: 'acc-erin', ...window(app), mode: 'replace' })).delegation;
    const byDave = await app.invoke('acc-dave', 'delegation.revoke', { delegationId: d.id });
    const missing = await app.invoke('acc-dave', 'delegation.revoke', { delegationId: 'dlg-missing' });
    expect(byDave).toEqual(missing);
    expect(missing.code).toBe('DELEGATION_NOT_FOUND');
    expect((await app.invoke('acc-erin', 'delegation.revoke', { delegationId: d.id })).code).toBe('DELEGATION_NOT_FOUND');

    const revoked = await app.invoke('acc-carol', 'delegation.revoke', { delegationId: d.id });
    expect(revoked.delegation).toMatchObject({ revokedBy: 'acc-carol' });
    expect((await app.invoke('acc-alice', 'audit.list', { action: 'delegation.revoked' })).records).toHaveLength(1);
    const approvalId = (await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2001' })).approval.id;
    expect((await app.invoke('acc-erin', 'approval.decide', { approvalId, decision: 'approve' })).code).toBe('NOT_AN_APPROVER');
    expect((await app.invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve' })).approval.status).toBe('approved');
  });

  test('no account is refused on every delegation resolver', async () => {
    const app = await createResolverApp();
    for (const key of ['delegation.create', 'delegation.createFor', 'delegation.list', 'delegation.revoke']) {
      expect((await app.invoke(undefined, key, {})).code).toBe('UNAUTHENTICATED');
    }
  });
});
