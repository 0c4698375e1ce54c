/**
 * The REST API over the real engine and local site: what a CI integration does, end to end, with every
 * response checked against the committed OpenAPI document.
 */
import { createRealApi } from './real-app';
import { call, type CallOptions, type CallResult } from './helpers';
import { assertMatchesOpenApi } from './openapi-validator';
import type { ApiRouteKey } from '../../src/transport/api/routes';

let app: Awaited<ReturnType<typeof createRealApi>>;

beforeEach(async () => {
  app = await createRealApi();
});

/** Calls a route and validates the answer against docs/openapi.json. */
async function api(key: ApiRouteKey, options: CallOptions = {}): Promise<CallResult> {
  const res = await call(app.handlers, key, options);
  assertMatchesOpenApi(key, res);
  return res;
}

it('CI flow: create, preflight, submit, status; audit records are tagged api + client id', async () => {
  const created = await api('changeset-create', {
    body: { spaceId: '1001', title: 'PR #42: docs', referenceUrl: 'https://git.example.com/pr/42', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }, { pageId: '2011' }] },
    idempotencyKey: 'create-42',
  });
  expect(created.status).toBe(201);
  const changeSet = created.json.changeSet;
  expect(changeSet).toMatchObject({ spaceId: '1001', status: 'open', rollupState: 'open', createdBy: 'acc-bob', version: 1 });

  const preflight = await api('changeset-preflight', { body: { changeSetId: changeSet.id } });
  expect(preflight.json.summary).toEqual({ total: 3, submittable: 2, blocked: 1 });
  expect(preflight.json.results.find((r: { pageId: string }) => r.pageId === '2011')).toMatchObject({ canSubmit: false, code: 'PAGE_NOT_PUBLISHED' });

  const submitted = await api('changeset-submit', { body: { changeSetId: changeSet.id }, idempotencyKey: 'submit-42' });
  expect(submitted.json).toMatchObject({ success: true, submittedCount: 2, skippedCount: 1 });
  // Preflight predicted submit exactly.
  for (const r of preflight.json.results) {
    expect(submitted.json.results.find((s: { pageId: string }) => s.pageId === r.pageId)).toMatchObject({ success: r.canSubmit });
  }
  const replay = await api('changeset-submit', { body: { changeSetId: changeSet.id }, idempotencyKey: 'submit-42' });
  expect(replay.json).toEqual({ ...submitted.json, replayed: true });

  const status = await api('page-status', { query: { pageId: '2001' } });
  expect(status.json).toMatchObject({ success: true, pageId: '2001', state: 'in_approval', pending: { activeStep: 0, approvers: ['acc-carol', 'acc-dave'] } });

  const detail = await api('changeset-detail', { query: { changeSetId: changeSet.id } });
  expect(detail.json.changeSet.rollupState).toBe('in_review');

  app.settleIndexes(); // the audit trail is read through index queries, which may lag
  const records = await app.store.auditRecords();
  const apiWrites = records.filter((r) => r.action === 'changeset.created' || r.action === 'approval.submitted' || r.action === 'changeset.submitted');
  expect(apiWrites.length).toBeGreaterThanOrEqual(3);
  for (const r of apiWrites) expect({ actor: r.actor, source: r.source, clientId: r.clientId }).toEqual({ actor: 'acc-bob', source: 'api', clientId: 'client-ci' });
  // The idempotent replay wrote nothing: one approval.submitted per submitted page.
  expect(records.filter((r) => r.action === 'approval.submitted')).toHaveLength(2);
});

it('single page: preflight, submit (201), then 409 PENDING_APPROVAL with the exact reason', async () => {
  const pre = await api('page-preflight', { body: { pageId: '2003' } });
  expect(pre.json).toMatchObject({ success: true, pageId: '2003', canSubmit: true, workflowId: 'wf-eng-review' });
  const first = await api('page-submit', { body: { pageId: '2003' } });
  expect(first.status).toBe(201);
  // the space's single enabled workflow decided (SPEC 2.2a), and status reports the same
  expect(first.json).toEqual({ success: true, pageId: '2003', approvalId: expect.any(String), workflowId: 'wf-eng-review', status: 'pending', routedBy: { kind: 'default' } });
  const status = await api('page-status', { query: { pageId: '2003' } });
  expect(status.json).toMatchObject({ routedBy: { kind: 'default' }, latestApproval: { id: first.json.approvalId, routedBy: { kind: 'default' } } });
  const again = await api('page-submit', { body: { pageId: '2003' } });
  expect(again.status).toBe(409);
  expect(again.json).toMatchObject({ code: 'PENDING_APPROVAL', error: 'Page already has a pending approval' });
});

it('a DOCS page with two active workflows needs a workflowId; NO_WORKFLOW-style refusals are 409', async () => {
  const pre = await api('page-preflight', { body: { pageId: '3001' } });
  expect(pre.json.canSubmit).toBe(false);
  const refused = await api('page-submit', { body: { pageId: '3001' } });
  expect(refused.status).toBe(409);
  expect(refused.json.code).toBe(pre.json.code);
  const chosen = await api('page-submit', { body: { pageId: '3001', workflowId: 'wf-docs-quick' } });
  expect([chosen.status, chosen.json.workflowId]).toEqual([201, 'wf-docs-quick']);
});

it('audit A#12: a submit whose chosen workflow binds the page (first submission) reports routedBy assignment, as preflight before and after and status do', async () => {
  const assignment = { kind: 'assignment' };
  // DOCS has two enabled workflows and 3001 no assignment: the author's choice becomes the page's assignment (SPEC 2.2)
  const before = await api('page-preflight', { body: { pageId: '3001', workflowId: 'wf-docs-quick' } });
  expect(before.json).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-quick', routedBy: assignment });
  const submitted = await api('page-submit', { body: { pageId: '3001', workflowId: 'wf-docs-quick' } });
  expect([submitted.status, submitted.json.routedBy]).toEqual([201, assignment]);
  expect((await api('page-status', { query: { pageId: '3001' } })).json).toMatchObject({ routedBy: assignment, latestApproval: { routedBy: assignment } });
  await app.engine.approvals.cancel({ accountId: 'acc-bob', source: 'ui' }, submitted.json.approvalId);
  expect((await api('page-preflight', { body: { pageId: '3001' } })).json).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-quick', routedBy: assignment });
});

it('audit A#13: NO_ELIGIBLE_APPROVER names the submitter the self-approval rule excluded, in preflight and submit alike', async () => {
  const alice = { accountId: 'acc-alice', source: 'ui' } as const;
  const solo = await app.engine.workflows.create(alice, '1001', { name: 'Bob only', steps: [{ approvers: ['acc-bob'], mode: 'any' }] });
  await app.engine.workflows.assign(alice, '2008', solo.id);
  const pre = await api('page-preflight', { body: { pageId: '2008' } });
  expect(pre.json).toMatchObject({ canSubmit: false, code: 'NO_ELIGIBLE_APPROVER', details: [{ step: 1, group: 'approvers', required: 1, excluded: ['acc-bob'] }] });
  const refused = await api('page-submit', { body: { pageId: '2008' } });
  expect([refused.status, refused.json.code]).toEqual([409, 'NO_ELIGIBLE_APPROVER']);
  expect(refused.json.details[1]).toMatchObject({ field: 'steps[0].groups.approvers', reason: expect.stringContaining('acc-bob') });
});

it('audit A#11: a submit naming an unknown or other-space workflow is 409 WORKFLOW_NOT_FOUND (not eligible, SPEC §3), as preflight predicts; workflow reads stay 404', async () => {
  for (const workflowId of ['wf-nope', 'wf-eng-review']) {
    const pre = await api('page-preflight', { body: { pageId: '3001', workflowId } });
    expect(pre.json).toMatchObject({ success: true, canSubmit: false, code: 'WORKFLOW_NOT_FOUND' });
    const refused = await api('page-submit', { body: { pageId: '3001', workflowId } });
    expect([refused.status, refused.json.code, refused.json.error]).toEqual([409, 'WORKFLOW_NOT_FOUND', pre.json.reason]);
  }
  // a missing workflow object is still 404 where the workflow itself is asked for
  const read = await app.engine.workflows.get({ accountId: 'acc-bob', source: 'ui' }, 'wf-nope').then(
    () => undefined,
    (e: { status: number; code: string }) => [e.status, e.code],
  );
  expect(read).toEqual([404, 'WORKFLOW_NOT_FOUND']);
});

it('update: optimistic concurrency with expectedVersion; archive is read-only afterwards', async () => {
  const created = await api('changeset-create', { body: { spaceId: '1001', title: 'PR 7', pageRefs: [{ pageId: '2004' }] } });
  const id = created.json.changeSet.id;
  const updated = await api('changeset-update', { body: { changeSetId: id, title: 'PR 7 (rebased)', pageRefs: [{ pageId: '2004' }, { pageId: '2005' }], expectedVersion: 1 } });
  expect(updated.json.changeSet).toMatchObject({ title: 'PR 7 (rebased)', version: 2, pageRefs: [{ pageId: '2004' }, { pageId: '2005' }] });
  const stale = await api('changeset-update', { body: { changeSetId: id, title: 'lost update', expectedVersion: 1 } });
  expect([stale.status, stale.json.code]).toEqual([409, 'VERSION_CONFLICT']);

  const archived = await api('changeset-archive', { body: { changeSetId: id } });
  expect(archived.json.changeSet.status).toBe('archived');
  const afterArchive = await api('changeset-update', { body: { changeSetId: id, title: 'too late' } });
  expect(afterArchive.status).toBe(409);
  const submitArchived = await api('changeset-submit', { body: { changeSetId: id } });
  expect(submitArchived.status).toBe(409);
});

it('referenceUrl is cleared by null on update (audit B12); an empty string is still a 400', async () => {
  const created = await api('changeset-create', { body: { spaceId: '1001', title: 'PR 8', referenceUrl: 'https://git.example.com/pr/8', pageRefs: [{ pageId: '2004' }] } });
  const id = created.json.changeSet.id;
  const empty = await api('changeset-update', { body: { changeSetId: id, referenceUrl: '' } });
  expect([empty.status, empty.json.code, empty.json.details?.[0]?.field]).toEqual([400, 'INVALID_REQUEST', 'referenceUrl']);
  const cleared = await api('changeset-update', { body: { changeSetId: id, referenceUrl: null } });
  expect(cleared.status).toBe(200);
  expect(cleared.json.changeSet).toMatchObject({ version: 2, title: 'PR 8' });
  expect(cleared.json.changeSet).not.toHaveProperty('referenceUrl');
  expect((await api('changeset-detail', { query: { changeSetId: id } })).json.changeSet).not.toHaveProperty('referenceUrl');
  app.settleIndexes(); // AF_PROFILE=strict: the trail is listed through its index
  const record = (await app.store.auditRecords()).filter((r) => r.action === 'changeset.updated').pop();
  expect(record?.details).toMatchObject({ fields: ['referenceUrl'], version: 2 });
  expect(record?.details).not.toHaveProperty('referenceUrl');
  // leaving it out keeps it; setting it again works
  const set = await api('changeset-update', { body: { changeSetId: id, referenceUrl: 'https://git.example.com/pr/9' } });
  expect(set.json.changeSet.referenceUrl).toBe('https://git.example.com/pr/9');
  expect((await api('changeset-update', { body: { changeSetId: id, title: 'PR 9' } })).json.changeSet.referenceUrl).toBe('https://git.example.com/pr/9');
});

it('archive is refused while a page submitted through the change set is pending', async () => {
  const created = await api('changeset-create', { body: { spaceId: '1001', title: 'PR 8', pageRefs: [{ pageId: '2006' }] } });
  await api('changeset-submit', { body: { changeSetId: created.json.changeSet.id } });
  const res = await api('changeset-archive', { body: { changeSetId: created.json.changeSet.id } });
  expect(res.status).toBe(409);
});

it('list: filters, paging with limit and nextCursor, and an invalid cursor is 400', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push((await api('changeset-create', { body: { spaceId: '1001', title: `PR ${i}`, pageRefs: [{ pageId: '2007' }] } })).json.changeSet.id);
  }
  await api('changeset-archive', { body: { changeSetId: ids[0] } });
  app.settleIndexes(); // the change-set list may lag a create (docs/decisions.md, issue 18)
  const first = await api('changesets-list', { query: { spaceId: '1001', limit: '2' } });
  expect(first.json.changeSets).toHaveLength(2);
  expect(typeof first.json.nextCursor).toBe('string');
  const second = await api('changesets-list', { query: { spaceId: '1001', limit: '2', cursor: first.json.nextCursor } });
  expect(second.json.nextCursor).toBeNull();
  const seen = [...first.json.changeSets, ...second.json.changeSets].map((c: { id: string }) => c.id);
  expect(seen.sort()).toEqual([...ids].sort());

  const open = await api('changesets-list', { query: { spaceId: '1001', status: 'open' } });
  expect(open.json.changeSets.map((c: { id: string }) => c.id).sort()).toEqual([ids[1], ids[2]].sort());
  const rolled = await api('changesets-list', { query: { spaceId: '1001', rollupState: 'in_review' } });
  expect(rolled.json.changeSets).toEqual([]);

  const bad = await api('changesets-list', { query: { spaceId: '1001', cursor: 'not-a-cursor' } });
  expect(bad.status).toBe(400);
});

it('unknown change set → 404; a page outside the change set space → 400 WRONG_SPACE naming pageRefs', async () => {
  const unknown = await api('changeset-detail', { query: { changeSetId: 'cs_doesnotexist' } });
  expect([unknown.status, unknown.json.code]).toEqual([404, 'CHANGE_SET_NOT_FOUND']);
  const wrongSpace = await api('changeset-create', { body: { spaceId: '1001', title: 'mixed', pageRefs: [{ pageId: '3001' }] } });
  expect([wrongSpace.status, wrongSpace.json.code, wrongSpace.json.details[0].field]).toEqual([400, 'WRONG_SPACE', 'pageRefs']);
});

it('an idempotent create re-run after its response was lost returns the same change set, never a twin', async () => {
  const body = { spaceId: '1001', title: 'PR #77', pageRefs: [{ pageId: '2003' }] };
  const first = await api('changeset-create', { body, idempotencyKey: 'pr-77' });
  expect(first.status).toBe(201);
  // The invocation died after the change committed but before its response was stored: the
  // idempotency record is gone (as after the in-progress lease), so the retry executes again.
  app.settleIndexes(); // this test inspects the store through a query
  const idemKeys = (await app.store.query({ prefix: 'idem:', limit: 100 })).items.map((i) => i.key);
  expect(idemKeys).toHaveLength(1);
  await app.store.transact(idemKeys.map((key) => ({ op: 'delete' as const, key })));

  const retry = await api('changeset-create', { body, idempotencyKey: 'pr-77' });
  expect(retry.status).toBe(201);
  expect(retry.json.changeSet.id).toBe(first.json.changeSet.id);
  const list = await api('changesets-list', { query: { spaceId: '1001' } });
  expect(list.json.changeSets.filter((c: { title: string }) => c.title === 'PR #77')).toHaveLength(1);
  const created = (await app.engine.audit.list({ accountId: 'acc-alice', source: 'ui' }, { action: 'changeset.created' }, { limit: 100 })).items;
  expect(created.filter((r) => r.changeSetId === first.json.changeSet.id)).toHaveLength(1);

  // The same key from another client is another request: a new change set.
  const other = await api('changeset-create', { body, idempotencyKey: 'pr-77', clientId: 'other-client' });
  expect(other.status).toBe(201);
  expect(other.json.changeSet.id).not.toBe(first.json.changeSet.id);
});
