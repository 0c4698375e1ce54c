/**
 * SPEC 2.5a atomic change sets on the engine and the local site: all-or-nothing submit, one set
 * approval decided once per approver, page state derived from it with approvedVia, the frozen set,
 * invalidation by an edit of a pinned page, and who may decide.
 */
import { ALICE, BOB, CAROL, DAVE, ENG, ERIN, api, refusal, setup, ui, type TestEnv } from './helpers';
import { CountingStore } from '../../src/adapters/store/counting-store';
import type { Job } from '../../src/core/ports/jobs';

const FIVE = ['2001', '2002', '2003', '2004', '2005'];
const refs = (...ids: string[]) => ids.map((pageId) => ({ pageId }));

async function atomicSet(env: TestEnv, pages = FIVE) {
  return env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release 12', pageRefs: refs(...pages), approvalMode: 'atomic' });
}

describe('atomic change set', () => {
  it('is approved with one decision per approver; every page reads approved at its pinned version with approvedVia', async () => {
    const env = await setup();
    const cs = await atomicSet(env);
    expect(cs.approvalMode).toBe('atomic');
    const submitted = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(submitted).toMatchObject({ status: 'pending', submittedCount: 5, skippedCount: 0 });
    const setApprovalId = submitted.setApprovalId!;
    expect((await env.engine.changeSets.get(api(BOB), cs.id)).rollupState).toBe('in_review');
    for (const pageId of FIVE) expect((await env.engine.approvals.pageStatus(ui(ERIN), pageId)).state).toBe('in_approval');

    const decided = await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: FIVE });
    expect(decided.status).toBe('approved');
    for (const pageId of FIVE) {
      const status = await env.engine.approvals.pageStatus(ui(ERIN), pageId);
      const pinned = decided.manifest.find((m) => m.pageId === pageId)!.pageVersion;
      expect(status).toMatchObject({ state: 'approved', approvedAtVersion: pinned, isStale: false, approvedVia: { changeSetId: cs.id, setApprovalId } });
    }
    const view = await env.engine.changeSets.get(api(BOB), cs.id);
    expect(view.rollupState).toBe('all_approved');
    expect(view.setApproval).toMatchObject({ id: setApprovalId, status: 'approved' });
    const actions = (await env.auditRecords()).filter((r) => r.changeSetId === cs.id).map((r) => r.action);
    expect(actions).toEqual(['changeset.created', 'changeset.submitted', 'changeset.decided', 'changeset.approved']);

    // after approval, a page edit makes the roll-up stale
    await env.site.editPage('2003', { accountId: BOB, body: '<p>new</p>' });
    expect((await env.engine.changeSets.get(api(BOB), cs.id)).rollupState).toBe('stale');
  });

  it('refuses the whole submit when one page is not eligible, writing nothing', async () => {
    const env = await setup();
    const cs = await atomicSet(env);
    await env.engine.approvals.submitPage(ui(BOB), '2004');
    const before = (await env.auditRecords()).length;
    const refused = await refusal(env.engine.changeSets.submit(api(BOB), cs.id));
    expect(refused).toMatchObject({ status: 409, code: 'CHANGESET_NOT_ELIGIBLE' });
    expect((await env.auditRecords()).length).toBe(before);
    expect((await env.engine.approvals.pageStatus(ui(ERIN), '2001')).state).toBe('draft');
  });

  it('refuses pages under different workflows (MIXED_WORKFLOWS)', async () => {
    const env = await setup();
    const other = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Other', steps: [{ approvers: [DAVE], mode: 'any' }] });
    await env.engine.workflows.assign(ui(ALICE), '2002', other.id);
    await env.engine.workflows.assign(ui(ALICE), '2001', 'wf-eng-review');
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Mixed', pageRefs: refs('2001', '2002'), approvalMode: 'atomic' });
    expect(await refusal(env.engine.changeSets.submit(api(BOB), cs.id))).toMatchObject({ code: 'MIXED_WORKFLOWS' });
  });

  it('is frozen in review: update is CHANGESET_IN_REVIEW, a single submit of a member is PENDING_APPROVAL, archive waits', async () => {
    const env = await setup();
    const cs = await atomicSet(env);
    await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(await refusal(env.engine.changeSets.update(api(BOB), cs.id, { pageRefs: refs('2001', '2006') }))).toMatchObject({ status: 409, code: 'CHANGESET_IN_REVIEW' });
    expect(await refusal(env.engine.changeSets.update(api(BOB), cs.id, { approvalMode: 'per_page' }))).toMatchObject({ code: 'CHANGESET_IN_REVIEW' });
    expect(await refusal(env.engine.approvals.submitPage(ui(BOB), '2002'))).toMatchObject({ code: 'PENDING_APPROVAL' });
    expect(await refusal(env.engine.changeSets.archive(api(BOB), cs.id))).toMatchObject({ code: 'CHANGE_SET_HAS_PENDING' });
  });

  it('is invalidated when a pinned page changes during review: decisions void, the set must be resubmitted', async () => {
    const env = await setup();
    const cs = await atomicSet(env);
    const { setApprovalId } = await env.engine.changeSets.submit(api(BOB), cs.id);
    await env.site.editPage('2002', { accountId: BOB, body: '<p>changed in review</p>' });
    await env.engine.content.pageUpdated('2002');
    const view = await env.engine.changeSets.get(api(BOB), cs.id);
    expect(view.setApproval).toMatchObject({ id: setApprovalId, status: 'invalidated' });
    expect(view.rollupState).toBe('open');
    expect(await refusal(env.engine.changeSets.decide(ui(CAROL), { setApprovalId: setApprovalId!, decision: 'approve', pageAck: FIVE }))).toMatchObject({ code: 'APPROVAL_NOT_PENDING' });
    expect((await env.auditRecords()).some((r) => r.action === 'changeset.invalidated' && r.changeSetId === cs.id)).toBe(true);
    // resubmitting pins the new version
    const again = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(again.setApprovalId).not.toBe(setApprovalId);
  });

  it('invalidates at decision time too when the page-updated job has not run', async () => {
    const env = await setup();
    const cs = await atomicSet(env);
    const { setApprovalId } = await env.engine.changeSets.submit(api(BOB), cs.id);
    await env.site.editPage('2002', { accountId: BOB });
    expect(await refusal(env.engine.changeSets.decide(ui(CAROL), { setApprovalId: setApprovalId!, decision: 'approve', pageAck: FIVE }))).toMatchObject({ code: 'APPROVAL_NOT_PENDING' });
    expect((await env.engine.changeSets.get(api(BOB), cs.id)).setApproval?.status).toBe('invalidated');
  });

  it('asks the approver to acknowledge exactly the manifest', async () => {
    const env = await setup();
    const cs = await atomicSet(env);
    const { setApprovalId } = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(await refusal(env.engine.changeSets.decide(ui(CAROL), { setApprovalId: setApprovalId!, decision: 'approve', pageAck: FIVE.slice(0, 4) }))).toMatchObject({ status: 400, code: 'PAGE_ACK_MISMATCH' });
  });
});

describe('who may decide', () => {
  it('refuses a non-approver (audited), an approver who cannot view every page (no titles), and hides the set from a non-viewer', async () => {
    const env = await setup({ extraUsers: ['acc-zed'] });
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'With restricted', pageRefs: refs('2001', '2012'), approvalMode: 'atomic' });
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [CAROL, ALICE], mode: 'any' }] });
    const { setApprovalId } = await env.engine.changeSets.submit(api(BOB), cs.id);
    const ack = ['2001', '2012'];
    expect(await refusal(env.engine.changeSets.decide(ui(ERIN), { setApprovalId: setApprovalId!, decision: 'approve', pageAck: ack }))).toMatchObject({ status: 403, code: 'NOT_AN_APPROVER' });
    const cannotView = await refusal(env.engine.changeSets.decide(ui(CAROL), { setApprovalId: setApprovalId!, decision: 'approve', pageAck: ack }));
    expect(cannotView).toMatchObject({ status: 403, code: 'APPROVER_CANNOT_VIEW_PAGE' });
    expect(cannotView.message).not.toContain('Compensation');
    const hidden = await refusal(env.engine.changeSets.decide(ui('acc-zed'), { setApprovalId: setApprovalId!, decision: 'approve', pageAck: ack }));
    const missing = await refusal(env.engine.changeSets.decide(ui('acc-zed'), { setApprovalId: 'set-nope', decision: 'approve', pageAck: ack }));
    expect(hidden).toEqual(missing);
    expect(hidden.code).toBe('SET_APPROVAL_NOT_FOUND');
    expect((await env.engine.changeSets.decide(ui(ALICE), { setApprovalId: setApprovalId!, decision: 'approve', pageAck: ack })).status).toBe('approved');
  });
});

describe('cost', () => {
  it('the final decision takes the same store calls for 5 and for 100 pages, and defers its page comments to one job', async () => {
    const calls: number[] = [];
    for (const count of [5, 100]) {
      let counting: CountingStore | undefined;
      const jobs: Job[] = [];
      const env = await setup({ extraPages: 100, wrap: (s) => (counting = new CountingStore(s)), jobs: { push: (pushed) => Promise.resolve(void jobs.push(...pushed)) } });
      const pages = Array.from({ length: count }, (_, i) => String(4001 + i));
      const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Big', pageRefs: refs(...pages), approvalMode: 'atomic' });
      const { setApprovalId } = await env.engine.changeSets.submit(api(BOB), cs.id);
      counting!.reset();
      jobs.length = 0;
      await env.engine.changeSets.decide(ui(CAROL), { setApprovalId: setApprovalId!, decision: 'approve', pageAck: pages });
      expect(jobs).toEqual([{ kind: 'notify.set', setApprovalId, event: 1 }]);
      const c = counting!.counts;
      calls.push(c.get + c.getMany + c.query + c.getEntities + c.queryEntity + c.transact);
    }
    expect(calls[1]).toBe(calls[0]);
  });
});
