/** Change sets (SPEC 2.5, 2.6): validation, read-only archive, visibility, roll-up, preflight/submit. */
import { checkEligibility } from '../../src/core/domain/eligibility';
import type { ChangeSetPageView } from '../../src/core/domain/model';
import { rollUp } from '../../src/core/domain/page-state';
import { CountingStore } from '../../src/adapters/store/counting-store';
import { FaultyStore } from '../../src/adapters/store/faulty-store';
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { STORE_LIMITS, txPayloadBytes, type TxOp } from '../../src/core/ports/store';
import { ALICE, BOB, CAROL, DAVE, DOCS, ENG, ERIN, api, codeOf, setup, ui } from './helpers';

const refs = (...ids: string[]) => ids.map((pageId) => ({ pageId }));

describe('create and update validation', () => {
  test('pages must exist, be visible and be in the set\'s space (the field rules: test/ui/field-rules)', async () => {
    const env = await setup();
    const create = (input: Partial<Parameters<typeof env.engine.changeSets.create>[1]>) =>
      codeOf(env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 42', pageRefs: refs('2001'), ...input }));
    expect(await create({ pageRefs: refs('2001', '9999') })).toBe('PAGE_NOT_FOUND');
    expect(await create({ pageRefs: refs('2001', '3001') })).toBe('WRONG_SPACE');
    // a page the caller cannot view is reported as not found, never as existing
    expect(await codeOf(env.engine.changeSets.create(api(ERIN), { spaceId: ENG, title: 't', pageRefs: refs('2012') }))).toBe('PAGE_NOT_FOUND');

    const ok = await env.engine.changeSets.create(api(BOB), {
      spaceId: ENG,
      title: 'PR 42',
      summary: 'Docs for the new API',
      referenceUrl: 'https://github.com/acme/repo/pull/42',
      pageRefs: refs('2001', '2002'),
    });
    expect(ok).toMatchObject({ status: 'open', version: 1, rollupState: 'open', createdBy: BOB });
    expect(ok.pages.map((p) => [p.pageId, p.approvalStatus, p.approvalId])).toEqual([
      ['2001', 'draft', null],
      ['2002', 'draft', null],
    ]);
    // creating does not submit anything
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).state).toBe('draft');
  });

  test('update replaces pageRefs, checks expectedVersion, and only the creator or a space admin may change it', async () => {
    const env = await setup();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 1', pageRefs: refs('2001') });
    const updated = await env.engine.changeSets.update(api(BOB), cs.id, { pageRefs: refs('2002', '2003'), expectedVersion: 1 });
    expect(updated.version).toBe(2);
    expect(updated.pageRefs).toEqual(refs('2002', '2003'));
    expect(await codeOf(env.engine.changeSets.update(api(BOB), cs.id, { title: 'late', expectedVersion: 1 }))).toBe('VERSION_CONFLICT');
    expect(await codeOf(env.engine.changeSets.update(api(ERIN), cs.id, { title: 'not mine' }))).toBe('FORBIDDEN');
    expect((await env.engine.changeSets.update(api(ALICE), cs.id, { title: 'admin edit' })).title).toBe('admin edit');
    expect(await codeOf(env.engine.changeSets.update(api(BOB), cs.id, { pageRefs: refs('3001') }))).toBe('WRONG_SPACE');
    const audit = (await env.auditRecords()).filter((r) => r.changeSetId === cs.id).map((r) => r.action);
    expect(audit).toEqual(['changeset.created', 'changeset.updated', 'access.denied', 'changeset.updated']);
  });
});

describe('archive', () => {
  test('refused while a page submitted through it is pending; then read-only', async () => {
    const env = await setup();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 7', pageRefs: refs('2001', '2002') });
    const submitted = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(submitted.submittedCount).toBe(2);
    expect(await codeOf(env.engine.changeSets.archive(api(BOB), cs.id))).toBe('CHANGE_SET_HAS_PENDING');
    for (const r of submitted.results) await env.engine.approvals.decide(ui(CAROL), r.approvalId!, 'approve');
    const archived = await env.engine.changeSets.archive(api(BOB), cs.id);
    expect(archived).toMatchObject({ status: 'archived', rollupState: 'all_approved' });
    expect(await codeOf(env.engine.changeSets.update(api(BOB), cs.id, { title: 'again' }))).toBe('CHANGE_SET_ARCHIVED');
    expect(await codeOf(env.engine.changeSets.submit(api(BOB), cs.id))).toBe('CHANGE_SET_ARCHIVED');
    expect(await codeOf(env.engine.changeSets.preflight(api(BOB), cs.id))).toBe('CHANGE_SET_ARCHIVED');
    expect(await codeOf(env.engine.changeSets.archive(api(BOB), cs.id))).toBe('CHANGE_SET_ARCHIVED');
    // pending approvals submitted directly (not through the change set) do not block archiving
    const cs2 = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 8', pageRefs: refs('2003') });
    await env.engine.approvals.submitPage(ui(BOB), '2003');
    expect((await env.engine.changeSets.archive(api(BOB), cs2.id)).status).toBe('archived');
  });
});

describe('visibility', () => {
  test('no view of the space → 404 for the change set; an invisible page → its approval state only, without title, versions or approval id (Audit A#17)', async () => {
    const env = await setup();
    const docs = await env.engine.changeSets.create(api(BOB), { spaceId: DOCS, title: 'Docs PR', pageRefs: refs('3001') });
    expect(await codeOf(env.engine.changeSets.get(api(ERIN), docs.id))).toBe('CHANGE_SET_NOT_FOUND');
    expect(await codeOf(env.engine.changeSets.preflight(api(ERIN), docs.id))).toBe('CHANGE_SET_NOT_FOUND');
    expect((await env.engine.changeSets.list(api(ERIN), { spaceId: DOCS })).items).toEqual([]);

    const eng = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Mixed', pageRefs: refs('2001', '2012') });
    const a = await env.engine.approvals.submitPage(ui(BOB), '2012');
    expect(a.status).toBe('pending');
    const seen = await env.engine.changeSets.get(api(ERIN), eng.id);
    expect(seen.pages[1]).toEqual({ pageId: '2012', title: '', currentPageVersion: null, approvedAtVersion: null, isStale: false, versionDelta: 0, approvalStatus: 'in_approval', approvalId: null, reviewState: null, reviewDueAt: null, staleness: { stale: false, reason: 'not_approved', versionDelta: 0 } });
    expect(seen.rollupState).toBe('in_review');
    expect((await env.engine.changeSets.get(api(BOB), eng.id)).pages[1]).toMatchObject({ approvalStatus: 'in_approval', approvalId: a.id });
    const pre = await env.engine.changeSets.preflight(api(ERIN), eng.id);
    expect(pre.results.map((r) => r.code)).toEqual(['NO_EDIT_PERMISSION', 'PAGE_NOT_FOUND']);
  });
});

describe('roll-up', () => {
  const page = (approvalStatus: ChangeSetPageView['approvalStatus'], isStale = false): ChangeSetPageView => ({
    pageId: 'p',
    title: 't',
    currentPageVersion: 2,
    approvedAtVersion: approvalStatus === 'approved' ? 1 : null,
    isStale,
    versionDelta: isStale ? 1 : 0,
    approvalStatus,
    approvalId: null,
    staleness: { stale: isStale, reason: isStale ? 'new_version' : 'not_approved', versionDelta: isStale ? 1 : 0 },
    reviewState: null,
    reviewDueAt: null,
  });

  test('first match wins in the order of the spec', () => {
    expect(rollUp([page('approved', true), page('changes_requested')])).toBe('stale');
    expect(rollUp([page('changes_requested'), page('approved'), page('in_approval')])).toBe('has_rejections');
    expect(rollUp([page('approved'), page('approved')])).toBe('all_approved');
    expect(rollUp([page('approved'), page('in_approval')])).toBe('partially_approved');
    expect(rollUp([page('approved'), page('draft')])).toBe('partially_approved');
    expect(rollUp([page('in_approval'), page('draft')])).toBe('in_review');
  });

  test('end to end: open → in_review → partially_approved → has_rejections → stale, with per-page enrichment', async () => {
    const env = await setup();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Roll', pageRefs: refs('2001', '2002', '2003') });
    const roll = async () => (await env.engine.changeSets.get(api(BOB), cs.id)).rollupState;
    expect(await roll()).toBe('open');
    const sub = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(await roll()).toBe('in_review');
    await env.engine.approvals.decide(ui(CAROL), sub.results[0].approvalId!, 'approve');
    expect(await roll()).toBe('partially_approved');
    await env.engine.approvals.decide(ui(DAVE), sub.results[1].approvalId!, 'reject', 'The diagram does not match the code');
    expect(await roll()).toBe('has_rejections');
    const v = env.site.getPageForRender('2001')!.version;
    await env.site.editPage('2001', { accountId: BOB, body: '<p>edited</p>' });
    const view = await env.engine.changeSets.get(api(BOB), cs.id);
    expect(view.rollupState).toBe('stale');
    expect(view.pages[0]).toMatchObject({ pageId: '2001', approvalStatus: 'approved', approvedAtVersion: v, currentPageVersion: v + 1, isStale: true, versionDelta: 1, approvalId: sub.results[0].approvalId });
    expect(view.pages[1]).toMatchObject({ approvalStatus: 'changes_requested', approvedAtVersion: null });
  });
});

describe('preflight and submit', () => {
  test('partial success: eligible pages are submitted, others skipped with their code; preflight predicted it', async () => {
    const env = await setup();
    await env.engine.approvals.submitPage(ui(BOB), '2002'); // already pending
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 9', summary: 'Sum', referenceUrl: 'https://example.com/pr/9', pageRefs: refs('2001', '2002', '2011', '2012') });
    const pre = await env.engine.changeSets.preflight(api(BOB), cs.id);
    expect(pre.summary).toEqual({ total: 4, submittable: 2, blocked: 2 });
    expect(pre.results.map((r) => [r.pageId, r.canSubmit, r.code ?? null])).toEqual([
      ['2001', true, null],
      ['2002', false, 'PENDING_APPROVAL'],
      ['2011', false, 'PAGE_NOT_PUBLISHED'],
      ['2012', true, null],
    ]);
    expect(pre.results[1].reason).toBe('Page already has a pending approval');
    expect(pre.results[3].warnings?.map((w) => w.code)).toEqual(['APPROVER_CANNOT_VIEW', 'APPROVER_CANNOT_VIEW']);

    const result = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(result.submittedCount).toBe(2);
    expect(result.skippedCount).toBe(2);
    expect(result.results.map((r) => [r.pageId, r.success, r.code ?? null])).toEqual(pre.results.map((r) => [r.pageId, r.canSubmit, r.code ?? null]));
    const ok = result.results[0];
    expect(ok).toMatchObject({ workflowId: 'wf-eng-review', approvalId: expect.any(String) });
    const status = await env.engine.approvals.pageStatus(ui(BOB), '2001');
    expect(status.pending!.approval).toMatchObject({ changeSetId: cs.id, source: 'api', clientId: 'client-ci' });

    const records = (await env.auditRecords()).filter((r) => r.changeSetId === cs.id);
    expect(records.map((r) => r.action)).toEqual(['changeset.created', 'approval.submitted', 'approval.submitted', 'changeset.submitted', 'changeset.rollup_changed']);
    expect(records[4].details).toEqual({ rollupState: 'in_review', previousRollupState: 'open' });
    expect(records[3].details).toMatchObject({ title: 'PR 9', summary: 'Sum', referenceUrl: 'https://example.com/pr/9', submittedCount: 2, skippedCount: 2 });
    // the notification names the change set
    const comment = env.site.listComments('2001').at(-1)!;
    expect(comment.body).toContain('PR 9');
    expect(comment.body).toContain('https://example.com/pr/9');
  });

  test('WRONG_SPACE when a page is no longer in the change set space (eligibility function)', () => {
    const result = checkEligibility({
      callerId: BOB,
      pageId: '3001',
      page: { id: '3001', spaceId: DOCS, title: 't', status: 'current', version: 1 },
      canRead: true,
      canEdit: true,
      expectedSpaceId: ENG,
      latest: undefined,
      assigned: undefined,
      spaceWorkflows: [],
      groupMembers: new Map(),
    });
    expect(result).toMatchObject({ ok: false, code: 'WRONG_SPACE' });
  });
});

describe('listing', () => {
  test('newest first, cursor paging, status and rollupState filters', async () => {
    const env = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      env.tick();
      ids.push((await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: `PR ${i}`, pageRefs: refs(String(2001 + i)) })).id);
    }
    await env.engine.changeSets.archive(api(BOB), ids[0]);
    await env.engine.changeSets.submit(api(BOB), ids[4]);
    const first = await env.engine.changeSets.list(api(BOB), { spaceId: ENG, limit: 2 });
    expect(first.items.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    const second = await env.engine.changeSets.list(api(BOB), { spaceId: ENG, limit: 2, cursor: first.nextCursor });
    expect(second.items.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    expect((await env.engine.changeSets.list(api(BOB), { spaceId: ENG, status: 'archived' })).items.map((c) => c.id)).toEqual([ids[0]]);
    expect((await env.engine.changeSets.list(api(BOB), { spaceId: ENG, status: 'open' })).items).toHaveLength(4);
    expect((await env.engine.changeSets.list(api(BOB), { spaceId: ENG, rollupState: 'in_review' })).items.map((c) => c.id)).toEqual([ids[4]]);
    expect(await codeOf(env.engine.changeSets.list(api(BOB), { spaceId: ENG, rollupState: 'bogus' }))).toBe('INVALID_REQUEST');
    expect((await env.engine.changeSets.forPage(ui(BOB), '2005')).items.map((c) => c.id)).toEqual([ids[4]]);
  });
});

describe('change sets of a page (the macro panel)', () => {
  it('follows creates and page-list updates, with a constant number of store queries however many change sets the space has', async () => {
    let counting: CountingStore | undefined;
    const env = await setup({ wrap: (s) => (counting = new CountingStore(s)) });
    for (let i = 0; i < 210; i++) await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: `Other ${i}`, pageRefs: refs('2003') });
    const mine = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Mine', pageRefs: refs('2001', '2002') });

    counting!.reset();
    expect((await env.engine.changeSets.forPage(ui(BOB), '2001')).items.map((c) => c.id)).toEqual([mine.id]);
    expect(counting!.counts.query).toBeLessThanOrEqual(2);

    await env.engine.changeSets.update(api(BOB), mine.id, { pageRefs: refs('2002') });
    expect((await env.engine.changeSets.forPage(ui(BOB), '2001')).items).toEqual([]);
    expect((await env.engine.changeSets.forPage(ui(BOB), '2002')).items.map((c) => c.id)).toEqual([mine.id]);
    // once indexed, no change set stays marked as unindexed
    expect((await env.store.query({ prefix: `cs-unindexed:${ENG}:` })).items).toEqual([]);
  });

  it('still finds a change set whose membership entries were lost to a crash right after it committed', async () => {
    // 25 pages: too many for the membership to join the create transaction, so it follows it
    let faulty: FaultyStore | undefined;
    const env = await setup({ extraPages: 25, wrap: (s) => (faulty = new FaultyStore(s, { failAtWrite: 2 })) });
    const pageRefs = Array.from({ length: 25 }, (_, i) => ({ pageId: String(4001 + i) }));
    const created = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Crashed', pageRefs });
    expect(faulty!.transactCalls).toBeGreaterThanOrEqual(2);
    // the last page's entry never fits the create transaction (the first ones may ride in it)
    expect((await env.store.query({ prefix: 'cs-page:4025:' })).items).toEqual([]);
    expect((await env.store.query({ prefix: `cs-unindexed:${ENG}:` })).items).toHaveLength(1);
    expect((await env.engine.changeSets.forPage(ui(BOB), '4025')).items.map((c) => c.id)).toEqual([created.id]);
  });

  it('writes a small change set and its membership in one transaction', async () => {
    let faulty: FaultyStore | undefined;
    const env = await setup({ wrap: (s) => (faulty = new FaultyStore(s, { failAtWrite: 2 })) });
    const created = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Small', pageRefs: refs('2004') });
    expect(faulty!.transactCalls).toBe(1);
    expect((await env.store.query({ prefix: 'cs-page:2004:' })).items.map((i) => i.value)).toEqual([{ changeSetId: created.id }]);
    expect((await env.store.query({ prefix: 'cs-unindexed:' })).items).toEqual([]);
  });
});

/** Records every transaction's ops; `before` runs first (to play a concurrent writer). */
class TxRecorder extends StoreDecorator {
  readonly tx: TxOp[][] = [];
  before?: (ops: TxOp[]) => Promise<void>;
  override async transact(ops: TxOp[]): Promise<void> {
    this.tx.push(ops);
    await this.before?.(ops);
    return this.inner.transact(ops);
  }
}

describe('a large change set\'s membership (issue 23: the marker\'s delete rides in the last chunk)', () => {
  const pageRefs = Array.from({ length: 100 }, (_, i) => ({ pageId: String(4001 + i) }));
  const units = (ops: TxOp[]) => Math.ceil(txPayloadBytes(ops) / STORE_LIMITS.writeUnitBytes);
  const entriesOf = async (env: Awaited<ReturnType<typeof setup>>, id: string) => {
    const found = await Promise.all(pageRefs.map(async ({ pageId }) => (await env.store.query({ prefix: `cs-page:${pageId}:` })).items.filter((i) => (i.value as { changeSetId: string }).changeSetId === id)));
    return found.filter((items) => items.length === 1).length;
  };

  it('writes 100 pages in the change set\'s transaction and four more, the marker cleared in the last: no transaction carries only the delete', async () => {
    let recorder: TxRecorder | undefined;
    const env = await setup({ extraPages: 100, wrap: (s) => (recorder = new TxRecorder(s)) });
    recorder!.tx.length = 0;
    const created = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Big', pageRefs });
    expect(await entriesOf(env, created.id)).toBe(100);
    expect((await env.store.query({ prefix: `cs-unindexed:${ENG}:` })).items).toEqual([]);
    const [own, ...followUps] = recorder!.tx;
    expect(followUps).toHaveLength(4);
    // the change set's transaction carries entries, and they cost it no write unit more
    const inline = own.filter((op) => op.key.startsWith('cs-page:'));
    expect(inline.length).toBeGreaterThan(0);
    expect(units(own)).toBe(units(own.filter((op) => !op.key.startsWith('cs-page:'))));
    const deletes = followUps.map((ops) => ops.filter((op) => op.op === 'delete').map((op) => op.key.split(':')[0]));
    expect(deletes).toEqual([[], [], [], ['cs-unindexed']]);
    expect(followUps.every((ops) => ops.some((op) => op.op === 'put'))).toBe(true);
  });

  it('keeps the marker a later version set meanwhile, and still writes every entry', async () => {
    let recorder: TxRecorder | undefined;
    const env = await setup({ extraPages: 100, wrap: (s) => (recorder = new TxRecorder(s)) });
    // an update re-marks the set just before the last chunk commits: the delete's condition fails
    recorder!.before = async (ops) => {
      const clear = ops.find((op) => op.op === 'delete' && op.key.startsWith('cs-unindexed:'));
      if (!clear) return;
      recorder!.before = undefined;
      await env.store.transact([{ op: 'put', key: clear.key, value: { changeSetId: clear.key.split(':')[2], version: 2 } }]);
    };
    const created = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Re-marked', pageRefs });
    expect(await entriesOf(env, created.id)).toBe(100);
    expect((await env.store.query({ prefix: `cs-unindexed:${ENG}:` })).items.map((i) => i.value)).toEqual([{ changeSetId: created.id, version: 2 }]);
  });

  it('makes Forge read nothing first: every put of a new change set is conditioned absent (issue 23 item 2)', async () => {
    let recorder: TxRecorder | undefined;
    const env = await setup({ extraPages: 100, wrap: (s) => (recorder = new TxRecorder(s)) });
    recorder!.tx.length = 0;
    await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'No pre-reads', pageRefs });
    const unconditioned = recorder!.tx.flat().filter((op) => op.op === 'put' && !op.entity && op.condition === undefined).map((op) => op.key);
    expect(unconditioned).toEqual([]);
  });

  it('an entry a concurrent update wrote first fails its chunk once: the entries go again unconditioned and the marker is still cleared', async () => {
    let recorder: TxRecorder | undefined;
    const env = await setup({ extraPages: 100, wrap: (s) => (recorder = new TxRecorder(s)) });
    recorder!.before = async (ops) => {
      const entry = ops.find((op) => op.op === 'put' && op.key.startsWith('cs-page:4100:'));
      if (!entry || entry.op !== 'put') return;
      recorder!.before = undefined;
      await env.store.transact([{ op: 'put', key: entry.key, value: entry.value }]);
    };
    const created = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Raced', pageRefs });
    expect(await entriesOf(env, created.id)).toBe(100);
    expect((await env.store.query({ prefix: `cs-unindexed:${ENG}:` })).items).toEqual([]);
  });

  it('a crash before the last chunk leaves the marker: the pages of the unwritten chunk still find the set', async () => {
    let faulty: FaultyStore | undefined;
    // transaction 1 is the change set's, 2..5 its chunks: the last one fails
    const env = await setup({ extraPages: 100, wrap: (s) => (faulty = new FaultyStore(s, { failAtWrite: 5 })) });
    faulty!.transactCalls = 0;
    const created = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Crashed late', pageRefs });
    expect(faulty!.transactCalls).toBe(5);
    expect((await env.store.query({ prefix: 'cs-page:4100:' })).items).toEqual([]);
    expect((await env.store.query({ prefix: `cs-unindexed:${ENG}:` })).items).toHaveLength(1);
    expect((await env.engine.changeSets.forPage(ui(BOB), '4100')).items.map((c) => c.id)).toEqual([created.id]);
  });
});
