/**
 * Issue 10, "owning one workflow gives control of a space" (SPEC 2.1): a view-only owner of a
 * disabled workflow can edit its definition, but cannot duplicate it, enable it, hand it to
 * other owners or assign pages to it. Each refusal changes nothing and leaves one access.denied
 * record. Saves naming unknown approvers or owners are refused with UNKNOWN_APPROVER.
 */
import { DomainError } from '../../src/core/domain/errors';
import { ALICE, BOB, CAROL, DOCS, ENG, ERIN, codeOf, setup, ui } from '../engine/helpers';

const step = (approvers: string[]) => ({ approvers, mode: 'any' as const });

describe('a workflow owner who is not a space admin', () => {
  test('cannot duplicate, enable, re-own or assign; nothing changes and each refusal is recorded once', async () => {
    const env = await setup();
    const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Erin owns this', steps: [step([CAROL])], owners: [ERIN], enabled: false });
    const workflowsBefore = await env.engine.workflows.list(ui(ALICE), ENG);
    const auditBefore = (await env.auditRecords()).length;

    expect(await codeOf(env.engine.workflows.duplicate(ui(ERIN), wf.id))).toBe('FORBIDDEN');
    expect(await codeOf(env.engine.workflows.setEnabled(ui(ERIN), wf.id, true))).toBe('FORBIDDEN');
    expect(await codeOf(env.engine.workflows.update(ui(ERIN), wf.id, { enabled: true }))).toBe('FORBIDDEN');
    expect(await codeOf(env.engine.workflows.update(ui(ERIN), wf.id, { owners: [ERIN, BOB] }))).toBe('FORBIDDEN');
    expect(await codeOf(env.engine.workflows.assign(ui(ERIN), '2001', wf.id))).toBe('FORBIDDEN');
    expect(await codeOf(env.engine.workflows.remove(ui(ERIN), wf.id))).toBe('FORBIDDEN');

    expect(await env.engine.workflows.list(ui(ALICE), ENG)).toEqual(workflowsBefore);
    const added = (await env.auditRecords()).slice(auditBefore);
    expect(added.map((r) => [r.action, r.actor, r.details.operation])).toEqual([
      ['access.denied', ERIN, 'workflow.duplicate'],
      ['access.denied', ERIN, 'workflow.enable'],
      ['access.denied', ERIN, 'workflow.update'],
      ['access.denied', ERIN, 'workflow.update'],
      ['access.denied', ERIN, 'assignment.change'],
      ['access.denied', ERIN, 'workflow.delete'],
    ]);
    // pages of the space still resolve to the space's single enabled workflow
    expect(await env.engine.approvals.preflightPage(ui(BOB), '2001')).toMatchObject({ canSubmit: true, workflowId: 'wf-eng-review' });
  });

  test('may still edit the definition of the workflow they own (SPEC 2.1)', async () => {
    const env = await setup();
    const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Erin owns this', steps: [step([CAROL])], owners: [ERIN], enabled: false });
    const edited = await env.engine.workflows.update(ui(ERIN), wf.id, { name: 'Renamed by owner', steps: [step([ERIN])], owners: [ERIN] });
    expect(edited).toMatchObject({ name: 'Renamed by owner', steps: [step([ERIN])], enabled: false, owners: [ERIN] });
  });

  test('assignment is for space admins only, also for owners of the target workflow', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-docs-legal', { owners: [ALICE, BOB] });
    expect(await codeOf(env.engine.workflows.assign(ui(BOB), '3001', 'wf-docs-legal'))).toBe('FORBIDDEN');
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-legal');
    expect(await codeOf(env.engine.workflows.assign(ui(BOB), '3001', null))).toBe('FORBIDDEN');
  });
});

describe('approvers and owners must exist', () => {
  test('unknown users and groups are refused with UNKNOWN_APPROVER naming each bad id; nothing is saved', async () => {
    const env = await setup();
    let error: DomainError | undefined;
    try {
      await env.engine.workflows.create(ui(ALICE), DOCS, { name: 'Ghosts', steps: [step([CAROL, 'acc-ghost']), step(['group:no-such-group'])], owners: ['acc-nobody'] });
    } catch (err) {
      error = err as DomainError;
    }
    expect([error?.status, error?.code]).toEqual([400, 'UNKNOWN_APPROVER']);
    expect(error?.details?.map((d) => [d.field, d.reason])).toEqual([
      ['steps[0].approvers', 'acc-ghost is not a known user or group'],
      ['steps[1].approvers', 'group:no-such-group is not a known user or group'],
      ['owners', 'acc-nobody is not a known user or group'],
    ]);
    expect((await env.engine.workflows.list(ui(ALICE), DOCS)).map((w) => w.name)).not.toContain('Ghosts');
    expect(await codeOf(env.engine.workflows.update(ui(ALICE), 'wf-docs-quick', { steps: [step(['acc-ghost'])] }))).toBe('UNKNOWN_APPROVER');
    expect((await env.engine.workflows.get(ui(ALICE), 'wf-docs-quick')).steps).toEqual([step([CAROL])]);
  });

  test('an approver who cannot view the space is a warning, not an error; existing groups are accepted', async () => {
    const env = await setup();
    const saved = await env.engine.workflows.create(ui(ALICE), DOCS, { name: 'Outsider', steps: [step([ERIN, 'group:grp-eng-reviewers'])] });
    expect(saved.warnings).toEqual([{ code: 'APPROVER_CANNOT_VIEW_SPACE', reason: `Approver ${ERIN} cannot view the space` }]);
    expect((await env.engine.workflows.get(ui(ALICE), saved.id)).steps).toEqual([step([ERIN, 'group:grp-eng-reviewers'])]);
  });
});
