/**
 * Issue 19: named approvers who can no longer approve. A deactivated account (Confluence users-bulk
 * `accountStatus: "inactive"`), a deleted one (`closed`) or an approver without a view of the page
 * fills no slot: preflight warns while the step can still complete and refuses (NO_ELIGIBLE_APPROVER,
 * naming who and why) when it cannot; a pending approval that no longer can complete is stuck, with
 * the cause in its status, the daily job's comment and manage space.
 */
import { spaceTree } from '../../src/core/lifecycle/manage-space';
import type { ConfluenceSite } from '../../src/core/ports/confluence';
import { ALICE, BOB, CAROL, DAVE, ENG, refusal, ui } from '../engine/helpers';
import { lifecycleSetup } from './support';

/** The tree level of one page, the rest of the client as it is. */
const oneLevel = (confluence: ConfluenceSite, pageId: string): ConfluenceSite =>
  Object.assign(Object.create(confluence) as ConfluenceSite, { listChildren: () => Promise.resolve({ items: [{ id: pageId, type: 'page' as const, title: 'x' }] }) });

describe('approvers who can no longer approve', () => {
  test('one deactivated approver of an "any" step is a warning; both deactivated refuses submit naming them', async () => {
    const env = await lifecycleSetup();
    env.site.setAccountStatus(CAROL, 'inactive');
    expect(await env.engine.approvals.preflightPage(ui(BOB), '2001', 'wf-eng-review')).toEqual({
      pageId: '2001',
      canSubmit: true,
      workflowId: 'wf-eng-review',
      routedBy: expect.any(Object),
      warnings: [{ code: 'APPROVER_DEACTIVATED', reason: 'Approver acc-carol has a deactivated account and cannot approve' }],
    });
    env.site.setAccountStatus(DAVE, 'closed');
    const refused = await env.engine.approvals.preflightPage(ui(BOB), '2001', 'wf-eng-review');
    expect(refused).toMatchObject({
      canSubmit: false,
      code: 'NO_ELIGIBLE_APPROVER',
      details: [
        {
          step: 1,
          group: 'approvers',
          required: 1,
          excluded: [],
          unavailable: [
            { accountId: CAROL, cause: 'deactivated' },
            { accountId: DAVE, cause: 'removed' },
          ],
        },
      ],
    });
    // submit answers exactly what preflight predicted, and writes nothing
    expect(await refusal(env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review'))).toMatchObject({ code: 'NO_ELIGIBLE_APPROVER' });
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).state).toBe('draft');
    // reactivated: submittable again, no warning
    env.site.setAccountStatus(CAROL, 'active');
    env.site.setAccountStatus(DAVE, 'active');
    expect(await env.engine.approvals.preflightPage(ui(BOB), '2001', 'wf-eng-review')).toEqual({ pageId: '2001', canSubmit: true, workflowId: 'wf-eng-review', routedBy: expect.any(Object) });
  });

  test('a pending approval whose approvers are deactivated is stuck: status, the daily comment and manage space name the cause', async () => {
    const env = await lifecycleSetup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending?.stuck).toBeUndefined();
    env.site.setAccountStatus(CAROL, 'inactive');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending?.stuck).toBeUndefined(); // Dave can still approve
    env.site.setAccountStatus(DAVE, 'inactive');
    const stuck = (await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending?.stuck;
    expect(stuck).toEqual([
      {
        group: 'approvers',
        required: 1,
        eligible: [],
        unavailable: [
          { accountId: CAROL, cause: 'deactivated' },
          { accountId: DAVE, cause: 'deactivated' },
        ],
      },
    ]);

    expect((await env.run()).stuckFlagged).toBe(1);
    const [body] = env.comments('2001').map((c) => c.body).filter((b) => b.includes('Approval stuck'));
    expect(body).toContain('can no longer approve');
    expect(body).toContain('acc-carol');
    expect(body).toContain('(account deactivated)');
    const row = (await spaceTree.execute({ ...env.ctx, confluence: oneLevel(env.ctx.confluence, '2001') }, ui(ALICE), { spaceId: ENG })).items[0];
    expect(row?.approval?.stuck).toMatchObject({
      step: 1,
      groups: ['approvers'],
      unavailable: [
        { accountId: CAROL, cause: 'deactivated' },
        { accountId: DAVE, cause: 'deactivated' },
      ],
    });
    expect((await env.auditRecords()).filter((r) => r.action === 'approval.stuck').map((r) => r.approvalId)).toEqual([approval.id]);

    // one reactivated: reachable again, the flag goes
    env.site.setAccountStatus(DAVE, 'active');
    await env.run();
    expect((await spaceTree.execute({ ...env.ctx, confluence: oneLevel(env.ctx.confluence, '2001') }, ui(ALICE), { spaceId: ENG })).items[0]?.approval?.stuck).toBeUndefined();
  });

  test('every member of a group deactivated: the group step is stuck with each member named', async () => {
    const env = await lifecycleSetup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ name: 'Engineering', groups: [{ key: 'eng', name: 'Eng reviewers', approvers: ['group:grp-eng-reviewers'], required: 1 }] }] });
    await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    const members = env.site.groups.find((g) => g.id === 'grp-eng-reviewers')!.members;
    for (const m of members) env.site.setAccountStatus(m, 'inactive');
    const stuck = (await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending?.stuck;
    expect(stuck?.[0]).toMatchObject({ group: 'eng', eligible: [] });
    expect(stuck?.[0]?.unavailable?.map((u) => u.accountId).sort()).toEqual([...members].sort());
  });

  test('a deactivated approver whose slot an active delegate covers: submit is allowed and the approval is not stuck; once the delegation is revoked both change', async () => {
    const env = await lifecycleSetup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [CAROL], mode: 'any' }] });
    const now = env.deps.clock.now();
    const delegation = await env.engine.delegations.create(ui(CAROL), {
      delegateAccountId: DAVE,
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 7 * 86_400_000).toISOString(),
      scope: { spaceIds: [ENG] },
      mode: 'replace',
    });
    await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    env.site.setAccountStatus(CAROL, 'inactive');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending?.stuck).toBeUndefined();
    expect((await env.run()).stuckFlagged).toBeUndefined();
    expect(await env.engine.approvals.preflightPage(ui(BOB), '2002', 'wf-eng-review')).toMatchObject({ canSubmit: true, warnings: [{ code: 'APPROVER_DEACTIVATED' }] });
    await env.engine.delegations.revoke(ui(CAROL), delegation.id);
    expect(await env.engine.approvals.preflightPage(ui(BOB), '2002', 'wf-eng-review')).toMatchObject({ canSubmit: false, code: 'NO_ELIGIBLE_APPROVER' });
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending?.stuck).toEqual([{ group: 'approvers', required: 1, eligible: [], unavailable: [{ accountId: CAROL, cause: 'deactivated' }] }]);
  });

  test('approvers who cannot view the page: a warning at preflight, and stuck once submitted', async () => {
    const env = await lifecycleSetup();
    // page 2012 is restricted to alice and bob; the ENG step's approvers are carol and dave
    const pre = await env.engine.approvals.preflightPage(ui(BOB), '2012', 'wf-eng-review');
    expect(pre).toMatchObject({ canSubmit: true, warnings: [{ code: 'APPROVER_CANNOT_VIEW' }, { code: 'APPROVER_CANNOT_VIEW' }] });
    await env.engine.approvals.submitPage(ui(BOB), '2012', 'wf-eng-review');
    const stuck = (await env.engine.approvals.pageStatus(ui(BOB), '2012')).pending?.stuck;
    expect(stuck).toEqual([
      {
        group: 'approvers',
        required: 1,
        eligible: [],
        unavailable: [
          { accountId: CAROL, cause: 'cannot_view' },
          { accountId: DAVE, cause: 'cannot_view' },
        ],
      },
    ]);
  });
});
