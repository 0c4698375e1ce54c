/**
 * Separation of duties (SPEC 2.3a): editors of the submitted version are read from the version
 * history (authorId and collaborators) as the submitter; an excluded approver's decision is 403
 * SOD_VIOLATION and audited; preflight and submit count only eligible approvers and name who is
 * excluded; distinctAcrossSteps keeps one person out of two steps.
 */
import { ALICE, BOB, CAROL, DAVE, codeOf, refusal, setup, ui } from '../engine/helpers';

const LAST_EDITOR = { excludeEditors: 'last_editor' as const, distinctAcrossSteps: false, changeSetMinDistinctApprovers: 0 };

describe('excludeEditors: "last_editor"', () => {
  test('the approver who made the submitted version gets SOD_VIOLATION (audited); another approver decides', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [ALICE, CAROL], mode: 'any' }], sod: LAST_EDITOR });
    await env.site.editPage('2001', { accountId: ALICE, body: '<p>Alice edits</p>' });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001');
    expect(approval.sodEditors).toEqual([ALICE]);

    const before = (await env.auditRecords()).length;
    const refused = await refusal(env.engine.approvals.decide(ui(ALICE), approval.id, 'approve'));
    expect([refused.status, refused.code]).toEqual([403, 'SOD_VIOLATION']);
    const added = (await env.auditRecords()).slice(before);
    expect(added.map((r) => [r.action, r.actor, r.details.code])).toEqual([['access.denied', ALICE, 'SOD_VIOLATION']]);

    // the status no longer waits for the excluded editor; the other approver completes it
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending?.groups[0]?.waitingFor).toEqual([CAROL]);
    expect((await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve')).status).toBe('approved');
  });

  test('an edit before the submitted version does not exclude under "last_editor"', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [ALICE, CAROL], mode: 'any' }], sod: LAST_EDITOR });
    await env.site.editPage('2001', { accountId: ALICE, body: '<p>Alice edits</p>' });
    await env.site.editPage('2001', { accountId: BOB, body: '<p>Bob edits last</p>' });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001');
    expect((await env.engine.approvals.decide(ui(ALICE), approval.id, 'approve')).status).toBe('approved');
  });

  test('preflight and submit answer NO_ELIGIBLE_APPROVER naming the step, group and excluded people; nothing is written', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [ALICE], mode: 'any' }], sod: LAST_EDITOR });
    await env.site.editPage('2002', { accountId: ALICE, body: '<p>Alice edits</p>' });
    const preflight = await env.engine.approvals.preflightPage(ui(BOB), '2002');
    expect(preflight).toMatchObject({ canSubmit: false, code: 'NO_ELIGIBLE_APPROVER', details: [{ step: 1, group: 'approvers', required: 1, excluded: [ALICE] }] });
    const submit = await refusal(env.engine.approvals.submitPage(ui(BOB), '2002'));
    expect(submit.code).toBe('NO_ELIGIBLE_APPROVER');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2002')).state).toBe('draft');
  });
});

describe('distinctAcrossSteps', () => {
  test('a person who decided step 1 may not decide step 2', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-docs-legal', {
      steps: [
        { approvers: [CAROL], mode: 'any' },
        { approvers: [CAROL, DAVE], mode: 'any' },
      ],
      sod: { excludeEditors: 'none', distinctAcrossSteps: true, changeSetMinDistinctApprovers: 0 },
    });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '3001', 'wf-docs-legal');
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), approval.id, 'approve'))).toBe('SOD_VIOLATION');
    expect((await env.engine.approvals.decide(ui(DAVE), approval.id, 'approve')).status).toBe('approved');
  });
});

describe('an approval nobody eligible can complete any more', () => {
  test('the pending step says which group is stuck once its group is emptied', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ groups: [{ key: 'eng', name: 'Eng', approvers: ['group:grp-eng-reviewers'], required: 2 }] }] });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001');
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending?.stuck).toBeUndefined();
    const group = env.site.groups.find((g) => g.id === 'grp-eng-reviewers');
    if (!group) throw new Error('seed group missing');
    group.members = [CAROL];
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending?.stuck).toEqual([{ group: 'eng', required: 2, eligible: [CAROL] }]);
  });
});
