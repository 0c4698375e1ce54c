/** Workflows and assignments (SPEC 2.1, 2.2). */
import { ALICE, BOB, CAROL, DAVE, DOCS, ENG, ERIN, codeOf, setup, ui } from './helpers';
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { nothingPendingOps, pendingCountOps } from '../../src/core/services/approvals/pending-count';
import { createContext } from '../../src/core/services/context';
import { approvalIndex, keys } from '../../src/core/services/keys';

const step = (approvers: string[], mode: 'any' | 'all' = 'any') => ({ approvers, mode });

describe('workflow configuration', () => {
  test('a space admin creates; the creator owns it by default; every change is versioned and audited', async () => {
    const env = await setup();
    const wf = await env.engine.workflows.create(ui(ALICE), ENG, { name: '  Release review ', steps: [step([CAROL])] });
    expect(wf).toMatchObject({ spaceId: ENG, name: 'Release review', enabled: true, owners: [ALICE], allowSelfApproval: false, version: 1 });
    const updated = await env.engine.workflows.update(ui(ALICE), wf.id, { name: 'Release sign-off' }, 1);
    expect(updated.version).toBe(2);
    expect(await codeOf(env.engine.workflows.update(ui(ALICE), wf.id, { name: 'x' }, 1))).toBe('VERSION_CONFLICT');
    const disabled = await env.engine.workflows.setEnabled(ui(ALICE), wf.id, false);
    expect(disabled).toMatchObject({ enabled: false, version: 3 });
    const listed = await env.engine.workflows.list(ui(ERIN), ENG);
    expect(listed.map((w) => w.id).sort()).toEqual([wf.id, 'wf-eng-review'].sort());
    const actions = (await env.auditRecords()).filter((r) => r.workflowId === wf.id).map((r) => r.action);
    expect(actions).toEqual(['workflow.created', 'workflow.updated', 'workflow.disabled']);
  });

  test('only space admins and owners may change a workflow; refusals are audited', async () => {
    const env = await setup();
    expect(await codeOf(env.engine.workflows.create(ui(BOB), ENG, { name: 'Mine', steps: [step([CAROL])] }))).toBe('FORBIDDEN');
    expect(await codeOf(env.engine.workflows.update(ui(BOB), 'wf-eng-review', { name: 'hijack' }))).toBe('FORBIDDEN');
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { owners: [ALICE, BOB] });
    expect((await env.engine.workflows.update(ui(BOB), 'wf-eng-review', { name: 'Bob owns this' })).name).toBe('Bob owns this');
    const denied = (await env.auditRecords()).filter((r) => r.action === 'access.denied');
    expect(denied.map((r) => [r.actor, r.details.operation])).toEqual([
      [BOB, 'workflow.create'],
      [BOB, 'workflow.update'],
    ]);
  });

  test('the largest workflow the field rules allow saves: 10 steps of 50 approvers (the refusals: test/ui/field-rules)', async () => {
    const env = await setup({ extraUsers: Array.from({ length: 50 }, (_, i) => `acc-${i}`) });
    const ten = await env.engine.workflows.create(ui(ALICE), ENG, { name: 'ten', steps: Array.from({ length: 10 }, () => step(Array.from({ length: 50 }, (_, i) => `acc-${i}`), 'all')) });
    expect(ten.steps).toHaveLength(10);
  });

  test('duplicate and import copy the definition (disabled, owned by the caller)', async () => {
    const env = await setup();
    const copy = await env.engine.workflows.duplicate(ui(ALICE), 'wf-docs-legal');
    expect(copy).toMatchObject({ spaceId: DOCS, name: 'Docs legal (copy)', enabled: false, owners: [ALICE] });
    expect(copy.steps).toEqual((await env.engine.workflows.get(ui(ALICE), 'wf-docs-legal')).steps);
    const imported = await env.engine.workflows.importFrom(ui(ALICE), 'wf-docs-legal', ENG);
    expect(imported).toMatchObject({ spaceId: ENG, enabled: false });
    expect(await codeOf(env.engine.workflows.importFrom(ui(BOB), 'wf-docs-legal', ENG))).toBe('FORBIDDEN');
    const records = await env.auditRecords();
    expect(records.find((r) => r.workflowId === imported.id)).toMatchObject({ action: 'workflow.imported', spaceId: ENG, details: { sourceWorkflowId: 'wf-docs-legal' } });
  });

  test('duplicate and import keep every setting of the source (review period, reminders, self-approval), not only the steps', async () => {
    const env = await setup();
    const source = await env.engine.workflows.update(ui(ALICE), 'wf-docs-legal', { allowSelfApproval: true, reviewPeriodDays: 180, reminderWindowDays: 30, remindAfterDays: 3 });
    const settings = { steps: source.steps, allowSelfApproval: true, reviewPeriodDays: 180, reminderWindowDays: 30, remindAfterDays: 3 };
    const copy = await env.engine.workflows.duplicate(ui(ALICE), 'wf-docs-legal');
    expect(copy).toMatchObject({ ...settings, enabled: false, owners: [ALICE], spaceId: DOCS, version: 1 });
    const imported = await env.engine.workflows.importFrom(ui(ALICE), 'wf-docs-legal', ENG);
    expect(imported).toMatchObject({ ...settings, name: source.name, enabled: false, owners: [ALICE], spaceId: ENG, version: 1 });
    expect(imported.id).not.toBe(source.id);
  });

  test('a space holds at most 100 workflows, so its list is one capped read', async () => {
    const env = await setup();
    for (let i = 0; i < 98; i++) await env.engine.workflows.create(ui(ALICE), DOCS, { name: `wf ${i}`, steps: [step([CAROL])], enabled: false });
    expect(await env.engine.workflows.list(ui(BOB), DOCS)).toHaveLength(100);
    expect(await codeOf(env.engine.workflows.create(ui(ALICE), DOCS, { name: 'one too many', steps: [step([CAROL])] }))).toBe('WORKFLOW_LIMIT_REACHED');
    expect(await codeOf(env.engine.workflows.duplicate(ui(ALICE), 'wf-docs-quick'))).toBe('WORKFLOW_LIMIT_REACHED');
  });

  test('the 100-per-space limit holds while index queries lag the writes (checked on a count key, never a query)', async () => {
    let lagging!: EventualIndexStore;
    const env = await setup({ wrap: (store) => (lagging = new EventualIndexStore(store)) });
    for (let i = 0; i < 98; i++) await env.engine.workflows.create(ui(ALICE), DOCS, { name: `wf ${i}`, steps: [step([CAROL])], enabled: false });
    // the space's index query does not see the new workflows yet...
    expect((await env.store.query({ prefix: 'wf-space:1002:', limit: 100 })).items).toHaveLength(2);
    // ...and still the limit holds, and the list (read-your-writes from the count key's ids) shows them all
    expect(await codeOf(env.engine.workflows.create(ui(ALICE), DOCS, { name: 'one too many', steps: [step([CAROL])] }))).toBe('WORKFLOW_LIMIT_REACHED');
    expect(await env.engine.workflows.list(ui(BOB), DOCS)).toHaveLength(100);
    lagging.settle();
    expect(await env.engine.workflows.list(ui(BOB), DOCS)).toHaveLength(100);
    // a delete frees one place, counted in its own transaction
    const victim = (await env.engine.workflows.list(ui(BOB), DOCS)).find((w) => w.name === 'wf 0')!;
    await env.engine.workflows.remove(ui(ALICE), victim.id);
    await env.engine.workflows.create(ui(ALICE), DOCS, { name: 'fits again', steps: [step([CAROL])], enabled: false });
    expect(await codeOf(env.engine.workflows.create(ui(ALICE), DOCS, { name: 'full again', steps: [step([CAROL])] }))).toBe('WORKFLOW_LIMIT_REACHED');
  });

  test('the list right after an edit shows the edited workflow although the space index still lists it as it was', async () => {
    let lagging!: EventualIndexStore;
    const env = await setup({ wrap: (store) => (lagging = new EventualIndexStore(store)) });
    lagging.settle();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [step([DAVE])] });
    expect((await env.engine.workflows.list(ui(ALICE), ENG)).find((w) => w.id === 'wf-eng-review')?.steps[0]?.approvers).toEqual([DAVE]);
  });

  test('delete is refused while approvals under it are pending', async () => {
    const env = await setup();
    const a = await env.engine.approvals.submitPage(ui(BOB), '2001');
    expect(await codeOf(env.engine.workflows.remove(ui(ALICE), 'wf-eng-review'))).toBe('WORKFLOW_HAS_PENDING');
    await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
    await env.engine.workflows.remove(ui(ALICE), 'wf-eng-review');
    expect(await codeOf(env.engine.workflows.get(ui(ALICE), 'wf-eng-review'))).toBe('WORKFLOW_NOT_FOUND');
    expect(await env.engine.workflows.list(ui(ALICE), ENG)).toEqual([]);
    expect(await codeOf(env.engine.approvals.submitPage(ui(BOB), '2002'))).toBe('NO_WORKFLOW');
  });
});

describe('pending approvals while index queries lag (checked on count keys, never a query)', () => {
  test('a workflow cannot be deleted right after a submit the pending index does not show yet', async () => {
    let lagging!: EventualIndexStore;
    const env = await setup({ wrap: (store) => (lagging = new EventualIndexStore(store)) });
    const a = await env.engine.approvals.submitPage(ui(BOB), '2001');
    // the space's pending queue (an index query) does not see the submit yet...
    expect((await env.store.queryEntity({ ...approvalIndex.pendingOfWorkflow('wf-eng-review'), limit: 10 })).items).toEqual([]);
    // ...and still the delete is refused
    expect(await codeOf(env.engine.workflows.remove(ui(ALICE), 'wf-eng-review'))).toBe('WORKFLOW_HAS_PENDING');
    // once the approval is decided the workflow can go, index caught up or not
    await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
    await env.engine.workflows.remove(ui(ALICE), 'wf-eng-review');
    lagging.settle();
    expect(await env.engine.workflows.list(ui(ALICE), ENG)).toEqual([]);
  });

  test('a change set submitted in parallel batches counts every page: the workflow stays undeletable until the last one leaves pending', async () => {
    const env = await setup({ wrap: (store) => new EventualIndexStore(store) });
    const pages = ['2001', '2002', '2003', '2004', '2005'];
    const cs = await env.engine.changeSets.create(ui(BOB), { spaceId: ENG, title: 'release', pageRefs: pages.map((pageId) => ({ pageId })) });
    const submitted = await env.engine.changeSets.submit(ui(BOB), cs.id);
    expect(submitted.submittedCount).toBe(pages.length);
    const ids = submitted.results.map((r) => r.approvalId!);
    expect(new Set(submitted.results.map((r) => r.workflowId))).toEqual(new Set(['wf-eng-review']));
    for (const id of ids.slice(0, -1)) {
      await env.engine.approvals.cancel(ui(BOB), id);
      expect(await codeOf(env.engine.workflows.remove(ui(ALICE), 'wf-eng-review'))).toBe('WORKFLOW_HAS_PENDING');
    }
    await env.engine.approvals.cancel(ui(BOB), ids.at(-1)!);
    await env.engine.workflows.remove(ui(ALICE), 'wf-eng-review');
  });

  test('a submit racing a delete: either the delete is refused or the submit is, never a pending approval under a deleted workflow', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const env = await setup({ wrap: (store) => new EventualIndexStore(store) });
      const [submitted, removed] = await Promise.allSettled([env.engine.approvals.submitPage(ui(BOB), '2001'), env.engine.workflows.remove(ui(ALICE), 'wf-eng-review')]);
      const workflowGone = removed.status === 'fulfilled';
      const pending = submitted.status === 'fulfilled';
      outcomes.add(`${pending ? 'submitted' : 'refused'}/${workflowGone ? 'deleted' : 'kept'}`);
      expect(pending && workflowGone).toBe(false);
      if (!workflowGone) expect(removed.reason).toMatchObject({ code: 'WORKFLOW_HAS_PENDING' });
      if (pending) expect((await env.store.get<{ status: string }>(`page-state:2001`))!.value.status).toBe('pending');
    }
    expect([...outcomes].every((o) => o === 'submitted/kept' || o === 'refused/deleted')).toBe(true);
  });

  test('a refused delete reopens the workflow at once: the next submit goes through', async () => {
    const env = await setup();
    await env.engine.approvals.submitPage(ui(BOB), '2001');
    expect(await codeOf(env.engine.workflows.remove(ui(ALICE), 'wf-eng-review'))).toBe('WORKFLOW_HAS_PENDING');
    expect((await env.engine.approvals.submitPage(ui(BOB), '2002')).status).toBe('pending');
  });

  test('a delete that died after closing the workflow: submits wait while its lease runs, the first one after it reopens the workflow', async () => {
    const env = await setup();
    // closes the guard shard and dies before committing the delete
    await nothingPendingOps(createContext(env.deps), { id: 'wf-eng-review', spaceId: ENG });
    expect(await codeOf(env.engine.approvals.submitPage(ui(BOB), '2001'))).toBe('CONCURRENT_MODIFICATION');
    env.tick(30_001);
    expect((await env.engine.approvals.submitPage(ui(BOB), '2001')).status).toBe('pending');
    expect(await codeOf(env.engine.workflows.remove(ui(ALICE), 'wf-eng-review'))).toBe('WORKFLOW_HAS_PENDING');
  });

  test('a submit planned on a workflow deleted meanwhile is refused, never left pending under no workflow', async () => {
    const env = await setup({ wrap: (store) => new EventualIndexStore(store) });
    await env.engine.workflows.remove(ui(ALICE), 'wf-eng-review');
    // a submit that read the space's workflows before the delete commits its count op after it: the tombstone refuses it
    const ops = pendingCountOps(createContext(env.deps), { entering: [{ id: 'apr-x', workflowId: 'wf-eng-review' }] });
    await expect(ops).rejects.toMatchObject({ code: 'NO_WORKFLOW' });
  });
});

describe('workflows stored before steps had groups and review settings existed (the §7.1 seed)', () => {
  test('list, get and export return groups and every setting with its default (SPEC 2.1, 2.1a)', async () => {
    const env = await setup();
    // the record exactly as a pre-2.1a seed wrote it: short-form step, no review or reminder fields
    const legacy = { ...(await env.engine.workflows.get(ui(ALICE), 'wf-eng-review')), steps: [{ name: 'Peer review', approvers: [CAROL, DAVE], mode: 'any' }] } as Record<string, unknown>;
    for (const field of ['reviewPeriodDays', 'reminderWindowDays', 'remindAfterDays']) delete legacy[field];
    await env.store.transact([
      { op: 'put', key: keys.workflow('wf-eng-review'), value: legacy },
      { op: 'put', key: keys.workflowBySpace(ENG, 'wf-eng-review'), value: legacy },
    ]);
    const expected = {
      steps: [{ name: 'Peer review', approvers: [CAROL, DAVE], mode: 'any', groups: [{ key: 'approvers', name: 'Approvers', approvers: [CAROL, DAVE], required: 1 }] }],
      allowSelfApproval: false,
      reviewPeriodDays: null,
      reminderWindowDays: 14,
      remindAfterDays: null,
    };
    expect(await env.engine.workflows.get(ui(ERIN), 'wf-eng-review')).toMatchObject(expected);
    expect((await env.engine.workflows.list(ui(ERIN), ENG)).find((w) => w.id === 'wf-eng-review')).toMatchObject(expected);
    const doc = await env.engine.workflows.exportDocument(ui(ERIN), 'wf-eng-review');
    expect(doc.steps[0]).toHaveProperty('groups');
    expect(doc.settings).toMatchObject({ allowSelfApproval: false, reviewPeriodDays: null, reminderWindowDays: 14, remindAfterDays: null });
  });
});

describe('in-flight rule', () => {
  test('a pending approval without decisions adopts edits; one with decisions keeps its snapshot', async () => {
    const env = await setup();
    const fresh = await env.engine.approvals.submitPage(ui(BOB), '3001', 'wf-docs-legal');
    const started = await env.engine.approvals.submitPage(ui(BOB), '3002', 'wf-docs-legal');
    await env.engine.approvals.decide(ui(CAROL), started.id, 'approve'); // now at step 2 of the old definition
    await env.engine.workflows.update(ui(ALICE), 'wf-docs-legal', { steps: [step([DAVE])] });

    const freshStatus = await env.engine.approvals.pageStatus(ui(BOB), '3001');
    expect(freshStatus.pending!.approvers).toEqual([DAVE]);
    expect(await codeOf(env.engine.approvals.decide(ui(CAROL), fresh.id, 'approve'))).toBe('NOT_AN_APPROVER');
    const done = await env.engine.approvals.decide(ui(DAVE), fresh.id, 'approve');
    expect(done.status).toBe('approved');
    expect(done.workflowSnapshot.steps).toMatchObject([step([DAVE])]);

    const startedStatus = await env.engine.approvals.pageStatus(ui(BOB), '3002');
    expect(startedStatus.pending).toMatchObject({ activeStep: 1, stepName: 'Legal', mode: 'all' });
    expect(startedStatus.pending!.approvers.sort()).toEqual([ALICE, DAVE]);
  });
});

describe('assignments', () => {
  test('explicit assignment wins when enabled; set by space admin or owner of the workflow; audited', async () => {
    const env = await setup();
    expect(await codeOf(env.engine.workflows.assign(ui(BOB), '3001', 'wf-docs-legal'))).toBe('FORBIDDEN');
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-legal');
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3001')).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-legal' });
    expect(await codeOf(env.engine.workflows.assign(ui(ALICE), '3001', 'wf-eng-review'))).toBe('WRONG_SPACE');
    await env.engine.workflows.assign(ui(ALICE), '3001', null);
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3001')).toMatchObject({ canSubmit: false, code: 'NO_WORKFLOW' });
    const records = (await env.auditRecords()).filter((r) => r.action === 'assignment.changed');
    expect(records.map((r) => r.details)).toEqual([
      { from: null, to: 'wf-docs-legal' },
      { from: 'wf-docs-legal', to: null },
    ]);
  });
});
