/**
 * SPEC 2.3a / issue 19 audit probe: a workflow owner cannot approve their own page by editing the
 * workflow while the page is pending (Bob submits, makes himself the approver with self-approval on,
 * approves), and only a space admin may turn self-approval on.
 */
import { ALICE, BOB, CAROL, DAVE, codeOf, setup, ui } from '../engine/helpers';

const step = (approvers: string[]) => ({ approvers, mode: 'any' as const });

describe('owner self-approval', () => {
  test('an owner who is not a space admin cannot turn self-approval on; nothing changes and the refusal is audited', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { owners: [BOB] });
    const before = await env.engine.workflows.get(ui(ALICE), 'wf-eng-review');
    expect(await codeOf(env.engine.workflows.update(ui(BOB), 'wf-eng-review', { steps: [step([BOB])], allowSelfApproval: true }))).toBe('FORBIDDEN');
    expect(await env.engine.workflows.get(ui(ALICE), 'wf-eng-review')).toEqual(before);
    const last = (await env.auditRecords()).at(-1);
    expect([last?.action, last?.actor, last?.details.operation]).toEqual(['access.denied', BOB, 'workflow.update']);
    // the owner may still edit the definition, and a space admin may turn self-approval on
    expect((await env.engine.workflows.update(ui(BOB), 'wf-eng-review', { name: 'Renamed by Bob' })).name).toBe('Renamed by Bob');
    expect((await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { allowSelfApproval: true })).allowSelfApproval).toBe(true);
  });

  test('Bob submits, edits his workflow to make himself the approver (self-approval already on), approves: refused', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { owners: [BOB], allowSelfApproval: true });
    env.tick();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001');
    env.tick();
    await env.engine.workflows.update(ui(BOB), 'wf-eng-review', { steps: [step([BOB])] });
    expect(await codeOf(env.engine.approvals.decide(ui(BOB), approval.id, 'approve'))).toBe('NOT_AN_APPROVER');
    // the approval keeps the definition it was submitted under: the original approvers still decide
    const status = await env.engine.approvals.pageStatus(ui(BOB), '2001');
    expect(status.pending?.approvers).toEqual([CAROL, DAVE]);
    expect((await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve')).status).toBe('approved');
  });

  test("someone else's in-flight edit is still adopted (SPEC 2.1)", async () => {
    const env = await setup();
    env.tick();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001');
    env.tick();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [step([DAVE])] });
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), approval.id, 'approve'))).toBe('NOT_AN_APPROVER');
    expect((await env.engine.approvals.decide(ui(DAVE), approval.id, 'approve')).status).toBe('approved');
  });

  test('an edit by the submitter followed by an admin edit is still not adopted', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { owners: [BOB], allowSelfApproval: true });
    env.tick();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001');
    env.tick();
    await env.engine.workflows.update(ui(BOB), 'wf-eng-review', { steps: [step([BOB])] });
    env.tick();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { name: 'Engineering review (renamed)' });
    expect(await codeOf(env.engine.approvals.decide(ui(BOB), approval.id, 'approve'))).toBe('NOT_AN_APPROVER');
  });
});
