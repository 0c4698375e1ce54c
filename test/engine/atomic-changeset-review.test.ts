/**
 * The set review's server answers (SPEC 2.1a, 2.3a, 2.5a): `changeset.decisionPreview` reports the
 * active step's group progress and the wait for different approvers, and predicts what the caller's
 * approval would do by the decision's own rules (writing nothing); an invalidated set approval
 * says so on its member pages, naming the edit, once per page however often the job runs.
 */
import { createContext } from '../../src/core/services/context';
import { postInvalidationComments } from '../../src/core/services/changesets/atomic/notify-invalidated';
import type { WorkflowStep } from '../../src/core/domain/model';
import { ALICE, BOB, CAROL, DAVE, ERIN, commentsFromNow, mentionsIn, refusal, setup, submitAtomicSet, ui, type TestEnv } from './helpers';

const THREE = ['2001', '2002', '2003'];


async function useWorkflow(env: TestEnv, steps: WorkflowStep[], sod: { excludeEditors?: 'none' | 'last_editor'; changeSetMinDistinctApprovers?: number } = {}): Promise<void> {
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps, sod: { excludeEditors: sod.excludeEditors ?? 'none', distinctAcrossSteps: false, changeSetMinDistinctApprovers: sod.changeSetMinDistinctApprovers ?? 0 } });
}

describe('changeset.decisionPreview', () => {
  it('shows each group of the active step and predicts the approval that completes the step', async () => {
    const env = await setup();
    await useWorkflow(env, [
      {
        name: 'Review',
        groups: [
          { key: 'legal', name: 'Legal', approvers: [ALICE], required: 1 },
          { key: 'eng', name: 'Eng', approvers: ['group:grp-eng-reviewers'], required: 2 },
        ],
      },
    ]);
    const setApprovalId = await submitAtomicSet(env, THREE);
    const first = await env.engine.changeSets.decisionPreview(ui(CAROL), setApprovalId);
    expect(first.preview).toEqual({ counts: true, countsToward: ['eng'], completesStep: false, completesApproval: false });
    await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: THREE });
    await env.engine.changeSets.decide(ui(ALICE), { setApprovalId, decision: 'approve', pageAck: THREE });

    const { progress, preview } = await env.engine.changeSets.decisionPreview(ui(DAVE), setApprovalId);
    expect(progress).toEqual({
      activeStep: 0,
      stepName: 'Review',
      groups: [
        { key: 'legal', name: 'Legal', required: 1, approvedBy: [ALICE], waitingFor: [] },
        { key: 'eng', name: 'Eng', required: 2, approvedBy: [CAROL], waitingFor: [DAVE] },
      ],
    });
    expect(preview).toEqual({ counts: true, countsToward: ['eng'], completesStep: true, completesApproval: true });
    // someone who has decided is told why their approval would not be recorded, as decide would answer
    expect((await env.engine.changeSets.decisionPreview(ui(CAROL), setApprovalId)).preview).toMatchObject({ counts: false, refusal: { code: 'ALREADY_DECIDED' } });
    expect((await env.engine.changeSets.decisionPreview(ui(ERIN), setApprovalId)).preview).toMatchObject({ counts: false, refusal: { code: 'NOT_AN_APPROVER' } });
    expect((await env.engine.changeSets.decide(ui(DAVE), { setApprovalId, decision: 'approve', pageAck: THREE })).status).toBe('approved');
  });

  it('reports the wait for different approvers and who approved; a second approval by the same person is refused in advance', async () => {
    const env = await setup();
    await useWorkflow(env, [{ approvers: [CAROL], mode: 'any' }, { approvers: [CAROL, DAVE, ALICE], mode: 'any' }], { changeSetMinDistinctApprovers: 3 });
    const setApprovalId = await submitAtomicSet(env, THREE);
    await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: THREE });
    // Dave's approval completes the last step's group, but only 2 of 3 different people will have approved
    expect((await env.engine.changeSets.decisionPreview(ui(DAVE), setApprovalId)).preview).toEqual({ counts: true, countsToward: ['approvers'], completesStep: false, completesApproval: false, awaitingApprovers: 1 });
    await env.engine.changeSets.decide(ui(DAVE), { setApprovalId, decision: 'approve', pageAck: THREE });

    const after = await env.engine.changeSets.decisionPreview(ui(BOB), setApprovalId);
    expect(after.progress.distinctApprovers).toEqual({ required: 3, approvedBy: [CAROL, DAVE], missing: 1 });
    expect(after.progress.groups).toEqual([{ key: 'approvers', name: 'Approvers', required: 1, approvedBy: [DAVE], waitingFor: [] }]);
    const again = (await env.engine.changeSets.decisionPreview(ui(CAROL), setApprovalId)).preview;
    expect(again).toMatchObject({ counts: false, refusal: { code: 'DISTINCT_APPROVER_REQUIRED' } });
    expect(again.refusal?.message).toContain('3 different people');
    // a new person's approval counts toward no group but completes the set
    expect((await env.engine.changeSets.decisionPreview(ui(ALICE), setApprovalId)).preview).toEqual({ counts: true, countsToward: [], completesStep: true, completesApproval: true });
    expect((await env.engine.changeSets.decide(ui(ALICE), { setApprovalId, decision: 'approve', pageAck: THREE })).status).toBe('approved');
  });

  it('warns an excluded editor and an approver who cannot view every page, and writes nothing', async () => {
    const env = await setup();
    await useWorkflow(env, [{ approvers: [ALICE, CAROL], mode: 'any' }], { excludeEditors: 'last_editor' });
    await env.site.editPage('2002', { accountId: ALICE, body: '<p>Alice edits</p>' });
    const setApprovalId = await submitAtomicSet(env, ['2001', '2002', '2012']);
    const stored = (await env.store.get(`set-approval:${setApprovalId}`))?.version;
    const records = (await env.auditRecords()).length;

    expect((await env.engine.changeSets.decisionPreview(ui(ALICE), setApprovalId)).preview).toMatchObject({ counts: false, refusal: { code: 'SOD_VIOLATION' } });
    const carol = (await env.engine.changeSets.decisionPreview(ui(CAROL), setApprovalId)).preview;
    expect(carol).toMatchObject({ counts: false, refusal: { code: 'APPROVER_CANNOT_VIEW_PAGE' } });
    expect(carol.refusal?.message).not.toContain('Compensation');
    expect((await env.store.get(`set-approval:${setApprovalId}`))?.version).toBe(stored);
    expect((await env.auditRecords()).length).toBe(records);
  });

  it('warns that a pinned page changed without voiding the set itself (the decision or the page-updated job does)', async () => {
    const env = await setup();
    const setApprovalId = await submitAtomicSet(env, THREE);
    await env.site.editPage('2003', { accountId: BOB });
    expect((await env.engine.changeSets.decisionPreview(ui(CAROL), setApprovalId)).preview).toMatchObject({ counts: false, refusal: { code: 'APPROVAL_NOT_PENDING' } });
    expect((await env.store.get(`set-approval:${setApprovalId}`))?.value).toMatchObject({ status: 'pending' });
  });

  it('answers a set in a space the caller cannot view exactly like a missing one, and a decided set as no longer pending', async () => {
    const env = await setup({ extraUsers: ['acc-zed'] });
    const setApprovalId = await submitAtomicSet(env, THREE);
    const hidden = await refusal(env.engine.changeSets.decisionPreview(ui('acc-zed'), setApprovalId));
    const missing = await refusal(env.engine.changeSets.decisionPreview(ui('acc-zed'), 'set-nope'));
    expect(hidden).toEqual(missing);
    expect(hidden).toMatchObject({ status: 404, code: 'SET_APPROVAL_NOT_FOUND' });
    await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: THREE });
    expect(await refusal(env.engine.changeSets.decisionPreview(ui(DAVE), setApprovalId))).toMatchObject({ status: 409, code: 'APPROVAL_NOT_PENDING' });
  });
});

describe('the invalidation comment', () => {
  it('replies on every member page, naming the edit; the first page asks the submitter to resubmit; a redelivery posts nothing', async () => {
    const env = await setup();
    const fresh = commentsFromNow(env, THREE);
    const setApprovalId = await submitAtomicSet(env, THREE);
    await env.site.editPage('2002', { accountId: ALICE, body: '<p>changed in review</p>' });
    await env.engine.content.pageUpdated('2002');

    for (const pageId of THREE) {
      const [submission, notice] = fresh(pageId);
      expect(notice).toMatchObject({ parentCommentId: submission.id });
      expect(notice.body).toContain('Approval invalidated');
      expect(notice.body).toContain('<strong>Release 12</strong>');
    }
    const [lead, edited, other] = THREE.map((p) => fresh(p)[1].body);
    expect(mentionsIn(lead)).toEqual([BOB]);
    expect(lead).toContain('submit the change set again');
    const pinned = (await env.store.get(`set-approval:${setApprovalId}`))!.value as { manifest: { pageId: string; pageVersion: number }[] };
    const was = pinned.manifest.find((m) => m.pageId === '2002')!.pageVersion;
    expect(lead).toContain(`Page 2002 of the change set was edited: version ${was + 1}, after version ${was} was submitted`);
    expect(mentionsIn(edited)).toEqual([ALICE]);
    expect(edited).toContain('This page was edited by');
    expect(mentionsIn(other)).toEqual([]);

    const ctx = createContext(env.deps, () => undefined);
    await postInvalidationComments(ctx, setApprovalId, [{ pageId: '2002', version: was + 1, by: ALICE }]);
    expect(THREE.map((p) => fresh(p).length)).toEqual([2, 2, 2]);
  });

  it('is posted when the decision finds the edit first, and never for a set that was not invalidated', async () => {
    const env = await setup();
    const fresh = commentsFromNow(env, THREE);
    const setApprovalId = await submitAtomicSet(env, THREE);
    const ctx = createContext(env.deps, () => undefined);
    await postInvalidationComments(ctx, setApprovalId, [{ pageId: '2001', version: 2 }]);
    expect(THREE.map((p) => fresh(p).length)).toEqual([1, 1, 1]);

    await env.site.editPage('2001', { accountId: BOB });
    expect(await refusal(env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: THREE }))).toMatchObject({ code: 'APPROVAL_NOT_PENDING' });
    const notice = env.site.listComments('2001').at(-1)!.body;
    expect(notice).toContain('This page was edited by the submitter');
    expect(mentionsIn(notice)).toEqual([BOB]);
    expect(THREE.map((p) => fresh(p).length)).toEqual([2, 2, 2]);
  });
});
