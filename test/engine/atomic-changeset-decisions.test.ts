/**
 * A decision on an atomic change set under the rules of a page decision (SPEC 2.5a "2.1a-2.3c apply
 * per step"): `sod.changeSetMinDistinctApprovers` at the final approval (2.3a), electronic
 * signatures with their lockout, replay protection and manifestation (2.3c), and a delegate who
 * signs with their own credential for the slot they fill (2.3b).
 */
import { signatureManifestation } from '../../src/core/domain/manifestation';
import type { StepSignature, WorkflowStep } from '../../src/core/domain/model';
import { stepAt, totpCode } from '../../src/core/signatures/totp';
import { ALICE, BOB, CAROL, DAVE, ENG, ERIN, api, exportEvidencePack, refusal, setup, ui, type TestEnv } from './helpers';

const FIVE = ['2001', '2002', '2003', '2004', '2005'];
const PIN = 'correct-horse-42';
const MEANINGS = [
  { code: 'approval', label: 'I approve this document' },
  { code: 'review', label: 'I have reviewed this document' },
];

async function submitSet(env: TestEnv, pages = FIVE): Promise<{ changeSetId: string; setApprovalId: string }> {
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release 12', pageRefs: pages.map((pageId) => ({ pageId })), approvalMode: 'atomic' });
  const submitted = await env.engine.changeSets.submit(api(BOB), cs.id);
  return { changeSetId: cs.id, setApprovalId: submitted.setApprovalId! };
}

async function useWorkflow(env: TestEnv, steps: WorkflowStep[], minDistinct = 0): Promise<void> {
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps, sod: { excludeEditors: 'none', distinctAcrossSteps: false, changeSetMinDistinctApprovers: minDistinct } });
}

const signedStep = (approvers: string[], auth: StepSignature['auth'] = 'pin'): WorkflowStep => ({ approvers, mode: 'any', signature: { required: true, auth, meanings: MEANINGS } });

describe('sod.changeSetMinDistinctApprovers at the final approval', () => {
  it('holds the final approval at N-1 different approvers and completes it at N', async () => {
    const env = await setup();
    await useWorkflow(env, [{ approvers: [CAROL, DAVE], mode: 'any' }], 2);
    const { changeSetId, setApprovalId } = await submitSet(env);

    const first = await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: FIVE });
    expect(first).toMatchObject({ status: 'pending', activeStep: 0 });
    expect((await env.engine.changeSets.get(api(BOB), changeSetId)).rollupState).toBe('in_review');
    expect((await env.engine.approvals.pageStatus(ui(ERIN), '2001')).state).toBe('in_approval');

    const second = await env.engine.changeSets.decide(ui(DAVE), { setApprovalId, decision: 'approve', pageAck: FIVE });
    expect(second.status).toBe('approved');
    expect((await env.engine.approvals.pageStatus(ui(ERIN), '2001')).state).toBe('approved');
    const decided = (await env.auditRecords()).filter((r) => r.action === 'changeset.decided').map((r) => [r.actor, r.details.awaitingApprovers]);
    expect(decided).toEqual([
      [CAROL, 1],
      [DAVE, undefined],
    ]);
  });

  it('refuses someone who already approved another step while the set waits for a new person, changing nothing; a new approver completes it', async () => {
    const env = await setup();
    await useWorkflow(env, [{ approvers: [CAROL], mode: 'any' }, { approvers: [CAROL, DAVE, ALICE], mode: 'any' }], 3);
    const { setApprovalId } = await submitSet(env);
    expect((await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: FIVE })).activeStep).toBe(1);
    // Dave's approval satisfies the last step, but only 2 of 3 different people approved (N-1).
    const waiting = await env.engine.changeSets.decide(ui(DAVE), { setApprovalId, decision: 'approve', pageAck: FIVE });
    expect(waiting).toMatchObject({ status: 'pending', activeStep: 1 });

    const before = { stored: (await env.store.get(`set-approval:${setApprovalId}`))?.version, records: (await env.auditRecords()).length };
    const again = await refusal(env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: FIVE }));
    expect(again).toMatchObject({ status: 409, code: 'DISTINCT_APPROVER_REQUIRED' });
    expect(again.message).toContain('3 different people');
    expect(await refusal(env.engine.changeSets.decide(ui(DAVE), { setApprovalId, decision: 'approve', pageAck: FIVE }))).toMatchObject({ code: 'ALREADY_DECIDED' });
    expect(await refusal(env.engine.changeSets.decide(ui(BOB), { setApprovalId, decision: 'approve', pageAck: FIVE }))).toMatchObject({ status: 403, code: 'NOT_AN_APPROVER' });
    expect((await env.store.get(`set-approval:${setApprovalId}`))?.version).toBe(before.stored);
    // the refusals of an approver write nothing; the outsider's 403 is audited as access.denied only
    expect((await env.auditRecords()).slice(before.records).map((r) => r.action)).toEqual(['access.denied']);

    const done = await env.engine.changeSets.decide(ui(ALICE), { setApprovalId, decision: 'approve', pageAck: FIVE });
    expect(done.status).toBe('approved');
    expect(new Set(done.decisions.map((d) => d.accountId))).toEqual(new Set([CAROL, DAVE, ALICE]));
  });

  it('is met at once when the steps themselves bring N different approvers; per-page approvals ignore it', async () => {
    const env = await setup();
    await useWorkflow(env, [{ approvers: [CAROL], mode: 'any' }, { approvers: [DAVE], mode: 'any' }], 2);
    const { setApprovalId } = await submitSet(env);
    await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: FIVE });
    expect((await env.engine.changeSets.decide(ui(DAVE), { setApprovalId, decision: 'approve', pageAck: FIVE })).status).toBe('approved');

    const single = await env.engine.approvals.submitPage(ui(BOB), '2006');
    await env.engine.approvals.decide(ui(CAROL), single.id, 'approve');
    expect((await env.engine.approvals.decide(ui(DAVE), single.id, 'approve')).status).toBe('approved');
  });
});

describe('excludeEditors on a set', () => {
  it('the editor of any pinned version gets SOD_VIOLATION (audited, nothing decided); another approver decides', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [ALICE, CAROL], mode: 'any' }], sod: { excludeEditors: 'last_editor', distinctAcrossSteps: false, changeSetMinDistinctApprovers: 0 } });
    await env.site.editPage('2002', { accountId: ALICE, body: '<p>Alice edits</p>' });
    const { setApprovalId } = await submitSet(env, ['2001', '2002']);
    const before = (await env.auditRecords()).length;
    expect(await refusal(env.engine.changeSets.decide(ui(ALICE), { setApprovalId, decision: 'approve', pageAck: ['2001', '2002'] }))).toMatchObject({ status: 403, code: 'SOD_VIOLATION' });
    expect((await env.auditRecords()).slice(before).map((r) => [r.action, r.actor, r.details.code])).toEqual([['access.denied', ALICE, 'SOD_VIOLATION']]);
    expect((await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: ['2001', '2002'] })).status).toBe('approved');
  });
});

describe('saving changeSetMinDistinctApprovers', () => {
  it('refuses a minimum the named approvers can never reach (QUORUM_UNREACHABLE, field named), and changes nothing', async () => {
    const env = await setup();
    const refused = await refusal(useWorkflow(env, [{ approvers: [CAROL], mode: 'any' }, { approvers: [CAROL, DAVE], mode: 'any' }], 3));
    expect(refused).toMatchObject({ status: 400, code: 'QUORUM_UNREACHABLE', details: [{ field: 'sod.changeSetMinDistinctApprovers', code: 'QUORUM_UNREACHABLE' }] });
    expect((await env.engine.workflows.get(ui(ALICE), 'wf-eng-review')).sod).toBeUndefined();
    await useWorkflow(env, [{ approvers: [CAROL], mode: 'any' }, { approvers: [CAROL, DAVE], mode: 'any' }], 2);
    // a Confluence group's membership changes over time: not judged at save
    await useWorkflow(env, [{ approvers: [CAROL, 'group:grp-eng-reviewers'], mode: 'any' }], 5);
  });
});

describe('a signed set decision', () => {
  it('needs a credential and a meaning, counts wrong PINs, locks, then records the signature over every pinned page', async () => {
    const env = await setup();
    await useWorkflow(env, [signedStep([CAROL, DAVE])]);
    await env.engine.signatures.setPin(ui(CAROL), PIN);
    const { changeSetId, setApprovalId } = await submitSet(env);
    const decide = (signing: { meaning?: string; credential?: { type: 'pin' | 'totp'; value: string } }) =>
      env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: FIVE, ...signing });

    expect(await refusal(decide({}))).toMatchObject({ status: 400, code: 'SIGNATURE_REQUIRED' });
    expect((await refusal(decide({ credential: { type: 'totp', value: '123456' }, meaning: 'approval' }))).code).toBe('SIGNATURE_REQUIRED');
    expect((await refusal(decide({ credential: { type: 'pin', value: PIN } }))).code).toBe('MEANING_REQUIRED');
    expect((await refusal(decide({ credential: { type: 'pin', value: PIN }, meaning: 'authorship' }))).code).toBe('UNKNOWN_MEANING');
    const wrong = { credential: { type: 'pin' as const, value: 'not-my-pin-1' }, meaning: 'approval' };
    for (const left of [4, 3, 2, 1]) {
      const err = await decide(wrong).catch((e: { code: string; attemptsLeft?: number }) => e);
      expect([(err as { code: string }).code, (err as { attemptsLeft?: number }).attemptsLeft]).toEqual(['SIGNATURE_INVALID', left]);
    }
    const right = { credential: { type: 'pin' as const, value: PIN }, meaning: 'approval' };
    expect((await refusal(decide(wrong))).code).toBe('SIGNATURE_LOCKED');
    expect((await refusal(decide(right))).code).toBe('SIGNATURE_LOCKED');
    expect((await env.engine.changeSets.get(api(BOB), changeSetId)).setApproval).toMatchObject({ status: 'pending', decisions: [] });

    env.tick(15 * 60_000);
    const done = await decide(right);
    expect(done.status).toBe('approved');
    const signature = done.decisions[0].signature!;
    expect(signature).toEqual({
      meaning: 'approval',
      meaningLabel: 'I approve this document',
      printedName: 'Carol Reviewer',
      signedAt: expect.any(Number),
      authMethod: 'pin',
      pages: done.manifest.map((m) => ({ pageId: m.pageId, pageVersion: m.pageVersion })),
    });
    const stamp = new Date(signature.signedAt).toISOString().slice(0, 19).replace('T', ' ');
    const pinned = done.manifest.map((m) => `${m.pageId} v${m.pageVersion}`).join(', ');
    expect(signatureManifestation(signature)).toBe(`Carol Reviewer · Approval: I approve this document · ${stamp} UTC · 5 pages: ${pinned} · signed (PIN)`);

    // The set's history (the change-set detail), its audit trail and its evidence pack keep it.
    expect((await env.engine.changeSets.get(api(BOB), changeSetId)).setApproval!.decisions[0].signature).toEqual(signature);
    const records = await env.auditRecords();
    expect(records.filter((r) => r.action === 'signature.failed').map((r) => [r.changeSetId, r.details.setApprovalId, r.details.attemptsLeft])).toEqual([
      [changeSetId, setApprovalId, 4],
      [changeSetId, setApprovalId, 3],
      [changeSetId, setApprovalId, 2],
      [changeSetId, setApprovalId, 1],
      [changeSetId, setApprovalId, 0],
    ]);
    expect(records.find((r) => r.action === 'changeset.decided')!.details).toMatchObject({ signature, manifestation: signatureManifestation(signature) });
    for (const format of ['csv', 'ndjson'] as const) expect((await env.engine.audit.export(ui(ALICE), { changeSetId }, format)).content).toContain(`Carol Reviewer · Approval: I approve this document · ${stamp} UTC · 5 pages:`);
    const pack = await exportEvidencePack(env, { changeSetId });
    expect(pack.files['report.html']).toContain(`Signed: Carol Reviewer · Approval: I approve this document · ${stamp} UTC · 5 pages:`);
  });

  it('signs rejections too, and a TOTP code signs once (replay is refused)', async () => {
    const env = await setup();
    const { otpauthUri } = await env.engine.signatures.startTotp(ui(DAVE));
    const secret = new URL(otpauthUri).searchParams.get('secret')!;
    await env.engine.signatures.confirmTotp(ui(DAVE), totpCode(secret, stepAt(env.deps.clock.now())));
    await useWorkflow(env, [signedStep([CAROL, DAVE], 'pin_or_totp')]);
    const first = await submitSet(env, ['2001', '2002']);
    env.tick(31_000);
    const code = totpCode(secret, stepAt(env.deps.clock.now()));
    const rejected = await env.engine.changeSets.decide(ui(DAVE), {
      setApprovalId: first.setApprovalId,
      decision: 'reject',
      comment: 'The figures in table 2 are wrong',
      pageAck: ['2001', '2002'],
      meaning: 'review',
      credential: { type: 'totp', value: code },
    });
    expect(rejected.status).toBe('rejected');
    expect(rejected.decisions[0].signature).toMatchObject({ meaning: 'review', printedName: 'Dave Reviewer', authMethod: 'totp' });

    const second = await submitSet(env, ['2003']);
    const replay = await refusal(env.engine.changeSets.decide(ui(DAVE), { setApprovalId: second.setApprovalId, decision: 'approve', pageAck: ['2003'], meaning: 'approval', credential: { type: 'totp', value: code } }));
    expect(replay.code).toBe('SIGNATURE_INVALID');
  });

  it('a delegate signs with their own credential for the slot they fill ("X, on behalf of Y")', async () => {
    const env = await setup();
    await useWorkflow(env, [signedStep([CAROL])]);
    const now = env.deps.clock.now();
    await env.engine.delegations.create(ui(CAROL), { delegateAccountId: DAVE, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 5 * 86_400_000).toISOString(), mode: 'replace' });
    await env.engine.signatures.setPin(ui(DAVE), PIN);
    const { setApprovalId } = await submitSet(env, ['2001', '2002']);
    expect(await refusal(env.engine.changeSets.decide(ui(DAVE), { setApprovalId, decision: 'approve', pageAck: ['2001', '2002'], meaning: 'approval' }))).toMatchObject({ code: 'SIGNATURE_REQUIRED' });
    expect(await refusal(env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: ['2001', '2002'], meaning: 'approval', credential: { type: 'pin', value: PIN } }))).toMatchObject({
      code: 'SIGNATURE_NOT_ENROLLED',
    });
    const done = await env.engine.changeSets.decide(ui(DAVE), { setApprovalId, decision: 'approve', pageAck: ['2001', '2002'], meaning: 'approval', credential: { type: 'pin', value: PIN } });
    expect(done.status).toBe('approved');
    expect(done.decisions[0]).toMatchObject({ accountId: DAVE, onBehalfOf: CAROL, signature: { printedName: 'Dave Reviewer', onBehalfOfName: 'Carol Reviewer' } });
    expect(signatureManifestation(done.decisions[0].signature!)).toMatch(/^Dave Reviewer, on behalf of Carol Reviewer · Approval/);
    const decided = (await env.auditRecords()).find((r) => r.action === 'changeset.decided')!;
    expect(decided.details).toMatchObject({ onBehalfOf: CAROL });
  });
});
