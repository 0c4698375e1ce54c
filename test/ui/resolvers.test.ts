/**
 * Custom UI resolvers against the real engine, store and local Confluence site, called exactly as
 * Forge calls them: the @forge/resolver definitions handler with a client context and the
 * platform's principal.
 */
import { failingEngineFactory, perInvocationEngines } from '../support/caller-bound-engine';
import { resolverCall, type Reply } from '../security/resolver-app';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { seedWorkflows } from '../../src/core/services';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { DEFAULT_INDEX_LAG_MS, EventualIndexStore, storeForProfile } from '../../src/adapters/store/eventual-index-store';
import type { KeyValueStore } from '../../src/core/ports/store';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { RandomIds } from '../../src/adapters/system/random-ids';
import { localSeedWorkflows } from '../../local/app';
import { profileFromEnv } from '../../local/profile';
import { createLocalSite } from '../../local/site';
import { API_SCOPES, createResolverHandler } from '../../src/transport/resolvers';


let store: KeyValueStore;
let handler: ReturnType<typeof createResolverHandler>;
let displayNamesCalls: Array<{ invocation: unknown; caller: unknown; ids: string[] }>;

beforeEach(async () => {
  const clock = new SystemClock();
  // AF_PROFILE=strict: index queries lag writes as on Forge
  const base = new MemoryStore();
  store = storeForProfile(base, profileFromEnv(), { clock, lagMs: DEFAULT_INDEX_LAG_MS });
  const site = createLocalSite({ profile: profileFromEnv() });
  const deps = { store, confluence: new RestConfluenceSite(site.transport()), clock, ids: new RandomIds() };
  const built = perInvocationEngines(deps, site, profileFromEnv(), 'resolver');
  displayNamesCalls = [];
  // Records what each invocation's engine was asked for people names (who asked, which ids).
  const engines: typeof built = (invocation) => {
    const e = built(invocation);
    const displayNames = e.people.displayNames.bind(e.people);
    e.people.displayNames = (caller, ids) => (displayNamesCalls.push({ invocation, caller, ids }), displayNames(caller, ids));
    return e;
  };
  // seeded on the inner store: the seed stands for the site's past, long indexed
  await seedWorkflows({ ...deps, store: base }, localSeedWorkflows(Date.now()));
  handler = createResolverHandler(engines, { appId: 'app-uuid', store });
});

/** Waits out the index lag (AF_PROFILE=strict) before a read documented as allowed to lag a write (docs/decisions.md, issue 18). */
function settleIndexes(): void {
  if (store instanceof EventualIndexStore) store.settle();
}

/** One resolver call, as Forge makes it. */
async function invoke(accountId: string | undefined, functionKey: string, payload: object = {}, where: { pageId?: string; spaceId?: string } = {}): Promise<Reply> {
  return (await handler(...resolverCall(accountId, functionKey, payload, where))) as Reply;
}

async function pageState(accountId: string, pageId: string): Promise<string> {
  const r = await invoke(accountId, 'page.status', { pageId });
  expect(r.success).toBe(true);
  return r.status.state;
}

async function submitAsBob(pageId: string): Promise<string> {
  const r = await invoke('acc-bob', 'page.submit', {}, { pageId });
  expect(r).toMatchObject({ success: true, approval: { pageId, status: 'pending', submittedBy: 'acc-bob', source: 'ui' } });
  return r.approval.id;
}

describe('identity', () => {
  it('refuses every call without a platform account and does nothing', async () => {
    const r = await invoke(undefined, 'page.submit', { pageId: '2001' });
    expect(r).toEqual({ success: false, code: 'UNAUTHENTICATED', error: expect.any(String) });
    expect(await pageState('acc-bob', '2001')).toBe('draft');
  });

  it('rejects an accountId in the payload instead of acting as that user', async () => {
    const r = await invoke('acc-bob', 'approval.decide', { approvalId: 'x', decision: 'approve', accountId: 'acc-carol' });
    expect(r.success).toBe(false);
    expect(r.code).toBe('INVALID_REQUEST');
    expect(r.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'accountId', code: 'UNKNOWN_FIELD' })]));

    const submit = await invoke('acc-erin', 'page.submit', { pageId: '2001', accountId: 'acc-bob' });
    expect(submit).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await pageState('acc-bob', '2001')).toBe('draft');
  });

  it('acts as the context account: the submitter is the principal, source ui', async () => {
    const approvalId = await submitAsBob('2001');
    const r = await invoke('acc-carol', 'page.status', {}, { pageId: '2001' });
    expect(r).toMatchObject({ success: true, status: { state: 'in_approval', pending: { approval: { id: approvalId } } } });
    expect(r.status.pending.approvers).toEqual(expect.arrayContaining(['acc-carol', 'acc-dave']));
    expect(await invoke('acc-alice', 'context.me', {}, { pageId: '2001' })).toEqual({ success: true, accountId: 'acc-alice', moduleKey: 'approvalflow-macro', pageId: '2001' });
  });

  it('does not trust the page id of the context: a restricted page stays hidden', async () => {
    const r = await invoke('acc-erin', 'page.status', {}, { pageId: '2012' });
    // Exactly the answer for a page that does not exist: nothing tells erin that 2012 is there.
    expect(r).toEqual(await invoke('acc-erin', 'page.status', {}, { pageId: '999999' }));
    expect(r).toMatchObject({ success: false, code: 'PAGE_NOT_FOUND' });
    expect(r).not.toHaveProperty('status');
  });

  it('asks for a page when neither payload nor context name one', async () => {
    expect(await invoke('acc-bob', 'page.status', {})).toMatchObject({ success: false, code: 'PAGE_ID_REQUIRED' });
  });
});

describe('approval.decide and approval.cancel', () => {
  it('lets an approver of the active step approve, and the page becomes Approved', async () => {
    const approvalId = await submitAsBob('2001');
    const notApprover = await invoke('acc-bob', 'approval.decide', { approvalId, decision: 'approve' });
    expect(notApprover).toMatchObject({ success: false, code: 'NOT_AN_APPROVER' });

    const ok = await invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve', comment: 'Looks good' });
    expect(ok).toMatchObject({ success: true, approval: { id: approvalId, status: 'approved' } });
    expect(await pageState('acc-bob', '2001')).toBe('approved');
    const history = await invoke('acc-bob', 'page.history', { pageId: '2001' });
    expect(history.approvals[0].decisions).toEqual([expect.objectContaining({ accountId: 'acc-carol', decision: 'approve', comment: 'Looks good' })]);
  });

  it('requires a rejection comment of 20 characters (engine) and at most 280 (schema)', async () => {
    const approvalId = await submitAsBob('2002');
    const short = await invoke('acc-dave', 'approval.decide', { approvalId, decision: 'reject', comment: 'no' });
    expect(short).toMatchObject({ success: false, code: 'COMMENT_REQUIRED' });
    const long = await invoke('acc-dave', 'approval.decide', { approvalId, decision: 'reject', comment: 'x'.repeat(281) });
    expect(long).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'comment' })] });
    const bad = await invoke('acc-dave', 'approval.decide', { approvalId, decision: 'maybe' });
    expect(bad).toMatchObject({ success: false, code: 'INVALID_REQUEST' });

    const ok = await invoke('acc-dave', 'approval.decide', { approvalId, decision: 'reject', comment: 'Please add the rollout plan first.' });
    expect(ok).toMatchObject({ success: true, approval: { status: 'rejected' } });
    expect(await pageState('acc-bob', '2002')).toBe('changes_requested');
  });

  it('lets only the submitter cancel, and the page returns to Draft', async () => {
    const approvalId = await submitAsBob('2003');
    const byCarol = await invoke('acc-carol', 'approval.cancel', { approvalId });
    expect(byCarol).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect(await pageState('acc-bob', '2003')).toBe('in_approval');

    const byBob = await invoke('acc-bob', 'approval.cancel', { approvalId });
    expect(byBob).toMatchObject({ success: true, approval: { id: approvalId, status: 'cancelled' } });
    expect(await pageState('acc-bob', '2003')).toBe('draft');
    expect(await invoke('acc-bob', 'approval.cancel', { approvalId })).toMatchObject({ success: false, code: 'APPROVAL_NOT_PENDING' });
  });

  it('shows a preflight refusal with its stable code and reason', async () => {
    await submitAsBob('2004');
    const r = await invoke('acc-bob', 'page.preflight', {}, { pageId: '2004' });
    expect(r).toEqual({ success: true, result: expect.objectContaining({ pageId: '2004', canSubmit: false, code: 'PENDING_APPROVAL', reason: 'Page already has a pending approval' }) });
    const again = await invoke('acc-bob', 'page.submit', {}, { pageId: '2004' });
    expect(again).toMatchObject({ success: false, code: 'PENDING_APPROVAL', error: 'Page already has a pending approval' });
  });

  it('submits with the workflow the author picks when the space has several', async () => {
    const pf = await invoke('acc-bob', 'page.preflight', {}, { pageId: '3001' });
    expect(pf.result).toMatchObject({ canSubmit: false, code: 'NO_WORKFLOW', reason: 'No workflow assigned to page' });
    const r = await invoke('acc-bob', 'page.submit', { workflowId: 'wf-docs-legal' }, { pageId: '3001' });
    expect(r).toMatchObject({ success: true, approval: { workflowId: 'wf-docs-legal', pageId: '3001' } });
    const wrongSpace = await invoke('acc-bob', 'page.submit', { workflowId: 'wf-eng-review' }, { pageId: '3002' });
    expect(wrongSpace).toMatchObject({ success: false, code: 'WORKFLOW_NOT_FOUND' });
  });

  it('serves the macro overview in one call', async () => {
    await submitAsBob('2005');
    const r = await invoke('acc-bob', 'page.overview', {}, { pageId: '2005' });
    expect(r.success).toBe(true);
    expect(r.status.state).toBe('in_approval');
    expect(r.history).toHaveLength(1);
    expect(r.changeSets).toEqual([]);
    expect(r.workflows.map((w: { id: string }) => w.id)).toEqual(['wf-eng-review']);
  });
});

describe('audit', () => {
  it('refuses audit.list, audit.verify, the verification job and audit.export to a non-admin', async () => {
    for (const [key, payload] of [
      ['audit.list', {}],
      ['audit.verify', {}],
      ['audit.verifyJob.start', {}],
      ['audit.verifyJob.status', {}],
      ['audit.export', { format: 'csv' }],
    ] as const) {
      const r = await invoke('acc-bob', key, payload);
      expect(r.success).toBe(false);
      expect(r.code).toBe('FORBIDDEN');
      expect(r).not.toHaveProperty('records');
      expect(r).not.toHaveProperty('job');
    }
  });

  it('starts the verification job for a site admin and reports its status and result', async () => {
    const none = await invoke('acc-alice', 'audit.verifyJob.status', {});
    expect(none).toMatchObject({ success: true, job: null });
    const started = await invoke('acc-alice', 'audit.verifyJob.start', {});
    expect(started).toMatchObject({ success: true, state: 'running', naming: false, startedBy: 'acc-alice', verified: 0 });
    // no queue configured here: the engine runs each slice inline, so the job is done when start answers
    const status = await invoke('acc-alice', 'audit.verifyJob.status', {});
    expect(status.job).toMatchObject({ jobId: started.jobId, state: 'done', result: { ok: true } });
  });

  it('lists, filters and pages the trail for a site admin and verifies the chain', async () => {
    const approvalId = await submitAsBob('2001');
    await invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve' });
    settleIndexes(); // the audit trail may lag

    const submitted = await invoke('acc-alice', 'audit.list', { action: 'approval.submitted', pageId: '2001' });
    expect(submitted).toMatchObject({ success: true, records: [{ action: 'approval.submitted', actor: 'acc-bob', pageId: '2001', source: 'ui', approvalId }] });
    expect(submitted.records[0]).not.toHaveProperty('clientId');

    const first = await invoke('acc-alice', 'audit.list', { limit: 1 });
    expect(first.records).toHaveLength(1);
    expect(typeof first.nextCursor).toBe('string');
    const second = await invoke('acc-alice', 'audit.list', { limit: 1, cursor: first.nextCursor });
    expect(second.records).toHaveLength(1);
    // the next page holds the next record (by id: records the read's own sequencing linked a moment ago may still be listed unlinked, seq 0, under strict)
    expect(second.records[0].id).not.toBe(first.records[0].id);

    // links sequenced a moment ago may not show in the index yet (strict): verify reads the tail by key
    const verify = await invoke('acc-alice', 'audit.verify', {});
    expect(verify).toMatchObject({ success: true, ok: true, headHash: expect.any(String) });
    expect(verify.checked).toBeGreaterThanOrEqual(3);
    expect(verify).not.toHaveProperty('firstBadSeq');

    const csv = await invoke('acc-alice', 'audit.export', { format: 'csv', filters: { pageId: '2001' } });
    expect(csv).toMatchObject({ success: true, format: 'csv' });
    expect(csv.content).toContain('approval.submitted');
    const ndjson = await invoke('acc-alice', 'audit.export', { format: 'ndjson' });
    const lines = (ndjson.content as string).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(() => lines.map((l) => JSON.parse(l))).not.toThrow();
    // one chunk holds the whole of this small trail: no cursor to follow
    expect(ndjson.records).toBe(lines.length);
    expect(ndjson).not.toHaveProperty('nextCursor');
  });

  it('audit.export continues only with a cursor it sealed itself (issue 23 chunks)', async () => {
    const listed = await invoke('acc-alice', 'audit.list', { limit: 1 });
    expect(listed.nextCursor).toEqual(expect.any(String));
    expect(await invoke('acc-alice', 'audit.export', { format: 'csv', cursor: listed.nextCursor })).toMatchObject({ success: false, code: 'INVALID_CURSOR' });
    expect(await invoke('acc-alice', 'audit.export', { format: 'csv', cursor: 'not-a-cursor' })).toMatchObject({ success: false, code: 'INVALID_CURSOR' });
  });

  it('validates audit filters strictly', async () => {
    expect(await invoke('acc-alice', 'audit.list', { action: 'page.deleted' })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await invoke('acc-alice', 'audit.list', { from: 'yesterday' })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await invoke('acc-alice', 'audit.list', { limit: 1000 })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    // audit B12: `from` after `to` is the documented INVALID_FILTER (not an empty page), for the list and the export
    const reversed = { from: 5, to: 1 };
    expect(await invoke('acc-alice', 'audit.list', reversed)).toMatchObject({ success: false, code: 'INVALID_FILTER', details: [{ field: 'to' }] });
    expect(await invoke('acc-alice', 'audit.export', { format: 'csv', filters: reversed })).toMatchObject({ success: false, code: 'INVALID_FILTER' });
    expect(await invoke('acc-alice', 'audit.list', { from: 5, to: 5 })).toMatchObject({ success: true });
  });
});

describe('space views', () => {
  it('lists the queue of the space in the context, mine and all', async () => {
    await submitAsBob('2001');
    settleIndexes(); // the queue may lag a submit
    const mine = await invoke('acc-carol', 'queue.list', { mine: true }, { spaceId: '1001' });
    expect(mine).toMatchObject({ success: true, approvals: [expect.objectContaining({ pageId: '2001' })] });
    const bobs = await invoke('acc-bob', 'queue.list', { mine: true }, { spaceId: '1001' });
    expect(bobs).toMatchObject({ success: true, approvals: [] });
  });

  it('lets a space admin manage workflows and refuses an author', async () => {
    const steps = [{ name: 'Tech lead', approvers: ['acc-dave'], mode: 'any' }];
    const denied = await invoke('acc-bob', 'workflow.create', { name: 'Bob flow', steps }, { spaceId: '1001' });
    expect(denied).toMatchObject({ success: false, code: 'FORBIDDEN' });

    const created = await invoke('acc-alice', 'workflow.create', { name: 'Release review', steps }, { spaceId: '1001' });
    expect(created).toMatchObject({ success: true, workflow: { spaceId: '1001', name: 'Release review', enabled: true } });
    const id = created.workflow.id;
    const disabled = await invoke('acc-alice', 'workflow.setEnabled', { workflowId: id, enabled: false });
    expect(disabled.workflow.enabled).toBe(false);
    const renamed = await invoke('acc-alice', 'workflow.update', { workflowId: id, name: 'Release sign-off', expectedVersion: disabled.workflow.version });
    expect(renamed.workflow.name).toBe('Release sign-off');
    // read-your-writes even while the index lags (strict): the list merges the count key's ids
    const list = await invoke('acc-alice', 'workflow.list', {}, { spaceId: '1001' });
    expect(list.workflows.map((w: { id: string }) => w.id).sort()).toEqual([id, 'wf-eng-review'].sort());
    expect(await invoke('acc-alice', 'workflow.delete', { workflowId: id })).toEqual({ success: true, workflowId: id });
  });

  it('creates, preflights and submits a change set', async () => {
    const created = await invoke('acc-bob', 'changeSet.create', { title: 'PR #42', pageRefs: [{ pageId: '2006' }, { pageId: '2011' }] }, { spaceId: '1001' });
    expect(created).toMatchObject({ success: true, changeSet: { spaceId: '1001', title: 'PR #42', status: 'open' } });
    const changeSetId = created.changeSet.id;
    const pf = await invoke('acc-bob', 'changeSet.preflight', { changeSetId });
    expect(pf).toMatchObject({ success: true, summary: { total: 2, submittable: 1, blocked: 1 } });
    const sub = await invoke('acc-bob', 'changeSet.submit', { changeSetId });
    expect(sub).toMatchObject({ success: true, submittedCount: 1, skippedCount: 1 });
    settleIndexes(); // a page's change-set list may lag a create
    const forPage = await invoke('acc-bob', 'page.changeSets', {}, { pageId: '2006' });
    expect(forPage.changeSets.map((c: { id: string }) => c.id)).toEqual([changeSetId]);
    expect(await invoke('acc-bob', 'changeSet.create', { title: 'x', pageRefs: [{ pageId: '2006' }], referenceUrl: 'javascript:alert(1)' }, { spaceId: '1001' })).toMatchObject({
      success: false,
      code: 'INVALID_REQUEST',
    });
  });

  it('changeSet.update clears referenceUrl with null (audit B12)', async () => {
    const created = await invoke('acc-bob', 'changeSet.create', { title: 'PR #43', referenceUrl: 'https://git.example.com/pr/43', pageRefs: [{ pageId: '2006' }] }, { spaceId: '1001' });
    expect(created.changeSet.referenceUrl).toBe('https://git.example.com/pr/43');
    const cleared = await invoke('acc-bob', 'changeSet.update', { changeSetId: created.changeSet.id, referenceUrl: null });
    expect(cleared).toMatchObject({ success: true, changeSet: { version: 2 } });
    expect(cleared.changeSet).not.toHaveProperty('referenceUrl');
  });

  it('computes analytics from what the caller may read', async () => {
    const approvalId = await submitAsBob('2001');
    await invoke('acc-carol', 'approval.decide', { approvalId, decision: 'approve' });
    await submitAsBob('2002');
    settleIndexes(); // analytics read the indexes, which may lag
    const a = await invoke('acc-alice', 'analytics.summary', {}, { spaceId: '1001' });
    expect(a).toMatchObject({ success: true, spaceId: '1001', auditAvailable: true, cards: { inApproval: 1, total: 2, approved: 1, changesRequested: 0 } });
    expect(a.perDay).toHaveLength(30);
    expect(a.perDay.at(-1)).toMatchObject({ submitted: 2, approved: 1 });
    expect(a.medianHoursToDecision).toBeGreaterThanOrEqual(0);

    // Bob may not read the audit trail: he still gets the queue counts, and no outcome counts.
    const bob = await invoke('acc-bob', 'analytics.summary', {}, { spaceId: '1001' });
    expect(bob).toMatchObject({ success: true, auditAvailable: false, medianHoursToDecision: null, cards: { inApproval: 1, total: null, approved: null } });
  });
});

describe('people.names', () => {
  it('returns display names for the ids asked, leaving unknown ids out, acting as the context account', async () => {
    const r = await invoke('acc-erin', 'people.names', { accountIds: ['acc-carol', 'acc-dave', 'acc-nobody'] }, { pageId: '2001' });
    expect(r).toEqual({ success: true, names: { 'acc-carol': 'Carol Reviewer', 'acc-dave': 'Dave Reviewer' } });
    expect(displayNamesCalls).toEqual([
      { invocation: { actingAccountId: 'acc-erin', onDenied: expect.any(Function) }, caller: { accountId: 'acc-erin', source: 'ui' }, ids: ['acc-carol', 'acc-dave', 'acc-nobody'] },
    ]);
  });

  it('names group approvers by their Confluence group name, never by id; unknown and malformed group ids are left out', async () => {
    const r = await invoke('acc-bob', 'people.names', { accountIds: ['group:grp-eng-reviewers', 'group:grp-missing', 'group:a:b', 'acc-carol'] });
    expect(r).toEqual({ success: true, names: { 'group:grp-eng-reviewers': 'eng-reviewers', 'acc-carol': 'Carol Reviewer' } });
  });

  it('refuses a call without a platform account and an accountId in the payload', async () => {
    expect(await invoke(undefined, 'people.names', { accountIds: ['acc-carol'] })).toEqual({ success: false, code: 'UNAUTHENTICATED', error: expect.any(String) });
    const smuggled = await invoke('acc-bob', 'people.names', { accountIds: ['acc-carol'], accountId: 'acc-alice' });
    expect(smuggled).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(smuggled.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'accountId', code: 'UNKNOWN_FIELD' })]));
  });

  it('validates the id list: 1 to 250 ids, each an id', async () => {
    expect(await invoke('acc-bob', 'people.names', { accountIds: [] })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await invoke('acc-bob', 'people.names', {})).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await invoke('acc-bob', 'people.names', { accountIds: ['acc-carol', ''] })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    const many = Array.from({ length: 251 }, (_, i) => `acc-x${i}`);
    expect(await invoke('acc-bob', 'people.names', { accountIds: many })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await invoke('acc-bob', 'people.names', { accountIds: many.slice(1) })).toEqual({ success: true, names: {} });
  });
});

describe('envelope', () => {
  it('hides internal errors behind INTERNAL_ERROR', async () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = createResolverHandler(failingEngineFactory('sqlite file /secret/path is locked'), { store: new MemoryStore() });
    const r = (await broken({ call: { functionKey: 'page.status', payload: { pageId: '2001' } }, context: {} }, { principal: { accountId: 'acc-bob' } })) as Reply;
    expect(r).toEqual({ success: false, code: 'INTERNAL_ERROR', error: expect.any(String) });
    expect(r.error).not.toContain('secret');
    spy.mockRestore();
  });

  it('documents the REST API with the scopes of custom-scopes.yaml and both base URLs', async () => {
    const yaml = parse(readFileSync(join(__dirname, '../../custom-scopes.yaml'), 'utf8')) as { scopes: Record<string, unknown> };
    expect(API_SCOPES.map((s) => s.name).sort()).toEqual(Object.keys(yaml.scopes).sort());
    const info = await invoke('acc-alice', 'api.info');
    expect(info.baseUrls).toEqual([
      'https://api.atlassian.com/svc/confluence/cloud-1/apps/app-uuid_env-1',
      'https://example.atlassian.net/gateway/api/svc/confluence/apps/app-uuid_env-1',
    ]);
  });
});
