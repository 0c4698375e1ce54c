/**
 * SPEC 2.4a staleness policies end to end on the engine and the local site: what counts as a change
 * under each policy, the audited transitions, restore to approved, and the page diff as the caller.
 */
import { ALICE, BOB, CAROL, ERIN, refusal, setup, ui, type TestEnv } from './helpers';
import { LOCAL_APP_USER } from '../../local/site/seed';
import { deriveStaleness } from '../../src/core/domain/staleness';
import type { PageApproval } from '../../src/core/domain/model';

const PAGE = '2001';

async function approvedUnder(env: TestEnv, terms: Record<string, unknown>): Promise<PageApproval> {
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', terms);
  const submitted = await env.engine.approvals.submitPage(ui(BOB), PAGE);
  return env.engine.approvals.decide(ui(CAROL), submitted.id, 'approve');
}

async function edit(env: TestEnv, change: { title?: string; body?: string }): Promise<void> {
  env.tick();
  await env.site.editPage(PAGE, { accountId: BOB, ...change });
  await env.engine.content.pageUpdated(PAGE);
}

const actions = async (env: TestEnv) => (await env.auditRecords()).filter((r) => r.pageId === PAGE).map((r) => r.action);
const bodyOf = (env: TestEnv) => env.site.getPage(PAGE)!.versions.at(-1)!.body;

describe('content_change', () => {
  let env: TestEnv;
  let approval: PageApproval;
  beforeEach(async () => {
    env = await setup();
    approval = await approvedUnder(env, { stalenessPolicy: 'content_change' });
  });

  it('records the hash of the pinned version at the final approval, and snapshots the policy', () => {
    expect(approval.status).toBe('approved');
    expect(approval.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(approval.hashAlg).toBe('v1');
    expect(approval.workflowSnapshot.stalenessPolicy).toBe('content_change');
  });

  it('keeps the page approved through an edit that leaves title and body unchanged', async () => {
    await edit(env, {});
    const status = await env.engine.approvals.pageStatus(ui(ERIN), PAGE);
    expect(status).toMatchObject({ state: 'approved', isStale: false, versionDelta: 1, staleness: { stale: false, reason: 'no_content_change', versionDelta: 1 } });
    expect(await actions(env)).not.toContain('approval.stale');
  });

  it('turns stale on a body edit, fresh again on restore, and audits both transitions', async () => {
    const approvedBody = bodyOf(env);
    await edit(env, { body: `${approvedBody}<p>A new paragraph.</p>` });
    expect((await env.engine.approvals.pageStatus(ui(ERIN), PAGE)).staleness).toEqual({ stale: true, reason: 'content_changed', versionDelta: 1 });
    expect(await actions(env)).toContain('approval.stale');

    const restored = await env.engine.content.restore(ui(BOB), PAGE);
    expect(restored).toMatchObject({ written: true, restoredFrom: approval.pageVersion, version: approval.pageVersion + 2, staleness: { stale: false, reason: 'no_content_change' } });
    expect(bodyOf(env)).toBe(approvedBody);
    expect(env.site.getPage(PAGE)!.versions.at(-1)!.authorId).toBe(BOB);
    const status = await env.engine.approvals.pageStatus(ui(ERIN), PAGE);
    expect(status).toMatchObject({ state: 'approved', isStale: false, staleness: { stale: false, reason: 'no_content_change', versionDelta: 2 } });
    const trail = await actions(env);
    expect(trail.slice(-3)).toEqual(['approval.stale', 'page.restored', 'approval.fresh_again']);
    // the page-updated job of the restore's own version records nothing twice
    await env.engine.content.pageUpdated(PAGE);
    expect(await actions(env)).toEqual(trail);
  });

  it('counts a title change as a content change', async () => {
    await edit(env, { title: 'Architecture overview (renamed)' });
    expect((await env.engine.approvals.pageStatus(ui(ERIN), PAGE)).staleness.reason).toBe('content_changed');
  });
});

describe('any_version (default)', () => {
  it('makes any new version stale, even one without a change, and audits it once', async () => {
    const env = await setup();
    const approval = await approvedUnder(env, {});
    expect(approval.contentHash).toBeUndefined();
    await edit(env, {});
    await env.engine.content.pageUpdated(PAGE);
    expect((await env.engine.approvals.pageStatus(ui(ERIN), PAGE)).staleness).toEqual({ stale: true, reason: 'new_version', versionDelta: 1 });
    expect((await actions(env)).filter((a) => a === 'approval.stale')).toHaveLength(1);
  });

  it('stays stale after a restore (the restore is a new version by the user)', async () => {
    const env = await setup();
    await approvedUnder(env, {});
    await edit(env, { body: '<p>rewritten</p>' });
    const restored = await env.engine.content.restore(ui(BOB), PAGE);
    expect(restored.staleness).toMatchObject({ stale: true, reason: 'new_version' });
  });
});

describe('content_change_tolerant', () => {
  it('tolerates small edits with their drift, and turns stale beyond the tolerance', async () => {
    const env = await setup();
    await approvedUnder(env, { stalenessPolicy: 'content_change_tolerant', tolerance: { maxChangedChars: 10, maxVersions: 3 } });
    const body = bodyOf(env);
    await edit(env, { body: body.replace('describes', 'explains') });
    const small = await env.engine.approvals.pageStatus(ui(ERIN), PAGE);
    expect(small.staleness).toMatchObject({ stale: false, reason: 'within_tolerance', drift: { versions: 1 } });
    expect(small.staleness.drift!.changedChars).toBeLessThanOrEqual(10);
    await edit(env, { body: `${body}<p>An entirely new section with many words.</p>` });
    expect((await env.engine.approvals.pageStatus(ui(ERIN), PAGE)).staleness).toMatchObject({ stale: true, reason: 'beyond_tolerance' });
  });

  it('is refused with a review period (POLICY_NOT_ALLOWED), and needs a tolerance', async () => {
    const env = await setup();
    const tolerant = { stalenessPolicy: 'content_change_tolerant' as const, tolerance: { maxChangedChars: 10, maxVersions: 3 } };
    expect(await refusal(env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { ...tolerant, reviewPeriodDays: 90 }))).toMatchObject({ status: 400, code: 'POLICY_NOT_ALLOWED' });
    expect(await refusal(env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { stalenessPolicy: 'content_change_tolerant' }))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await env.engine.workflows.get(ui(ALICE), 'wf-eng-review')).stalenessPolicy).toBeUndefined();
  });
});

describe('fail closed', () => {
  it('is stale HASH_UNAVAILABLE when a content policy cannot compare', () => {
    const approval = { status: 'approved', pageVersion: 3, workflowSnapshot: { stalenessPolicy: 'content_change' } } as unknown as PageApproval;
    expect(deriveStaleness(approval, 4, {})).toEqual({ stale: true, reason: 'HASH_UNAVAILABLE', versionDelta: 1 });
    expect(deriveStaleness({ ...approval, contentHash: 'a'.repeat(64) }, 4, {})).toEqual({ stale: true, reason: 'HASH_UNAVAILABLE', versionDelta: 1 });
    expect(deriveStaleness({ ...approval, contentHash: 'a'.repeat(64) }, 3, {})).toEqual({ stale: false, reason: 'same_version', versionDelta: 0 });
  });
});

describe('a restricted page the app cannot read (2012: alice and bob only)', () => {
  const RESTRICTED = '2012';
  async function approvedRestricted(env: TestEnv, policy: 'any_version' | 'content_change'): Promise<PageApproval> {
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { stalenessPolicy: policy, steps: [{ approvers: [ALICE], mode: 'any' }] });
    const submitted = await env.engine.approvals.submitPage(ui(BOB), RESTRICTED);
    return env.engine.approvals.decide(ui(ALICE), submitted.id, 'approve');
  }
  async function editRestricted(env: TestEnv, body?: string): Promise<void> {
    env.tick();
    await env.site.editPage(RESTRICTED, { accountId: BOB, ...(body ? { body } : {}) });
    await env.engine.content.pageUpdated(RESTRICTED);
  }
  const staleRecords = async (env: TestEnv) => (await env.auditRecords()).filter((r) => r.pageId === RESTRICTED && r.action.startsWith('approval.') && r.action !== 'approval.submitted' && r.action !== 'approval.approved');
  const feed = async (env: TestEnv) => (await env.engine.events.list(ui(ALICE), { limit: 50 })).events.filter((e) => e.pageId === RESTRICTED).map((e) => e.type);

  it('under content_change, fails closed: stale HASH_UNAVAILABLE, audited once and in the event feed', async () => {
    const env = await setup();
    const approval = await approvedRestricted(env, 'content_change');
    await editRestricted(env, '<p>changed</p>');
    await editRestricted(env, '<p>changed again</p>');
    const records = await staleRecords(env);
    expect(records.map((r) => [r.action, r.details.reason, r.approvalId])).toEqual([['approval.stale', 'HASH_UNAVAILABLE', approval.id]]);
    expect(await feed(env)).toContain('approval.stale');
    expect((await env.engine.approvals.pageStatus(ui(BOB), RESTRICTED)).isStale).toBe(true);
  });

  it('under any_version, records approval.stale with the reason status reads give (new_version)', async () => {
    const env = await setup();
    await approvedRestricted(env, 'any_version');
    await editRestricted(env);
    expect((await env.engine.approvals.pageStatus(ui(BOB), RESTRICTED)).staleness).toMatchObject({ stale: true, reason: 'new_version' });
    expect((await staleRecords(env)).map((r) => [r.action, r.details.reason])).toEqual([['approval.stale', 'new_version']]);
    expect(await feed(env)).toContain('approval.stale');
  });

  it('records approval.fresh_again once a readable version has the approved hash again', async () => {
    const env = await setup();
    const approval = await approvedRestricted(env, 'content_change');
    const approvedBody = env.site.getPage(RESTRICTED)!.versions.find((v) => v.number === approval.pageVersion)!.body;
    await editRestricted(env, '<p>changed</p>');
    // a space admin shares the page with the app; the next edit restores the approved text
    env.site.getPage(RESTRICTED)!.restrictions.read.push({ type: 'user', id: LOCAL_APP_USER.accountId });
    await editRestricted(env, approvedBody);
    expect((await staleRecords(env)).map((r) => r.action)).toEqual(['approval.stale', 'approval.fresh_again']);
    expect(await feed(env)).toEqual(expect.arrayContaining(['approval.stale', 'approval.fresh_again']));
  });
});

describe('page.diff', () => {
  it('shows the changed lines between the approved and the current version, as text', async () => {
    const env = await setup();
    const approval = await approvedUnder(env, {});
    await edit(env, { body: `${bodyOf(env)}<p>Added <b>line</b> &amp; more.</p>` });
    const result = await env.engine.content.diff(ui(ERIN), PAGE, {});
    expect(result).toMatchObject({ from: approval.pageVersion, to: approval.pageVersion + 1, diff: { format: 'text-lines', truncated: false } });
    expect(result.nativeCompareUrl).toBe(`/wiki/pages/diffpagesbyversion.action?pageId=${PAGE}&originalVersion=${approval.pageVersion}&revisedVersion=${approval.pageVersion + 1}`);
    const changed = result.diff.hunks.flatMap((h) => h.lines.filter((l) => l.op !== ' '));
    expect(changed).toEqual([{ op: '+', text: 'Added line & more.' }]);
  });

  it('falls back to the previous version with NO_APPROVED_VERSION when never approved', async () => {
    const env = await setup();
    const result = await env.engine.content.diff(ui(ERIN), '2003', {});
    expect(result).toMatchObject({ from: 3, to: 4, reason: 'NO_APPROVED_VERSION' });
  });

  it('refuses a page the caller cannot see exactly like a missing page', async () => {
    const env = await setup();
    const hidden = await refusal(env.engine.content.diff(ui(CAROL), '2012', {}));
    const missing = await refusal(env.engine.content.diff(ui(CAROL), '999999', {}));
    expect(hidden).toEqual(missing);
    expect(hidden).toMatchObject({ status: 404, code: 'PAGE_NOT_FOUND' });
  });

  it('refuses a bad range with 400', async () => {
    const env = await setup();
    // SPEC 3: the details name the field each message is about
    expect(await refusal(env.engine.content.diff(ui(ERIN), '2003', { from: 3, to: 3 }))).toMatchObject({ status: 400, code: 'INVALID_VERSION_RANGE', details: [{ field: 'from' }] });
    expect(await refusal(env.engine.content.diff(ui(ERIN), '2003', { from: 1, to: 9 }))).toMatchObject({ status: 400, code: 'INVALID_VERSION_RANGE', details: [{ field: 'to' }] });
  });
});

describe('restore rights', () => {
  it('refuses a reader who cannot edit, audited, and a never-approved page', async () => {
    const env = await setup();
    await approvedUnder(env, { stalenessPolicy: 'content_change' });
    await edit(env, { body: '<p>changed</p>' });
    expect(await refusal(env.engine.content.restore(ui(ERIN), PAGE))).toMatchObject({ status: 403, code: 'NOT_A_PAGE_EDITOR' });
    expect((await env.auditRecords()).some((r) => r.action === 'access.denied' && r.actor === ERIN)).toBe(true);
    expect(await refusal(env.engine.content.restore(ui(BOB), '2003'))).toMatchObject({ code: 'NO_APPROVED_VERSION' });
    expect(await refusal(env.engine.content.restore(ui(CAROL), '2012'))).toMatchObject({ code: 'PAGE_NOT_FOUND' });
  });

  it('lets a space admin restore', async () => {
    const env = await setup();
    await approvedUnder(env, { stalenessPolicy: 'content_change' });
    await edit(env, { body: '<p>changed</p>' });
    expect((await env.engine.content.restore(ui(ALICE), PAGE)).written).toBe(true);
  });
});
