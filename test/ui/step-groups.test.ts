/**
 * SPEC 2.1a through the resolvers, over the real engine and local site: a two-group step
 * ("Legal: 1 of alice", "Eng: 2 of group eng-reviewers") completes exactly when both counts are met;
 * status and the decision preview show the progress; approval.decisionPreview's security.
 */
import { createResolverApp, type ResolverApp } from '../security/resolver-app';

const TWO_GROUPS = {
  name: 'Legal and Eng',
  groups: [
    { key: 'legal', name: 'Legal', approvers: ['acc-alice'], required: 1 },
    { key: 'eng', name: 'Eng', approvers: ['group:grp-eng-reviewers'], required: 2 },
  ],
};

async function twoGroupApproval(app: ResolverApp, pageId = '2001'): Promise<string> {
  const saved = await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: [TWO_GROUPS] });
  expect(saved.success).toBe(true);
  const submitted = await app.invoke('acc-bob', 'page.submit', {}, { pageId });
  expect(submitted.success).toBe(true);
  return submitted.approval.id as string;
}

describe('a two-group step through the resolvers', () => {
  test('reads return groups (and no short form for a step of several groups)', async () => {
    const app = await createResolverApp();
    const saved = await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: [TWO_GROUPS] });
    expect(saved.workflow.steps).toEqual([TWO_GROUPS]);
    const short = await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: [{ approvers: ['acc-carol'], mode: 'any' }] });
    expect(short.workflow.steps).toEqual([{ approvers: ['acc-carol'], mode: 'any', groups: [{ key: 'approvers', name: 'Approvers', approvers: ['acc-carol'], required: 1 }] }]);
    // a step read back saves unchanged; a short form that contradicts its groups is refused
    expect((await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: short.workflow.steps })).success).toBe(true);
    const contradiction = await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: [{ ...short.workflow.steps[0], mode: 'all' }] });
    expect(contradiction.code).toBe('INVALID_REQUEST');
  });

  test('completes exactly when both counts are met; status and preview show the progress', async () => {
    const app = await createResolverApp();
    const approvalId = await twoGroupApproval(app);

    expect((await app.invoke('acc-carol', 'approval.decisionPreview', { approvalId })).preview).toEqual({ countsToward: ['eng'], completesStep: false, completesApproval: false });
    expect((await app.invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve' })).approval.status).toBe('pending');
    expect((await app.invoke('acc-alice', 'approval.decide', { approvalId, decision: 'approve' })).approval.status).toBe('pending');

    const status = await app.invoke('acc-bob', 'page.status', {}, { pageId: '2001' });
    expect(status.status.pending.groups).toEqual([
      { key: 'legal', name: 'Legal', required: 1, approvedBy: ['acc-alice'], waitingFor: [] },
      { key: 'eng', name: 'Eng', required: 2, approvedBy: ['acc-carol'], waitingFor: ['acc-dave'] },
    ]);
    expect(status.status.pending.mode).toBeUndefined();

    expect((await app.invoke('acc-dave', 'approval.decisionPreview', { approvalId })).preview).toEqual({ countsToward: ['eng'], completesStep: true, completesApproval: true });
    expect((await app.invoke('acc-dave', 'approval.decide', { approvalId, decision: 'approve' })).approval.status).toBe('approved');
  });

  test('an approver whose group is full is refused with STEP_ALREADY_SATISFIED_FOR_YOU and nothing changes', async () => {
    const app = await createResolverApp();
    await app.invoke('acc-alice', 'workflow.update', {
      workflowId: 'wf-eng-review',
      steps: [{ groups: [{ key: 'eng', name: 'Eng', approvers: ['group:grp-eng-reviewers'], required: 1 }, { key: 'legal', name: 'Legal', approvers: ['acc-alice'], required: 1 }] }],
    });
    const approvalId = (await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2002' })).approval.id;
    await app.invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve' });
    const refused = await app.invoke('acc-dave', 'approval.decide', { approvalId, decision: 'approve' });
    expect(refused.code).toBe('STEP_ALREADY_SATISFIED_FOR_YOU');
    const status = await app.invoke('acc-bob', 'page.status', {}, { pageId: '2002' });
    expect(status.status.pending.approval.decisions).toHaveLength(1);
  });

  test('QUORUM_UNREACHABLE names the field; nothing is saved', async () => {
    const app = await createResolverApp();
    const refused = await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: [{ groups: [{ key: 'legal', name: 'Legal', approvers: ['acc-alice'], required: 2 }] }] });
    expect(refused.code).toBe('QUORUM_UNREACHABLE');
    expect(refused.details).toEqual([expect.objectContaining({ field: 'steps[0].groups[0].required' })]);
    const wf = await app.invoke('acc-alice', 'workflow.list', { spaceId: '1001' });
    expect(wf.workflows[0].version).toBe(1);
  });
});

test('duplicate keeps the groups, reject policy and separation-of-duties settings', async () => {
  const app = await createResolverApp();
  const sod = { excludeEditors: 'last_editor', distinctAcrossSteps: true, changeSetMinDistinctApprovers: 2 };
  const steps = [{ ...TWO_GROUPS, rejectPolicy: { threshold: 2 }, distinctAcrossGroups: false }];
  expect((await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps, sod, reviewPeriodDays: 90 })).success).toBe(true);
  const copy = await app.invoke('acc-alice', 'workflow.duplicate', { workflowId: 'wf-eng-review' });
  expect(copy.workflow).toMatchObject({ steps, sod, reviewPeriodDays: 90, enabled: false });
});

describe('approval.decisionPreview security', () => {
  test('anyone who can view the page gets an answer; a non-approver is told their approval counts toward nothing', async () => {
    const app = await createResolverApp();
    const approvalId = await twoGroupApproval(app);
    expect((await app.invoke('acc-erin', 'approval.decisionPreview', { approvalId })).preview).toEqual({ countsToward: [], completesStep: false, completesApproval: false });
    // the submitter may not fill a slot (self-approval is off)
    expect((await app.invoke('acc-bob', 'approval.decisionPreview', { approvalId })).preview.countsToward).toEqual([]);
  });

  test('an approval of a page the caller cannot view answers exactly like a missing one', async () => {
    const app = await createResolverApp();
    await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: [{ approvers: ['acc-alice'], mode: 'any' }] });
    const hidden = await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2012' });
    expect(hidden.success).toBe(true);
    const invisible = await app.invoke('acc-erin', 'approval.decisionPreview', { approvalId: hidden.approval.id });
    const missing = await app.invoke('acc-erin', 'approval.decisionPreview', { approvalId: 'apr-does-not-exist' });
    expect(invisible).toEqual(missing);
    expect(missing.code).toBe('APPROVAL_NOT_FOUND');
  });

  test('no account, or a payload with identity or unknown fields, is refused', async () => {
    const app = await createResolverApp();
    expect((await app.invoke(undefined, 'approval.decisionPreview', { approvalId: 'x' })).code).toBe('UNAUTHENTICATED');
    expect((await app.invoke('acc-carol', 'approval.decisionPreview', { approvalId: 'x', accountId: 'acc-dave' })).code).toBe('INVALID_REQUEST');
  });
});

describe('queue.list carries per-group progress', () => {
  test('each pending row has its active step groups with counts and who is still waited for', async () => {
    const app = await createResolverApp();
    const approvalId = await twoGroupApproval(app);
    await app.invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve' });
    const queue = await app.invoke('acc-bob', 'queue.list', { spaceId: '1001' });
    const row = (queue.approvals as { id: string; groups: unknown }[]).find((a) => a.id === approvalId);
    expect(row?.groups).toEqual([
      { key: 'legal', name: 'Legal', required: 1, approvedBy: [], waitingFor: ['acc-alice'] },
      { key: 'eng', name: 'Eng', required: 2, approvedBy: ['acc-carol'], waitingFor: ['acc-dave'] },
    ]);
  });
});
