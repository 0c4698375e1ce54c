/**
 * Issue 10, "authors route around an admin's assignment" (SPEC 2.2): an explicit assignment binds.
 * A submit or preflight naming another workflow is refused with WORKFLOW_NOT_ASSIGNED, the same
 * way in both, and nothing is written.
 */
import { ALICE, BOB, DOCS, api, setup, ui, refusal } from '../engine/helpers';

describe('an explicit assignment binds', () => {
  test('submitting an explicitly assigned page under another workflow is refused (409 WORKFLOW_NOT_ASSIGNED), and nothing changes', async () => {
    const env = await setup();
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-legal');
    const before = (await env.auditRecords()).length;

    const err = await refusal(env.engine.approvals.submitPage(api(BOB), '3001', 'wf-docs-quick'));
    expect([err.status, err.code, err.message]).toEqual([409, 'WORKFLOW_NOT_ASSIGNED', 'Page is assigned to another workflow']);
    expect((await env.engine.approvals.pageStatus(ui(BOB), '3001')).state).toBe('draft');
    expect(await env.engine.approvals.history(ui(BOB), '3001')).toEqual([]);
    expect((await env.auditRecords()).length).toBe(before);

    // preflight predicts the refusal exactly
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3001', 'wf-docs-quick')).toEqual({
      pageId: '3001',
      canSubmit: false,
      code: 'WORKFLOW_NOT_ASSIGNED',
      reason: 'Page is assigned to another workflow',
      workflowId: 'wf-docs-legal',
    });
    // the assigned workflow itself (named or not) goes through, with its two steps
    const a = await env.engine.approvals.submitPage(api(BOB), '3001', 'wf-docs-legal');
    expect(a.workflowSnapshot.steps).toHaveLength(2);
  });

  test('a chosen workflow of another space is WORKFLOW_NOT_FOUND, also when the page is assigned', async () => {
    const env = await setup();
    await env.engine.workflows.assign(ui(ALICE), '3002', 'wf-docs-legal');
    expect((await refusal(env.engine.approvals.submitPage(ui(BOB), '3002', 'wf-eng-review'))).code).toBe('WORKFLOW_NOT_FOUND');
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3002', 'wf-eng-review')).toMatchObject({ canSubmit: false, code: 'WORKFLOW_NOT_FOUND' });
  });

  test('the first submission that had to choose records the choice as the assignment; a later different choice is refused', async () => {
    const env = await setup();
    const first = await env.engine.approvals.submitPage(ui(BOB), '3003', 'wf-docs-legal');
    const assigned = (await env.auditRecords()).filter((r) => r.action === 'assignment.changed' && r.pageId === '3003');
    expect(assigned.map((r) => [r.spaceId, r.details.from, r.details.to])).toEqual([[DOCS, null, 'wf-docs-legal']]);
    await env.engine.approvals.cancel(ui(BOB), first.id);
    expect((await refusal(env.engine.approvals.submitPage(ui(BOB), '3003', 'wf-docs-quick'))).code).toBe('WORKFLOW_NOT_ASSIGNED');
    expect((await env.engine.approvals.submitPage(ui(BOB), '3003')).workflowId).toBe('wf-docs-legal');
  });
});
