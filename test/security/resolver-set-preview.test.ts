/**
 * `changeset.decisionPreview` through the resolvers (SPEC 2.5a, §6, §9): any viewer of the set's
 * space reads its progress and their own preview; a set in a space the caller cannot view answers
 * exactly like a missing one (and is audited); identity comes only from the platform; reading it
 * writes nothing.
 */
import { createResolverApp, type ResolverApp } from './resolver-app';

async function docsSet(app: ResolverApp): Promise<string> {
  for (const pageId of ['3001', '3002']) expect((await app.invoke('acc-alice', 'assignment.set', { pageId, workflowId: 'wf-docs-quick' })).success).toBe(true);
  const created = await app.invoke('acc-bob', 'changeSet.create', { spaceId: '1002', title: 'Docs release', pageRefs: [{ pageId: '3001' }, { pageId: '3002' }], approvalMode: 'atomic' });
  const submitted = await app.invoke('acc-bob', 'changeSet.submit', { changeSetId: created.changeSet.id });
  expect(submitted.success).toBe(true);
  return submitted.setApprovalId as string;
}

describe('changeset.decisionPreview', () => {
  test('a viewer of the space reads the progress and their own preview; an approver is told their approval completes the set', async () => {
    const app = await createResolverApp();
    const setApprovalId = await docsSet(app);
    const carol = await app.invoke('acc-carol', 'changeset.decisionPreview', { setApprovalId });
    expect(carol).toMatchObject({ success: true, preview: { counts: true, completesApproval: true } });
    expect(carol.progress).toEqual({ activeStep: 0, stepName: 'Editorial review', groups: [{ key: 'approvers', name: 'Approvers', required: 1, approvedBy: [], waitingFor: ['acc-carol'] }] });
    const bob = await app.invoke('acc-bob', 'changeset.decisionPreview', { setApprovalId });
    expect(bob).toMatchObject({ success: true, preview: { counts: false, refusal: { code: 'NOT_AN_APPROVER' } } });
    expect(bob.progress).toEqual(carol.progress);
  });

  test('a set in a space the caller cannot view answers exactly like a missing one, and the refusal is audited', async () => {
    const app = await createResolverApp();
    const setApprovalId = await docsSet(app);
    const invisible = await app.invoke('acc-erin', 'changeset.decisionPreview', { setApprovalId });
    const missing = await app.invoke('acc-erin', 'changeset.decisionPreview', { setApprovalId: 'set-does-not-exist' });
    expect(invisible).toEqual(missing);
    expect(invisible).toMatchObject({ success: false, code: 'SET_APPROVAL_NOT_FOUND' });
    expect(await app.invoke('acc-zed', 'changeset.decisionPreview', { setApprovalId })).toEqual(missing);
    const denied = await app.invoke('acc-alice', 'audit.list', { action: 'access.denied', actor: 'acc-erin' });
    expect(denied.records.map((r: { details: { operation?: string } }) => r.details.operation)).toContain('changeset.decisionPreview');
  });

  test('reading the preview changes nothing, even for the approver it concerns', async () => {
    const app = await createResolverApp();
    const setApprovalId = await docsSet(app);
    const before = await app.store.get(`set-approval:${setApprovalId}`);
    // every store write is a transaction: none at all, admission included (a read resolver only reads)
    const transact = jest.spyOn(app.store, 'transact');
    const setSecret = jest.spyOn(app.store, 'setSecret');
    const deleteSecret = jest.spyOn(app.store, 'deleteSecret');
    expect(await app.invoke('acc-carol', 'changeset.decisionPreview', { setApprovalId })).toMatchObject({ success: true });
    expect(transact).not.toHaveBeenCalled();
    expect(setSecret).not.toHaveBeenCalled();
    expect(deleteSecret).not.toHaveBeenCalled();
    expect(await app.store.get(`set-approval:${setApprovalId}`)).toEqual(before);
  });

  test('no account, identity fields or unknown fields are refused before the engine', async () => {
    const app = await createResolverApp();
    expect((await app.invoke(undefined, 'changeset.decisionPreview', { setApprovalId: 'x' })).code).toBe('UNAUTHENTICATED');
    expect((await app.invoke('acc-carol', 'changeset.decisionPreview', { setApprovalId: 'x', accountId: 'acc-dave' })).code).toBe('INVALID_REQUEST');
    expect((await app.invoke('acc-carol', 'changeset.decisionPreview', { setApprovalId: 'x', decision: 'approve' })).code).toBe('INVALID_REQUEST');
  });
});
