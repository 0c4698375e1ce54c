/**
 * The capabilities the UI shows (ui.capabilities) must match what the engine then accepts: for each
 * seeded person, an action is offered exactly when doing it succeeds. Each check starts from a fresh
 * store so one person's action cannot change the next person's answer.
 */
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { createLocalApp } from '../../local/app';
import { createLocalSite } from '../../local/site';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Reply = { success: boolean; code?: string; [k: string]: any };
type Invoke = (accountId: string, functionKey: string, payload?: object, where?: { pageId?: string; spaceId?: string }) => Promise<Reply>;

const PEOPLE = ['acc-alice', 'acc-bob', 'acc-carol', 'acc-dave', 'acc-erin'];
const ENG = '1001';

async function fresh(clock?: { now(): number }): Promise<Invoke> {
  // The local runtime's composition root: engines per invocation, as on Forge.
  const app = createLocalApp({ store: new MemoryStore(), site: createLocalSite(), appId: 'app-uuid', ...(clock ? { clock } : {}) });
  await app.ready;
  const handler = app.resolver;
  return async (accountId, functionKey, payload = {}, where = {}) => {
    const extension = {
      type: where.pageId ? 'macro' : 'confluence:spacePage',
      ...(where.pageId ? { content: { id: where.pageId, type: 'page' } } : {}),
      ...(where.spaceId ? { space: { id: where.spaceId, key: 'ENG' } } : {}),
    };
    return (await handler({ call: { functionKey, payload }, context: { extension, moduleKey: 'approvalflow-macro', localId: 'l1' } }, { principal: { accountId } })) as Reply;
  };
}

async function pendingOn2001(invoke: Invoke): Promise<string> {
  const r = await invoke('acc-bob', 'page.submit', {}, { pageId: '2001' });
  expect(r.success).toBe(true);
  return r.approval.id;
}

async function pageCaps(invoke: Invoke, who: string, pageId = '2001'): Promise<Reply> {
  const r = await invoke(who, 'ui.capabilities', { surface: 'page' }, { pageId });
  expect(r.success).toBe(true);
  return r.page;
}

async function spaceCaps(invoke: Invoke, who: string): Promise<Reply> {
  const r = await invoke(who, 'ui.capabilities', { surface: 'space' }, { spaceId: ENG });
  expect(r.success).toBe(true);
  return r.space;
}

describe('ui.capabilities match what the engine accepts', () => {
  it.each(PEOPLE)('page request approval: offered to %s exactly when the submit is not refused for rights', async (who) => {
    const invoke = await fresh();
    const caps = await pageCaps(invoke, who);
    const submit = await invoke(who, 'page.submit', {}, { pageId: '2001' });
    expect(caps.request).toBe(submit.success);
    if (!submit.success) expect(submit.code).toBe('NO_EDIT_PERMISSION');
  });

  it('page request approval follows the one eligibility rule: not offered on an approved page, offered again once its review is due, to editors only', async () => {
    let now = Date.UTC(2026, 11, 7);
    const invoke = await fresh({ now: () => now });
    expect((await invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', reviewPeriodDays: 90 })).success).toBe(true);
    const approvalId = await pendingOn2001(invoke);
    expect((await invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve' })).success).toBe(true);
    expect(await pageCaps(invoke, 'acc-bob')).toMatchObject({ request: false, requestRefusal: { code: 'ALREADY_APPROVED' } });
    expect(await invoke('acc-bob', 'page.submit', {}, { pageId: '2001' })).toMatchObject({ success: false, code: 'ALREADY_APPROVED' });
    now += 80 * 86_400_000; // inside the 14-day reminder window before the 90-day review
    const due = await pageCaps(invoke, 'acc-bob');
    expect(due.request).toBe(true);
    expect(due.requestRefusal).toBeUndefined();
    expect(await pageCaps(invoke, 'acc-erin')).toMatchObject({ request: false, requestRefusal: { code: 'NO_EDIT_PERMISSION' } });
    expect((await invoke('acc-bob', 'page.submit', {}, { pageId: '2001' })).success).toBe(true);
  });

  it.each(PEOPLE)('page approve/reject: offered to %s exactly when the decision is accepted', async (who) => {
    const invoke = await fresh();
    const approvalId = await pendingOn2001(invoke);
    const caps = await pageCaps(invoke, who);
    const decide = await invoke(who, 'approval.decide', { approvalId, decision: 'reject', comment: 'Please add the rollout section first.' });
    expect(caps.decide).toBe(decide.success);
  });

  it.each(PEOPLE)('page cancel: offered to %s exactly when the cancel is accepted', async (who) => {
    const invoke = await fresh();
    const approvalId = await pendingOn2001(invoke);
    const caps = await pageCaps(invoke, who);
    const cancel = await invoke(who, 'approval.cancel', { approvalId });
    expect(caps.cancel).toBe(cancel.success);
  });

  it.each(PEOPLE)('new change set: offered to %s exactly when creating one of an editable ENG page is accepted', async (who) => {
    const invoke = await fresh();
    const caps = await spaceCaps(invoke, who);
    const created = await invoke(who, 'changeSet.create', { title: 'PR', pageRefs: [{ pageId: '2003' }] }, { spaceId: ENG });
    expect(caps.createChangeSet).toBe(created.success);
  });

  it.each(PEOPLE)('space reset, workflow create and configure: offered to %s exactly when accepted', async (who) => {
    const invoke = await fresh();
    await pendingOn2001(invoke);
    const caps = await spaceCaps(invoke, who);
    expect(caps.spaceKey).toBe('ENG');
    const reset = await invoke(who, 'approval.reset', { pageId: '2001' });
    expect(caps.resetApproval).toBe(reset.success);
    const create = await invoke(who, 'workflow.create', { name: 'Second', steps: [{ approvers: ['acc-carol'], mode: 'any' }] }, { spaceId: ENG });
    expect(caps.createWorkflow).toBe(create.success);
    const disable = await invoke(who, 'workflow.setEnabled', { workflowId: 'wf-eng-review', enabled: false });
    expect(caps.configureWorkflowIds.includes('wf-eng-review')).toBe(disable.success);
  });

  it.each(PEOPLE)('change set archive: offered to %s exactly when accepted (Bob created it)', async (who) => {
    const invoke = await fresh();
    const created = await invoke('acc-bob', 'changeSet.create', { title: 'Release', pageRefs: [{ pageId: '2002' }] }, { spaceId: ENG });
    expect(created.success).toBe(true);
    const caps = await invoke(who, 'ui.changeSetCapabilities', { changeSetId: created.changeSet.id });
    expect(caps.success).toBe(true);
    const archive = await invoke(who, 'changeSet.archive', { changeSetId: created.changeSet.id });
    expect(caps.archive).toBe(archive.success);
    // Archived: read-only for everyone.
    const after = await invoke('acc-alice', 'ui.changeSetCapabilities', { changeSetId: created.changeSet.id });
    if (archive.success) expect(after).toMatchObject({ update: false, submit: false, archive: false });
  });

  it('change set archive: not offered while a page submitted through it is pending, offered once it is decided', async () => {
    const invoke = await fresh();
    const created = await invoke('acc-bob', 'changeSet.create', { title: 'Release', pageRefs: [{ pageId: '2002' }] }, { spaceId: ENG });
    const changeSetId = created.changeSet.id;
    const submitted = await invoke('acc-bob', 'changeSet.submit', { changeSetId });
    expect(submitted.submittedCount).toBe(1);
    expect((await invoke('acc-bob', 'ui.changeSetCapabilities', { changeSetId })).archive).toBe(false);
    expect((await invoke('acc-bob', 'changeSet.archive', { changeSetId })).code).toBe('CHANGE_SET_HAS_PENDING');
    const status = await invoke('acc-bob', 'page.status', {}, { pageId: '2002' });
    expect((await invoke('acc-carol', 'approval.decide', { approvalId: status.status.pending.approval.id, decision: 'approve' })).success).toBe(true);
    expect((await invoke('acc-bob', 'ui.changeSetCapabilities', { changeSetId })).archive).toBe(true);
    expect((await invoke('acc-bob', 'changeSet.archive', { changeSetId })).success).toBe(true);
  });

  it.each(PEOPLE)('admin audit: offered to %s exactly when the whole trail can be read', async (who) => {
    const invoke = await fresh();
    const caps = await invoke(who, 'ui.capabilities', { surface: 'admin' });
    const list = await invoke(who, 'audit.list', {});
    expect(caps.admin.readAudit).toBe(list.success);
    const verify = await invoke(who, 'audit.verify', {});
    expect(caps.admin.verifyChain).toBe(verify.success);
  });

  it('asking for capabilities records nothing (no access.denied for an outsider)', async () => {
    const invoke = await fresh();
    await invoke('acc-erin', 'ui.capabilities', { surface: 'admin' });
    await invoke('acc-erin', 'ui.capabilities', { surface: 'space' }, { spaceId: ENG });
    await invoke('acc-erin', 'ui.capabilities', { surface: 'page' }, { pageId: '2001' });
    const audit = await invoke('acc-alice', 'audit.list', { action: 'access.denied' });
    expect(audit.records).toEqual([]);
  });

  it('refuses a page the caller cannot read like any missing page', async () => {
    const invoke = await fresh();
    const hidden = await invoke('acc-erin', 'ui.capabilities', { surface: 'page' }, { pageId: '2012' });
    const missing = await invoke('acc-erin', 'ui.capabilities', { surface: 'page' }, { pageId: '9999' });
    expect(hidden).toMatchObject({ success: false, code: 'PAGE_NOT_FOUND' });
    expect(missing).toMatchObject({ success: false, code: 'PAGE_NOT_FOUND' });
  });
});

describe('page.preflight for a chosen workflow, and ui.pageTitles', () => {
  it('re-runs the preflight for the chosen workflow in a two-workflow space', async () => {
    const invoke = await fresh();
    const automatic = await invoke('acc-bob', 'page.preflight', {}, { pageId: '3001' });
    expect(automatic.result).toMatchObject({ canSubmit: false, code: 'NO_WORKFLOW' });
    const chosen = await invoke('acc-bob', 'page.preflight', { workflowId: 'wf-docs-quick' }, { pageId: '3001' });
    expect(chosen.result).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-quick' });
    const submit = await invoke('acc-bob', 'page.submit', { workflowId: 'wf-docs-quick' }, { pageId: '3001' });
    expect(submit.success).toBe(true);
  });

  it('gives titles only of pages the caller can read', async () => {
    const invoke = await fresh();
    const bob = await invoke('acc-bob', 'ui.pageTitles', { pageIds: ['2001', '2012', '9999'] });
    expect(Object.keys(bob.pages).sort()).toEqual(['2001', '2012']);
    expect(bob.pages['2001']).toEqual({ title: expect.any(String), spaceId: ENG });
    const erin = await invoke('acc-erin', 'ui.pageTitles', { pageIds: ['2001', '2012'] });
    expect(Object.keys(erin.pages)).toEqual(['2001']);
  });

  it('names the spaces of a batch that also holds a site-level audit record (spaceId "global"), and only for audit readers', async () => {
    const invoke = await fresh();
    const alice = await invoke('acc-alice', 'ui.pageTitles', { pageIds: ['2001'], spaceIds: ['1001', 'global', '1002'] });
    expect(alice).toMatchObject({ success: true, spaces: { '1001': { key: 'ENG', name: 'Engineering' }, '1002': { key: 'DOCS' } } });
    expect(Object.keys(alice.spaces).sort()).toEqual(['1001', '1002']);
    expect(alice.pages['2001']).toEqual({ title: expect.any(String), spaceId: ENG });
    const bob = await invoke('acc-bob', 'ui.pageTitles', { pageIds: [], spaceIds: ['1001', 'global'] });
    expect(bob).toMatchObject({ success: true, spaces: {} });
    expect(await invoke('acc-alice', 'ui.pageTitles', { pageIds: [], spaceIds: ['site'] })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
  });

  it('names workflows only to people who can view their space; unknown ids are simply absent', async () => {
    const invoke = await fresh();
    const ids = ['wf-eng-review', 'wf-docs-quick', 'wf-gone'];
    expect((await invoke('acc-alice', 'ui.pageTitles', { pageIds: [], workflowIds: ids })).workflows).toEqual({ 'wf-eng-review': 'Engineering review', 'wf-docs-quick': expect.any(String) });
    expect((await invoke('acc-erin', 'ui.pageTitles', { pageIds: [], workflowIds: ids })).workflows).toEqual({ 'wf-eng-review': 'Engineering review' });
  });

  it('refuses unknown payload keys such as an accountId', async () => {
    const invoke = await fresh();
    const r = await invoke('acc-erin', 'ui.capabilities', { surface: 'admin', accountId: 'acc-alice' });
    expect(r).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
  });
});

describe('ui.search (pickers search by name, as the caller)', () => {
  it('finds people by display name and groups by name', async () => {
    const invoke = await fresh();
    const people = await invoke('acc-alice', 'ui.search', { kind: 'user', query: 'rev' });
    expect(people.results.map((r: { label: string }) => r.label).sort()).toEqual(['Carol Reviewer', 'Dave Reviewer']);
    expect(people.results.find((r: { label: string }) => r.label === 'Carol Reviewer').id).toBe('acc-carol');
    const groups = await invoke('acc-alice', 'ui.search', { kind: 'group', query: 'eng' });
    expect(groups.results.map((r: { label: string }) => r.label)).toEqual(['eng-reviewers']);
  });

  it('finds spaces by name or key, and pages of the space by title, never a page the caller cannot read', async () => {
    const invoke = await fresh();
    const byKey = await invoke('acc-bob', 'ui.search', { kind: 'space', query: 'docs' });
    expect(byKey.results).toEqual([{ id: '1002', label: 'Documentation', detail: 'DOCS' }]);
    const byName = await invoke('acc-bob', 'ui.search', { kind: 'space', query: 'Engin' });
    expect(byName.results.map((r: { detail: string }) => r.detail)).toEqual(['ENG']);
    const bob = await invoke('acc-bob', 'ui.search', { kind: 'page', query: 'e' }, { spaceId: ENG });
    const erin = await invoke('acc-erin', 'ui.search', { kind: 'page', query: 'e' }, { spaceId: ENG });
    const ids = (r: Reply) => r.results.map((x: { id: string }) => x.id);
    expect(ids(bob)).toContain('2012');
    expect(ids(erin)).not.toContain('2012');
    expect(ids(erin).length).toBeGreaterThan(0);
    expect(ids(bob)).not.toContain('2011'); // drafts are not found by search
  });

  it('refuses an empty query', async () => {
    const invoke = await fresh();
    expect(await invoke('acc-bob', 'ui.search', { kind: 'user', query: '   ' })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
  });
});

describe('queue.list requestedByMe ("Requested by me")', () => {
  it("lists only the caller's own pending requests; other people's stay out", async () => {
    const invoke = await fresh();
    await pendingOn2001(invoke);
    expect((await invoke('acc-alice', 'page.submit', {}, { pageId: '2002' })).success).toBe(true);
    const bob = await invoke('acc-bob', 'queue.list', { requestedByMe: true }, { spaceId: ENG });
    expect(bob.approvals.map((a: { pageId: string }) => a.pageId)).toEqual(['2001']);
    const carol = await invoke('acc-carol', 'queue.list', { requestedByMe: true }, { spaceId: ENG });
    expect(carol.approvals).toEqual([]);
    const all = await invoke('acc-carol', 'queue.list', {}, { spaceId: ENG });
    expect(all.approvals.map((a: { pageId: string }) => a.pageId).sort()).toEqual(['2001', '2002']);
  });
});

describe('workflow delete capability', () => {
  it.each(PEOPLE)('offered to %s exactly when the delete is accepted, and not while approvals under the workflow are pending', async (who) => {
    const invoke = await fresh();
    await pendingOn2001(invoke);
    const pending = await spaceCaps(invoke, who);
    expect(pending.deleteWorkflowIds).toEqual([]);
    expect((await invoke(who, 'workflow.delete', { workflowId: 'wf-eng-review' })).success).toBe(false);
    expect((await invoke('acc-alice', 'approval.reset', { pageId: '2001' })).success).toBe(true);
    const idle = await spaceCaps(invoke, who);
    const deleted = await invoke(who, 'workflow.delete', { workflowId: 'wf-eng-review' });
    expect(idle.deleteWorkflowIds.includes('wf-eng-review')).toBe(deleted.success);
  });
});
