/** Page approvals (SPEC 2.3, 2.4, 2.6) through the engine, on the local Confluence site. */
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { ELIGIBILITY_REASONS } from '../../src/core/domain/eligibility';
import { ALICE, BOB, CAROL, DAVE, DOCS, ENG, ERIN, api, codeOf, refusal, setup, ui } from './helpers';
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';

describe('submit and decide', () => {
  test('any-mode: the first approval completes the step and approves the page version', async () => {
    const env = await setup();
    const version = env.site.getPageForRender('2001')!.version;
    const approval = await env.engine.approvals.submitPage(api(BOB), '2001');
    expect(approval).toMatchObject({ pageId: '2001', spaceId: ENG, pageVersion: version, workflowId: 'wf-eng-review', status: 'pending', activeStep: 0, source: 'api', clientId: 'client-ci' });
    const pending = await env.engine.approvals.pageStatus(ui(BOB), '2001');
    expect(pending.state).toBe('in_approval');
    expect(pending.pending).toMatchObject({ activeStep: 0, approvers: [CAROL, DAVE], mode: 'any' });

    const decided = await env.engine.approvals.decide(ui(DAVE), approval.id, 'approve', 'Looks good');
    expect(decided.status).toBe('approved');
    expect(decided.decisions).toEqual([{ step: 0, accountId: DAVE, decision: 'approve', comment: 'Looks good', at: expect.any(Number) }]);
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), approval.id, 'approve'))).toBe('APPROVAL_NOT_PENDING');
    const status = await env.engine.approvals.pageStatus(ui(ERIN), '2001');
    expect(status).toMatchObject({ state: 'approved', approvedAtVersion: version, currentPageVersion: version, isStale: false, versionDelta: 0 });

    const actions = (await env.auditRecords()).filter((r) => r.approvalId === approval.id);
    expect(actions.map((r) => [r.action, r.source, r.clientId])).toEqual([
      ['approval.submitted', 'api', 'client-ci'],
      ['approval.approved', 'ui', undefined],
    ]);
  });

  test('multi-step all-mode: every approver of the step must approve; the last step approves', async () => {
    const env = await setup();
    const a = await env.engine.approvals.submitPage(ui(BOB), '3001', 'wf-docs-legal');
    await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
    let status = await env.engine.approvals.pageStatus(ui(BOB), '3001');
    expect(status.pending).toMatchObject({ activeStep: 1, stepName: 'Legal', mode: 'all' });
    expect(status.pending!.approvers.sort()).toEqual([ALICE, DAVE]);
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve'))).toBe('NOT_AN_APPROVER');
    const half = await env.engine.approvals.decide(ui(ALICE), a.id, 'approve');
    expect(half).toMatchObject({ status: 'pending', activeStep: 1 });
    expect(await codeOf(env.engine.approvals.decide(ui(ALICE), a.id, 'approve'))).toBe('ALREADY_DECIDED');
    const done = await env.engine.approvals.decide(ui(DAVE), a.id, 'approve');
    expect(done.status).toBe('approved');
    status = await env.engine.approvals.pageStatus(ui(BOB), '3001');
    expect(status.state).toBe('approved');
    const actions = (await env.auditRecords()).filter((r) => r.approvalId === a.id).map((r) => r.action);
    expect(actions).toEqual(['approval.submitted', 'approval.approved', 'approval.step_completed', 'access.denied', 'approval.approved', 'approval.approved']);
  });

  test('rejection needs a comment of at least 20 characters; comments are at most 280', async () => {
    const env = await setup();
    const a = await env.engine.approvals.submitPage(ui(BOB), '2002');
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'reject'))).toBe('COMMENT_REQUIRED');
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'reject', 'too short, sorry'))).toBe('COMMENT_REQUIRED');
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), a.id, 'approve', 'x'.repeat(281)))).toBe('COMMENT_TOO_LONG');
    const rejected = await env.engine.approvals.decide(ui(CAROL), a.id, 'reject', 'Please fix the broken table in section 2');
    expect(rejected.status).toBe('rejected');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2002')).state).toBe('changes_requested');
    // a rejected page can be resubmitted; history keeps both
    const again = await env.engine.approvals.submitPage(ui(BOB), '2002');
    const history = await env.engine.approvals.history(ui(BOB), '2002');
    expect(history.map((h) => [h.id, h.status])).toEqual([
      [again.id, 'pending'],
      [a.id, 'rejected'],
    ]);
  });

  test('the submitter cannot approve their own submission unless the workflow allows it', async () => {
    const env = await setup();
    const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Self', steps: [{ approvers: [ALICE, CAROL], mode: 'any' }], enabled: false });
    const a = await env.engine.approvals.submitPage(ui(ALICE), '2003', wf.id).catch((e) => e);
    expect(a.code).toBe('WORKFLOW_DISABLED');
    await env.engine.workflows.setEnabled(ui(ALICE), wf.id, true);
    await env.engine.workflows.setEnabled(ui(ALICE), 'wf-eng-review', false);
    const own = await env.engine.approvals.submitPage(ui(ALICE), '2003');
    expect(own.workflowId).toBe(wf.id);
    expect(await codeOf(env.engine.approvals.decide(ui(ALICE), own.id, 'approve'))).toBe('SELF_APPROVAL_NOT_ALLOWED');
    await env.engine.approvals.cancel(ui(ALICE), own.id);
    await env.engine.workflows.update(ui(ALICE), wf.id, { allowSelfApproval: true });
    const own2 = await env.engine.approvals.submitPage(ui(ALICE), '2003');
    expect((await env.engine.approvals.decide(ui(ALICE), own2.id, 'approve')).status).toBe('approved');
  });

  test('a forbidden decision changes nothing and is recorded as access.denied', async () => {
    const env = await setup();
    const a = await env.engine.approvals.submitPage(ui(BOB), '2001');
    const before = await env.auditRecords();
    expect(await codeOf(env.engine.approvals.decide(ui(ERIN), a.id, 'approve'))).toBe('NOT_AN_APPROVER');
    const after = await env.auditRecords();
    expect(after.length).toBe(before.length + 1);
    expect(after[after.length - 1]).toMatchObject({ action: 'access.denied', actor: ERIN, approvalId: a.id, details: { operation: 'approval.approve', code: 'NOT_AN_APPROVER' } });
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending!.approval.decisions).toEqual([]);
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), 'apr-unknown', 'approve'))).toBe('APPROVAL_NOT_FOUND');
  });

  test('group approvers are expanded at decision time', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: ['group:grp-eng-reviewers'], mode: 'all' }] });
    const a = await env.engine.approvals.submitPage(ui(BOB), '2004');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2004')).pending!.approvers.sort()).toEqual([CAROL, DAVE]);
    expect((await env.engine.approvals.decide(ui(CAROL), a.id, 'approve')).status).toBe('pending');
    expect((await env.engine.approvals.decide(ui(DAVE), a.id, 'approve')).status).toBe('approved');
  });
});

describe('cancel and reset', () => {
  test('only the submitter or a space admin cancels, only while pending', async () => {
    const env = await setup();
    const a = await env.engine.approvals.submitPage(ui(BOB), '2001');
    expect(await codeOf(env.engine.approvals.cancel(ui(CAROL), a.id))).toBe('FORBIDDEN');
    const cancelled = await env.engine.approvals.cancel(ui(BOB), a.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).state).toBe('draft');
    expect(await codeOf(env.engine.approvals.cancel(ui(BOB), a.id))).toBe('APPROVAL_NOT_PENDING');
    const b = await env.engine.approvals.submitPage(ui(BOB), '2001');
    expect((await env.engine.approvals.cancel(ui(ALICE), b.id)).status).toBe('cancelled');
  });

  test('a space admin resets a page: pending approval cancelled, state back to draft, audited', async () => {
    const env = await setup();
    const a = await env.engine.approvals.submitPage(ui(BOB), '2005');
    expect(await codeOf(env.engine.approvals.reset(ui(BOB), '2005'))).toBe('FORBIDDEN');
    await env.engine.approvals.reset(ui(ALICE), '2005');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2005')).state).toBe('draft');
    expect((await env.engine.approvals.history(ui(BOB), '2005'))[0]).toMatchObject({ id: a.id, status: 'cancelled' });
    const records = await env.auditRecords();
    expect(records.filter((r) => r.action === 'approval.reset')).toHaveLength(1);
    // the page is submittable again
    expect((await env.engine.approvals.submitPage(ui(BOB), '2005')).status).toBe('pending');
  });
});

describe('page state and staleness', () => {
  test('an edit after approval makes the page stale immediately, with versionDelta', async () => {
    const env = await setup();
    const v = env.site.getPageForRender('2006')!.version;
    const a = await env.engine.approvals.submitPage(ui(BOB), '2006');
    await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
    expect(await codeOf(env.engine.approvals.submitPage(ui(BOB), '2006'))).toBe('ALREADY_APPROVED');
    await env.site.editPage('2006', { accountId: BOB, body: '<p>v2</p>' });
    await env.site.editPage('2006', { accountId: BOB, body: '<p>v3</p>' });
    const stale = await env.engine.approvals.pageStatus(ui(BOB), '2006');
    expect(stale).toMatchObject({ state: 'approved', approvedAtVersion: v, currentPageVersion: v + 2, isStale: true, versionDelta: 2 });
    const again = await env.engine.approvals.submitPage(ui(BOB), '2006');
    expect(again.pageVersion).toBe(v + 2);
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2006')).state).toBe('in_approval');
  });
});

describe('eligibility codes (single page)', () => {
  test('each blocking check has its stable code; preflight predicts submit', async () => {
    const env = await setup();
    const { approvals, workflows } = env.engine;
    const expectBoth = async (callerId: string, pageId: string, code: string, workflowId?: string) => {
      const reason = ELIGIBILITY_REASONS[code as keyof typeof ELIGIBILITY_REASONS];
      const submitted = await refusal(approvals.submitPage(ui(callerId), pageId, workflowId));
      expect(submitted.code).toBe(code);
      if (code === 'PAGE_NOT_FOUND') {
        // one page asked for by id: missing and invisible answer alike, on preflight as on submit (no details)
        expect(await refusal(approvals.preflightPage(ui(callerId), pageId, workflowId))).toEqual({ status: 404, code, message: reason });
        expect(submitted).toEqual({ status: 404, code, message: reason });
        return;
      }
      const pre = await approvals.preflightPage(ui(callerId), pageId, workflowId);
      expect(pre).toMatchObject({ pageId, canSubmit: false, code });
      expect(pre.reason).toBe(reason);
      // NO_ELIGIBLE_APPROVER also names each group left short (SPEC 2.3a), as preflight's `details` do
      const groups = (pre.details ?? []).map((d) => ({ code, field: `steps[${d.step - 1}].groups.${d.group}`, reason: expect.stringContaining(`group ${d.group}`) as unknown }));
      expect(submitted.details).toEqual([{ code, reason }, ...groups]);
    };
    await expectBoth(BOB, '9999', 'PAGE_NOT_FOUND');
    await expectBoth(ERIN, '2012', 'PAGE_NOT_FOUND');
    await expectBoth(ERIN, '3001', 'PAGE_NOT_FOUND');
    await expectBoth(BOB, '2011', 'PAGE_NOT_PUBLISHED');
    await expectBoth(CAROL, '2001', 'NO_EDIT_PERMISSION');
    await expectBoth(BOB, '3001', 'NO_WORKFLOW'); // two enabled DOCS workflows, none chosen
    await expectBoth(BOB, '3001', 'WORKFLOW_NOT_FOUND', 'wf-eng-review');
    const pending = await approvals.submitPage(ui(BOB), '2001');
    await expectBoth(BOB, '2001', 'PENDING_APPROVAL');
    await approvals.decide(ui(CAROL), pending.id, 'approve');
    await expectBoth(BOB, '2001', 'ALREADY_APPROVED');
    // explicit assignment to a disabled workflow, nothing else applies
    await workflows.assign(ui(ALICE), '2007', 'wf-eng-review');
    await workflows.setEnabled(ui(ALICE), 'wf-eng-review', false);
    await expectBoth(BOB, '2007', 'WORKFLOW_DISABLED');
    await expectBoth(BOB, '2008', 'NO_WORKFLOW');
    // explicitly assigned (disabled) but a single other enabled workflow applies
    const other = await workflows.create(ui(ALICE), ENG, { name: 'Solo', steps: [{ approvers: [BOB], mode: 'any' }] });
    await expectBoth(BOB, '2007', 'NO_ELIGIBLE_APPROVER');
    expect(await approvals.preflightPage(ui(ALICE), '2007')).toMatchObject({ canSubmit: true, workflowId: other.id });
    expect(ELIGIBILITY_REASONS.NO_WORKFLOW).toBe('No workflow assigned to page');
    expect(ELIGIBILITY_REASONS.PENDING_APPROVAL).toBe('Page already has a pending approval');
  });

  test('the author chooses among several enabled workflows; the choice must be enabled and in the space', async () => {
    const env = await setup();
    const a = await env.engine.approvals.submitPage(ui(BOB), '3002', 'wf-docs-quick');
    expect(a.workflowId).toBe('wf-docs-quick');
    await env.engine.workflows.setEnabled(ui(ALICE), 'wf-docs-legal', false);
    expect(await codeOf(env.engine.approvals.submitPage(ui(BOB), '3003', 'wf-docs-legal'))).toBe('WORKFLOW_DISABLED');
    // now a single enabled DOCS workflow: resolution needs no choice
    expect((await env.engine.approvals.submitPage(ui(BOB), '3003')).workflowId).toBe('wf-docs-quick');
  });

  test('preflight warns about approvers who cannot view the page', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [ERIN, CAROL], mode: 'any' }] });
    const pre = await env.engine.approvals.preflightPage(ui(BOB), '2012');
    expect(pre.canSubmit).toBe(true);
    expect(pre.warnings?.map((w) => w.code)).toEqual(['APPROVER_CANNOT_VIEW', 'APPROVER_CANNOT_VIEW']);
  });
});

describe('notifications', () => {
  test('submission mentions the active approvers; decisions reply; next step is mentioned', async () => {
    const env = await setup();
    const before = env.site.listComments('3004').length;
    const a = await env.engine.approvals.submitPage(ui(BOB), '3004', 'wf-docs-legal');
    const comments = () => env.site.listComments('3004').slice(before);
    expect(comments()).toHaveLength(1);
    const root = comments()[0];
    expect(root.parentCommentId).toBeNull();
    expect(root.body).toContain('<ac:link><ri:user ri:account-id="acc-carol"/></ac:link>');
    // only the approvers are @mentioned, not the submitter
    expect(root.body).not.toContain('ri:account-id="acc-bob"');
    await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
    const reply = comments()[1];
    expect(reply.parentCommentId).toBe(root.id);
    expect(reply.body).toContain('ri:account-id="acc-alice"');
    expect(reply.body).toContain('ri:account-id="acc-dave"');
    expect(reply.body).not.toContain('ri:account-id="acc-carol"');
  });

  test('a rejection reply @mentions the submitter, not the approver who rejected', async () => {
    const env = await setup();
    const before = env.site.listComments('2008').length;
    const a = await env.engine.approvals.submitPage(ui(BOB), '2008');
    await env.engine.approvals.decide(ui(CAROL), a.id, 'reject', 'Please add the rollback section first.');
    const [root, reply] = env.site.listComments('2008').slice(before);
    expect(reply.parentCommentId).toBe(root.id);
    expect(reply.body).toContain('<ac:link><ri:user ri:account-id="acc-bob"/></ac:link>');
    expect(reply.body).toContain('Please add the rollback section first.');
    expect(reply.body).not.toContain('ri:account-id="acc-carol"');
  });

  test('a failed notification does not undo the approval and logs no secrets', async () => {
    const env = await setup();
    // Every per-invocation Confluence client fails to comment (the engine builds one per call).
    const failing = jest.spyOn(RestConfluenceSite.prototype, 'createPageComment').mockRejectedValue(new Error('boom token=abc'));
    try {
      const a = await env.engine.approvals.submitPage(ui(BOB), '2009');
      expect((await env.engine.approvals.pageStatus(ui(BOB), '2009')).pending!.approval.id).toBe(a.id);
      expect((await env.engine.approvals.decide(ui(CAROL), a.id, 'approve')).status).toBe('approved');
    } finally {
      failing.mockRestore();
    }
    expect(env.logs.length).toBeGreaterThanOrEqual(2);
    expect(env.logs.join('\n')).not.toContain('token');
  });
});

describe('queue', () => {
  test('lists pending approvals of a space; mine = where the caller approves the active step', async () => {
    const env = await setup();
    await env.engine.approvals.submitPage(ui(BOB), '3001', 'wf-docs-legal');
    await env.engine.approvals.submitPage(ui(BOB), '3002', 'wf-docs-quick');
    const all = await env.engine.approvals.queue(ui(DAVE), DOCS, {});
    expect(all.items.map((a) => a.pageId).sort()).toEqual(['3001', '3002']);
    expect((await env.engine.approvals.queue(ui(DAVE), DOCS, { mine: true })).items).toEqual([]);
    expect((await env.engine.approvals.queue(ui(CAROL), DOCS, { mine: true })).items).toHaveLength(2);
    expect((await env.engine.approvals.queue(ui(ERIN), DOCS, {})).items).toEqual([]); // cannot view DOCS
  });
});

describe('history while index queries lag', () => {
  test("a page's history shows the approval submitted a moment ago, before the index does, and never twice once it does", async () => {
    let lagging!: EventualIndexStore;
    const env = await setup({ wrap: (store) => (lagging = new EventualIndexStore(store)) });
    const first = await env.engine.approvals.submitPage(ui(BOB), '2001');
    expect((await env.engine.approvals.history(ui(BOB), '2001')).map((a) => a.id)).toEqual([first.id]);
    await env.engine.approvals.decide(ui(CAROL), first.id, 'approve');
    lagging.settle();
    await env.engine.approvals.reset(ui(ALICE), '2001');
    const second = await env.engine.approvals.submitPage(ui(BOB), '2001');
    // the new approval leads from the page state; the older one comes from the (caught-up) index
    expect((await env.engine.approvals.history(ui(BOB), '2001')).map((a) => a.id)).toEqual([second.id, first.id]);
    lagging.settle();
    expect((await env.engine.approvals.history(ui(BOB), '2001')).map((a) => a.id)).toEqual([second.id, first.id]);
  });
});

describe('delegations while index queries lag (docs/forge-platform.md U22)', () => {
  const window = (now: number) => ({ startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 7 * 86_400_000).toISOString(), scope: { spaceIds: [ENG] } });

  async function laggingEnv() {
    let lagging!: EventualIndexStore;
    const env = await setup({ wrap: (store) => (lagging = new EventualIndexStore(store)) });
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [CAROL], mode: 'any' }] });
    return { env, lagging, now: env.deps.clock.now() };
  }

  test('a delegation revoked a moment ago no longer lets its delegate decide, though the index still lists it', async () => {
    const { env, lagging, now } = await laggingEnv();
    const delegation = await env.engine.delegations.create(ui(CAROL), { delegateAccountId: ERIN, mode: 'add', ...window(now) });
    lagging.settle();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    await env.engine.delegations.revoke(ui(CAROL), delegation.id);
    expect(await codeOf(env.engine.approvals.decide(ui(ERIN), approval.id, 'approve'))).toBe('NOT_AN_APPROVER');
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).pending).toBeDefined();
  });

  test('a delegator who revoked a replace delegation a moment ago decides again, and may delegate the same window anew', async () => {
    const { env, lagging, now } = await laggingEnv();
    const delegation = await env.engine.delegations.create(ui(CAROL), { delegateAccountId: DAVE, mode: 'replace', ...window(now) });
    lagging.settle();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    await env.engine.delegations.revoke(ui(CAROL), delegation.id);
    expect((await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve')).decisions).toEqual([expect.objectContaining({ accountId: CAROL })]);
    await env.engine.delegations.create(ui(CAROL), { delegateAccountId: DAVE, mode: 'replace', ...window(now) });
  });
});
