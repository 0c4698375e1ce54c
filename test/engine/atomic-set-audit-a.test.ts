/**
 * Audit A findings on atomic change sets (SPEC 2.4, 2.5, 2.5a, 2.6): an approval users made through a
 * set stays in page state and history when a later set approval is invalidated; a pending set
 * approval blocks its workflow's delete; archive waits for pages an update removed; atomic preflight
 * predicts atomic submit; every change set answers its approvalMode.
 */
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import type { TxOp } from '../../src/core/ports/store';
import { ALICE, BOB, CAROL, DAVE, ENG, ERIN, api, refusal, setup, ui, type TestEnv } from './helpers';

const refs = (...ids: string[]) => ids.map((pageId) => ({ pageId }));

/** An atomic set on `pages`, submitted and approved by Carol (the seeded ENG workflow: one step, any). */
async function approvedSet(env: TestEnv, pages: string[]) {
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release', pageRefs: refs(...pages), approvalMode: 'atomic' });
  const { setApprovalId } = await env.engine.changeSets.submit(api(BOB), cs.id);
  await env.engine.changeSets.decide(ui(CAROL), { setApprovalId: setApprovalId!, decision: 'approve', pageAck: pages });
  return { cs, setApprovalId: setApprovalId! };
}

describe('Audit A#2: a completed set approval survives a later invalidated one', () => {
  it('keeps the page approved (then stale) through the earlier set, and lists the approved set approval in its history (not the voided one)', async () => {
    const env = await setup();
    const pages = ['2001', '2002'];
    const { cs, setApprovalId: first } = await approvedSet(env, pages);
    const pinned = (await env.engine.approvals.pageStatus(ui(BOB), '2002')).approvedAtVersion;
    // a second review of the same pages, voided by an edit
    for (const id of pages) await env.site.editPage(id, { accountId: BOB });
    const { setApprovalId: second } = await env.engine.changeSets.submit(api(BOB), cs.id);
    await env.site.editPage('2001', { accountId: BOB });
    await env.engine.content.pageUpdated('2001');
    expect((await env.engine.changeSets.get(api(BOB), cs.id)).setApproval).toMatchObject({ id: second, status: 'invalidated' });

    const status = await env.engine.approvals.pageStatus(ui(BOB), '2002');
    expect(status).toMatchObject({ state: 'approved', approvedAtVersion: pinned, isStale: true, approvedVia: { changeSetId: cs.id, setApprovalId: first } });
    expect(status.latestApproval?.id).toBe(first);
    const view = await env.engine.changeSets.get(api(BOB), cs.id);
    expect(view.pages.find((p) => p.pageId === '2002')).toMatchObject({ approvalStatus: 'approved', approvedAtVersion: pinned, isStale: true });

    const history = await env.engine.approvals.history(ui(BOB), '2002');
    expect(history.map((a) => a.id)).toContain(first);
    expect(history.map((a) => a.id)).not.toContain(second);
    expect(history.find((a) => a.id === first)).toMatchObject({ status: 'approved', changeSetId: cs.id, pageVersion: pinned });
  });

  it('lists a set approval beside the page own approvals, newest first', async () => {
    const env = await setup();
    const own = await env.engine.approvals.submitPage(ui(BOB), '2001');
    await env.engine.approvals.decide(ui(CAROL), own.id, 'approve');
    await env.site.editPage('2001', { accountId: BOB });
    env.tick(60_000);
    const { setApprovalId } = await approvedSet(env, ['2001', '2002']);
    const history = await env.engine.approvals.history(ui(ERIN), '2001');
    expect(history.map((a) => a.id)).toEqual([setApprovalId, own.id]);
  });
});

describe('Audit A#14: every change set answers its approvalMode', () => {
  it('answers per_page for a per-page set (named or defaulted) on create, update, detail and list, a per-page set being stored without the field', async () => {
    const env = await setup();
    const named = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Named', pageRefs: refs('2001'), approvalMode: 'per_page' });
    const defaulted = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Default', pageRefs: refs('2002') });
    expect(named.approvalMode).toBe('per_page');
    expect(defaulted.approvalMode).toBe('per_page');
    expect((await env.engine.changeSets.update(api(BOB), named.id, { title: 'Renamed' })).approvalMode).toBe('per_page');
    expect((await env.engine.changeSets.get(api(BOB), defaulted.id)).approvalMode).toBe('per_page');
    const listed = await env.engine.changeSets.list(api(BOB), { spaceId: ENG });
    expect(listed.items.map((cs) => cs.approvalMode)).toEqual(['per_page', 'per_page']);
  });
});

describe('Audit A#3: a pending set approval blocks its workflow delete', () => {
  async function twoStepSet(env: TestEnv) {
    const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Sig', steps: [{ approvers: [CAROL], mode: 'any' }, { approvers: [DAVE], mode: 'any' }] });
    for (const id of ['2009', '2010']) await env.engine.workflows.assign(ui(ALICE), id, wf.id);
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Signed', pageRefs: refs('2009', '2010'), approvalMode: 'atomic' });
    const { setApprovalId } = await env.engine.changeSets.submit(api(BOB), cs.id);
    return { wf, setApprovalId: setApprovalId! };
  }

  it('refuses WORKFLOW_HAS_PENDING while the set is pending (decided in part), and allows it once the set is approved', async () => {
    const env = await setup();
    const { wf, setApprovalId } = await twoStepSet(env);
    await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: ['2009', '2010'] });
    expect(await refusal(env.engine.workflows.remove(ui(ALICE), wf.id))).toMatchObject({ status: 409, code: 'WORKFLOW_HAS_PENDING' });
    expect((await env.auditRecords()).some((r) => r.action === 'workflow.deleted')).toBe(false);
    await env.engine.changeSets.decide(ui(DAVE), { setApprovalId, decision: 'approve', pageAck: ['2009', '2010'] });
    await env.engine.workflows.remove(ui(ALICE), wf.id);
    expect((await env.auditRecords()).some((r) => r.action === 'workflow.deleted')).toBe(true);
  });

  it('allows the delete once an edit voided the pending set', async () => {
    const env = await setup();
    const { wf } = await twoStepSet(env);
    await env.site.editPage('2010', { accountId: BOB });
    await env.engine.content.pageUpdated('2010');
    await env.engine.workflows.remove(ui(ALICE), wf.id);
    expect((await env.auditRecords()).some((r) => r.action === 'workflow.deleted')).toBe(true);
  });
});

it('a workflow delete that closes the count while an atomic submit commits its pending state makes the submit fail (review)', async () => {
  let beforePending: (() => Promise<void>) | undefined;
  // the delete lands between the submit's reads of its count and its commit: it finds nothing pending yet
  class DeleteFirst extends StoreDecorator {
    override async transact(ops: TxOp[]): Promise<void> {
      const hook = ops.some((o) => o.op === 'put' && o.key.startsWith('set-approval:') && o.condition?.kind === 'version') ? beforePending : undefined;
      if (hook) {
        beforePending = undefined;
        await hook();
      }
      return this.inner.transact(ops);
    }
  }
  const env = await setup({ wrap: (s) => new DeleteFirst(s) });
  const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Sig', steps: [{ approvers: [CAROL], mode: 'any' }] });
  for (const id of ['2009', '2010']) await env.engine.workflows.assign(ui(ALICE), id, wf.id);
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Signed', pageRefs: refs('2009', '2010'), approvalMode: 'atomic' });
  beforePending = () => env.engine.workflows.remove(ui(ALICE), wf.id).then(() => undefined);
  expect(await refusal(env.engine.changeSets.submit(api(BOB), cs.id))).toMatchObject({ status: 409, code: 'CONCURRENT_MODIFICATION' });
  expect((await env.auditRecords()).map((r) => r.action)).toContain('workflow.deleted');
  expect((await env.auditRecords()).map((r) => r.action)).not.toContain('changeset.submitted');
});

describe('Audit A#4: a page pending through a change set stays in it until its approval ends', () => {
  it('refuses an update that removes a page pending through the set (nothing changed), so archive keeps waiting for it', async () => {
    const env = await setup();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 7', pageRefs: refs('2001', '2002', '2004') });
    await env.engine.changeSets.submit(api(BOB), cs.id);
    const refused = await refusal(env.engine.changeSets.update(api(BOB), cs.id, { pageRefs: refs('2001') }));
    expect(refused).toMatchObject({ status: 409, code: 'CHANGE_SET_HAS_PENDING' });
    expect(refused.details?.map((d) => d.field)).toEqual(['2002', '2004']);
    expect((await env.engine.changeSets.get(api(BOB), cs.id)).pageRefs).toEqual(refs('2001', '2002', '2004'));
    expect(await refusal(env.engine.changeSets.archive(api(BOB), cs.id))).toMatchObject({ code: 'CHANGE_SET_HAS_PENDING' });
    // adding pages and keeping the pending ones is fine; once the approvals end, removing them is too
    expect((await env.engine.changeSets.update(api(BOB), cs.id, { pageRefs: refs('2001', '2002', '2004', '2005') })).pageRefs).toHaveLength(4);
    const { items } = await env.engine.approvals.queue(ui(CAROL), ENG, {});
    for (const a of items.filter((i) => i.changeSetId === cs.id)) await env.engine.approvals.cancel(api(BOB), a.id);
    await env.engine.changeSets.update(api(BOB), cs.id, { pageRefs: refs('2001') });
    expect((await env.engine.changeSets.archive(api(BOB), cs.id)).status).toBe('archived');
  });
});

it('an update may remove any number of pages nothing is pending on (one transaction, no check per page)', async () => {
  const env = await setup({ extraPages: 100 });
  const ids = Array.from({ length: 100 }, (_, i) => String(4001 + i));
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Big release', pageRefs: refs(...ids) });
  expect((await env.engine.changeSets.update(api(BOB), cs.id, { pageRefs: refs('4001') })).pageRefs).toEqual(refs('4001'));
  expect((await env.engine.changeSets.update(api(BOB), cs.id, { pageRefs: refs(...ids.slice(50)) })).pageRefs).toHaveLength(50);
});

describe('Audit A#7: atomic preflight predicts atomic submit', () => {
  it('blocks every page with MIXED_WORKFLOWS when the pages resolve to different workflows, as submit refuses', async () => {
    const env = await setup();
    const other = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'Other', steps: [{ approvers: [DAVE], mode: 'any' }] });
    await env.engine.workflows.assign(ui(ALICE), '2002', other.id);
    await env.engine.workflows.assign(ui(ALICE), '2001', 'wf-eng-review');
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Mixed', pageRefs: refs('2001', '2002'), approvalMode: 'atomic' });
    const preflight = await env.engine.changeSets.preflight(api(BOB), cs.id);
    expect(preflight.summary).toEqual({ total: 2, submittable: 0, blocked: 2 });
    expect(preflight.results).toEqual([
      expect.objectContaining({ pageId: '2001', canSubmit: false, code: 'MIXED_WORKFLOWS', workflowId: 'wf-eng-review' }),
      expect.objectContaining({ pageId: '2002', canSubmit: false, code: 'MIXED_WORKFLOWS', workflowId: other.id }),
    ]);
    expect(await refusal(env.engine.changeSets.submit(api(BOB), cs.id))).toMatchObject({ code: 'MIXED_WORKFLOWS' });
  });

  it('blocks the eligible pages with CHANGESET_NOT_ELIGIBLE when another page is not eligible, as submit refuses', async () => {
    const env = await setup();
    const approved = await env.engine.approvals.submitPage(ui(BOB), '2002');
    await env.engine.approvals.decide(ui(CAROL), approved.id, 'approve');
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'One approved', pageRefs: refs('2001', '2002'), approvalMode: 'atomic' });
    const preflight = await env.engine.changeSets.preflight(api(BOB), cs.id);
    expect(preflight.summary).toEqual({ total: 2, submittable: 0, blocked: 2 });
    expect(preflight.results.map((r) => [r.pageId, r.canSubmit, r.code])).toEqual([['2001', false, 'CHANGESET_NOT_ELIGIBLE'], ['2002', false, 'ALREADY_APPROVED']]);
    expect(await refusal(env.engine.changeSets.submit(api(BOB), cs.id))).toMatchObject({ code: 'CHANGESET_NOT_ELIGIBLE', details: [expect.objectContaining({ field: '2002', code: 'ALREADY_APPROVED' })] });
  });

  it('answers as before when the atomic submit would succeed', async () => {
    const env = await setup();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Fine', pageRefs: refs('2001', '2002'), approvalMode: 'atomic' });
    expect((await env.engine.changeSets.preflight(api(BOB), cs.id)).summary).toEqual({ total: 2, submittable: 2, blocked: 0 });
    expect((await env.engine.changeSets.submit(api(BOB), cs.id)).status).toBe('pending');
  });
});
