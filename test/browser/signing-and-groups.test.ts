/**
 * Journeys of issues 19 and 21 in Chromium on the real Custom UI build: signing a decision with a PIN
 * (meaning pick-list, wrong PIN, lockout), enrolling an authenticator app from its QR code, a delegate
 * approving "on behalf of", a two-group step's progress, "Changes since approval" opened from the
 * panel, and an atomic change set's review (group progress, the wait for different approvers, the
 * decision preview on the button and before signing). Every workflow and enrolment is set up through the resolvers, as the UI would.
 */
import type { FrameLocator, Page } from 'playwright-core';
import { stepAt, totpCode } from '../../src/core/signatures/totp';
import { axeOf, browserRuns, expectState, fullOf, hostFlag, invokeAs, macroOf, seriousOrCritical, useBrowserSession } from './helpers';

const describeBrowser = browserRuns ? describe : describe.skip;
const PIN = 'correct-horse-42';
const SIGNED_STEP = {
  approvers: ['acc-carol', 'acc-dave'],
  mode: 'any',
  signature: {
    required: true,
    auth: 'pin_or_totp',
    meanings: [
      { code: 'approval', label: 'I approve this document' },
      { code: 'review', label: 'I reviewed this document' },
    ],
  },
};

describeBrowser('signatures, delegation, group progress and changes since approval (Chromium)', () => {
  const session = useBrowserSession();
  const rt = () => session.base().runtime;

  async function ok(who: string, key: string, payload: object, extension: object = {}): Promise<Record<string, unknown>> {
    const reply = await invokeAs(rt(), who, key, payload, extension);
    expect({ key, success: reply.success, code: reply.code, error: reply.error }).toEqual({ key, success: true, code: undefined, error: undefined });
    return reply;
  }
  const submit = async (pageId: string): Promise<string> => ((await ok('acc-bob', 'page.submit', { pageId })).approval as { id: string }).id;
  const engSteps = (steps: object[]) => ok('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps });
  async function openAs(who: string, pageId: string): Promise<{ page: Page; macro: FrameLocator }> {
    const { page } = await session.open(who);
    await page.goto(`${rt().url}/wiki/spaces/ENG/pages/${pageId}`);
    return { page, macro: macroOf(page) };
  }
  const errorText = async (macro: FrameLocator) => (await macro.locator('[data-testid="error-message"]').textContent()) ?? '';

  it('signs a decision with a PIN: meanings to pick from, a wrong PIN says how many tries are left, the right one approves and the history prints the signature', async () => {
    await engSteps([SIGNED_STEP]);
    await ok('acc-carol', 'signature.pin.set', { newPin: PIN });
    await submit('2004');
    const { page, macro } = await openAs('acc-carol', '2004');
    await expectState(macro, 'In approval');
    const fields = macro.locator('[data-testid="signing-fields"]');
    await fields.getByText('I approve this document').waitFor();
    await fields.getByText('I reviewed this document').waitFor();
    await fields.getByText('I approve this document').click();
    await fields.getByText('Signing PIN', { exact: true }).click();
    await macro.locator('[data-testid="signing-credential"]').fill('wrong-pin-123');
    await macro.locator('[data-testid="approve-button"]').click();
    await macro.locator('[data-testid="error-message"]', { hasText: '4 attempts left before signing locks' }).waitFor();
    expect(await errorText(macro)).not.toContain('wrong-pin-123');
    await expectState(macro, 'In approval');

    await macro.locator('[data-testid="signing-credential"]').fill(PIN);
    await macro.locator('[data-testid="approve-button"]').click();
    await hostFlag(page, { hasText: 'Page approved' }).waitFor();
    await expectState(macro, 'Approved');
    const manifestation = macro.locator('[data-testid="signature-manifestation"]').first();
    await manifestation.waitFor();
    expect(await manifestation.textContent()).toMatch(/^Signed: Carol Reviewer · Approval: I approve this document · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC · page v\d+ · signed \(PIN\)$/);
  }, 120_000);

  it('the fifth wrong PIN locks signing and the panel says for how long', async () => {
    await engSteps([SIGNED_STEP]);
    await ok('acc-dave', 'signature.pin.set', { newPin: PIN });
    await submit('2005');
    const { macro } = await openAs('acc-dave', '2005');
    await expectState(macro, 'In approval');
    const fields = macro.locator('[data-testid="signing-fields"]');
    await fields.getByText('I reviewed this document').click();
    await fields.getByText('Signing PIN', { exact: true }).click();
    for (let attempt = 1; attempt <= 5; attempt++) {
      await macro.locator('[data-testid="signing-credential"]').fill(`guess-number-${attempt}`);
      await macro.locator('[data-testid="approve-button"]').click();
      const expected = attempt < 5 ? `${5 - attempt} attempt${5 - attempt === 1 ? '' : 's'} left before signing locks` : 'Try again in 15 minute(s)';
      await macro.locator('[data-testid="error-message"]', { hasText: expected }).waitFor();
    }
    expect(await errorText(macro)).toContain('locked');
    // even the right PIN is refused while locked
    await macro.locator('[data-testid="signing-credential"]').fill(PIN);
    await macro.locator('[data-testid="approve-button"]').click();
    await macro.locator('[data-testid="error-message"]', { hasText: 'Try again in' }).waitFor();
    await expectState(macro, 'In approval');
  }, 120_000);

  it('enrolling an authenticator app shows a labelled QR code and the key once; the code from that key enrols', async () => {
    await engSteps([SIGNED_STEP]);
    await submit('2006');
    const { page, macro } = await openAs('acc-carol', '2006');
    await expectState(macro, 'In approval');
    await macro.locator('[data-testid="toggle-enrolment"]').click();
    await macro.locator('[data-testid="start-totp"]').click();
    const qr = macro.getByRole('img', { name: 'QR code for enrolling your authenticator app' });
    await qr.waitFor();
    expect(await qr.evaluate((el) => el.tagName.toLowerCase())).toBe('svg');
    expect(await qr.locator('path').count()).toBeGreaterThan(0);
    const secret = ((await macro.locator('[data-testid="totp-secret"]').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    const summary = await axeOf(page, 'iframe.macro', 'totp-enrolment', 'light');
    expect(seriousOrCritical(summary)).toEqual([]);
    // nothing of the secret is kept in the browser's storage
    const stored = await Promise.all(page.frames().map((f) => f.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })).catch(() => '')));
    expect(stored.join('')).not.toContain(secret);

    await macro.locator('[data-testid="totp-code"]').fill(totpCode(secret, stepAt(rt().clock.now())));
    await macro.locator('[data-testid="confirm-totp"]').click();
    await hostFlag(page, { hasText: 'Authenticator app enrolled' }).waitFor();
    // the key is gone from the view once enrolled
    await macro.locator('[data-testid="totp-secret"]').waitFor({ state: 'detached' });
    expect(await macro.getByText('Authenticator app: enrolled').count()).toBe(1);
  }, 120_000);

  it('a delegate approves on behalf of the approver who is away, and the history says so', async () => {
    await engSteps([{ approvers: ['acc-carol'], mode: 'any' }]);
    const now = rt().clock.now();
    const created = await ok('acc-carol', 'delegation.create', {
      delegateAccountId: 'acc-erin',
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 7 * 86_400_000).toISOString(),
      scope: { spaceIds: ['1001'] },
      mode: 'replace',
      reason: 'Holiday',
    });
    await submit('2007');
    const { page, macro } = await openAs('acc-erin', '2007');
    await expectState(macro, 'In approval');
    await macro.locator('[data-testid="decision-preview"]', { hasText: 'it completes the approval' }).waitFor();
    await macro.locator('[data-testid="approve-button"]').click();
    await hostFlag(page, { hasText: 'Page approved' }).waitFor();
    await expectState(macro, 'Approved');
    const line = macro.locator('[data-testid="history"] li li').first();
    await line.locator('[data-testid="on-behalf-of"]').waitFor();
    expect(await line.locator('[data-testid="person"]').first().innerText()).toBe('Erin Outsider');
    expect((await line.locator('[data-testid="on-behalf-of"]').innerText()).replace(/\s+/g, ' ')).toBe('on behalf of Carol Reviewer');
    expect(await line.innerText()).toContain('approved');
    // the person away is not offered the decision on the next request
    const next = await submit('2008');
    const carol = await openAs('acc-carol', '2008');
    await expectState(carol.macro, 'In approval');
    await carol.macro.locator('[data-testid="pending-title"]').waitFor();
    expect(await carol.macro.locator('[data-testid="approve-button"]').count()).toBe(0);
    await ok('acc-erin', 'approval.decide', { approvalId: next, decision: 'approve' });
    await ok('acc-carol', 'delegation.revoke', { delegationId: (created.delegation as { id: string }).id });
  }, 120_000);

  it('a two-group step shows each group\'s progress and who it still waits for', async () => {
    await engSteps([
      {
        name: 'Sign-off',
        groups: [
          { key: 'legal', name: 'Legal', approvers: ['acc-alice'], required: 1 },
          { key: 'eng', name: 'Engineering', approvers: ['group:grp-eng-reviewers'], required: 2 },
        ],
      },
    ]);
    const approvalId = await submit('2009');
    await ok('acc-alice', 'approval.decide', { approvalId, decision: 'approve' });
    await ok('acc-carol', 'approval.decide', { approvalId, decision: 'approve' });
    const { macro } = await openAs('acc-bob', '2009');
    await expectState(macro, 'In approval');
    const legal = macro.locator('[data-testid="step-group-legal"]');
    const eng = macro.locator('[data-testid="step-group-eng"]');
    await legal.locator('[data-testid="group-count"]', { hasText: /^1\/1 ✓$/ }).waitFor();
    await eng.locator('[data-testid="group-count"]', { hasText: /^1\/2$/ }).waitFor();
    expect(await legal.textContent()).toContain('Alice Admin');
    await eng.locator('[data-testid="group-waiting"]', { hasText: 'Dave Reviewer' }).waitFor();
    expect(await eng.locator('[data-testid="group-waiting"]').textContent()).not.toContain('Carol Reviewer');
    expect(await macro.locator('[data-testid="group-waiting"]').count()).toBe(1); // Legal waits for nobody
    await ok('acc-dave', 'approval.decide', { approvalId, decision: 'approve' });
  }, 120_000);

  it('"Changes since approval" opens the diff from the panel of an approved page edited since', async () => {
    await engSteps([{ approvers: ['acc-carol', 'acc-dave'], mode: 'any' }]);
    const approvalId = await submit('2010');
    await ok('acc-carol', 'approval.decide', { approvalId, decision: 'approve' });
    const edit = await fetch(`${rt().url}/local/pages/2010/edit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: 'acc-bob', body: '<p>A sentence added after the approval.</p>' }),
    });
    expect(edit.status).toBe(200);
    const { macro } = await openAs('acc-bob', '2010');
    await macro.locator('[data-testid="show-diff"]', { hasText: 'Changes since approval' }).click();
    const diff = macro.locator('[data-testid="diff-view"]');
    await diff.waitFor();
    await diff.locator('li', { hasText: '+ A sentence added after the approval.' }).waitFor();
    await macro.locator('[data-testid="native-compare"]', { hasText: /^Compare v\d+ with v\d+ in Confluence$/ }).waitFor();
  }, 120_000);

  it('a site admin rotates the signing key after a confirmation; the retired key stays listed for verifying what it signed', async () => {
    const before = ((await ok('acc-bob', 'evidence.keys', {})).keys as { keyId: string }[]).map((k) => k.keyId);
    const { page } = await session.open('acc-alice');
    await page.goto(`${rt().url}/wiki/admin/approvalflow`);
    const admin = fullOf(page);
    await admin.locator('[data-testid="tab-evidence"]').click();
    await admin.locator('[data-testid="public-key"]', { hasText: before[before.length - 1] }).waitFor();
    await admin.locator('[data-testid="rotate-key"]').click();
    await admin.getByText('the current key can never sign again').waitFor();
    await admin.locator('[data-testid="confirm-button"]').click();
    await hostFlag(page, { hasText: 'Signing key rotated' }).waitFor();
    await admin.locator('[data-testid="public-key"]').nth(before.length).waitFor();
    const listed = await admin.locator('[data-testid="public-key"]').allInnerTexts();
    expect(listed).toHaveLength(before.length + 1);
    expect(listed[before.length - 1]).toContain('(retired: verifies what it signed, signs nothing new)');
    expect(listed[before.length]).toContain('(signs from now on)');
    expect(seriousOrCritical(await axeOf(page, 'iframe.full', 'admin-evidence-rotated', 'light'))).toEqual([]);
    const after = (await ok('acc-bob', 'evidence.keys', {})).keys as { keyId: string; validTo?: string }[];
    expect(after.map((k) => k.keyId).slice(0, before.length)).toEqual(before);
    expect(after.filter((k) => k.validTo === undefined)).toHaveLength(1);
    // someone who is not a site admin is not offered the rotation
    const erin = await session.open('acc-erin');
    await erin.page.goto(`${rt().url}/wiki/admin/approvalflow`);
    await fullOf(erin.page).getByText('for site admins').waitFor();
    expect(await fullOf(erin.page).locator('[data-testid="rotate-key"]').count()).toBe(0);
  }, 120_000);

  it('manage space names who can no longer approve a stuck approval, and why', async () => {
    await engSteps([{ approvers: ['acc-carol', 'acc-dave'], mode: 'any' }]);
    await submit('2003');
    for (const who of ['acc-carol', 'acc-dave']) {
      const res = await fetch(`${rt().url}/local/users/${who}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountStatus: 'inactive' }) });
      expect(res.status).toBe(200);
    }
    try {
      expect((await fetch(`${rt().url}/local/scheduled/run`, { method: 'POST' })).status).toBe(200);
      const { page } = await session.open('acc-alice');
      await page.goto(`${rt().url}/wiki/spaces/ENG/apps/approvals`);
      const app = fullOf(page);
      await app.locator('[data-testid="tab-manage"]').click();
      const row = app.getByRole('row').filter({ hasText: 'Release process' });
      await row.locator('[data-testid="manage-stuck"]').waitFor();
      const causes = row.locator('[data-testid="unavailable-approvers"]');
      await causes.waitFor();
      expect((await causes.innerText()).replace(/\s+/g, ' ')).toBe('Can no longer approve: Carol Reviewer (account deactivated), Dave Reviewer (account deactivated)');
      expect(seriousOrCritical(await axeOf(page, 'iframe.full', 'manage-space-stuck', 'light'))).toEqual([]);
      // the page's panel says the same
      const bob = await openAs('acc-bob', '2003');
      await bob.macro.locator('[data-testid="stuck-notice"] [data-testid="unavailable-approvers"]', { hasText: 'Dave Reviewer (account deactivated)' }).waitFor();
    } finally {
      for (const who of ['acc-carol', 'acc-dave']) await fetch(`${rt().url}/local/users/${who}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountStatus: 'active' }) });
    }
  }, 120_000);

  it('the review of an atomic change set shows each group\'s progress, waits for more different approvers, and says what an approval would do', async () => {
    const steps = [
      {
        name: 'Release sign-off',
        groups: [
          { key: 'legal', name: 'Legal', approvers: ['acc-alice'], required: 1 },
          { key: 'eng', name: 'Engineering', approvers: ['group:grp-eng-reviewers'], required: 1 },
        ],
      },
    ];
    await ok('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps, sod: { excludeEditors: 'none', distinctAcrossSteps: false, changeSetMinDistinctApprovers: 3 } });
    try {
      const created = (await ok('acc-bob', 'changeSet.create', { spaceId: '1001', title: 'Release 7', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }], approvalMode: 'atomic' })).changeSet as { id: string };
      const setApprovalId = (await ok('acc-bob', 'changeSet.submit', { changeSetId: created.id })).setApprovalId as string;
      await ok('acc-carol', 'changeset.decide', { setApprovalId, decision: 'approve', pageAck: ['2001', '2002'] });
      const openSet = async (who: string) => {
        const { page } = await session.open(who);
        await page.goto(`${rt().url}/wiki/spaces/ENG/apps/approvals?path=${encodeURIComponent(`changesets/${created.id}`)}`);
        return { page, review: fullOf(page).locator('[data-testid="set-review"]') };
      };

      const alice = await openSet('acc-alice');
      const legal = alice.review.locator('[data-testid="step-group-legal"]');
      await legal.locator('[data-testid="group-count"]', { hasText: /^0\/1$/ }).waitFor();
      await legal.locator('[data-testid="group-waiting"]', { hasText: 'Alice Admin' }).waitFor();
      await alice.review.locator('[data-testid="step-group-eng"] [data-testid="group-count"]', { hasText: /^1\/1 ✓$/ }).waitFor();
      await alice.review.locator('[data-testid="set-distinct-wait"]', { hasText: 'Waiting for 2 more approvers: this change set needs approvals from 3 different people.' }).waitFor();
      expect(await alice.review.locator('[data-testid="set-distinct-wait"]').textContent()).toContain('Carol Reviewer');
      await alice.review.locator('[data-testid="set-decision-preview"]', { hasText: 'Your approval counts toward Legal; the change set then still waits for 1 more approver.' }).waitFor();
      const approve = alice.review.locator('[data-testid="set-approve"]');
      await approve.filter({ hasText: 'Add my approval (2 pages)' }).waitFor();
      expect(seriousOrCritical(await axeOf(alice.page, 'iframe.full', 'set-review', 'light'))).toEqual([]);
      await alice.review.locator('[data-testid="set-ack"]').check();
      await approve.click();
      await legal.locator('[data-testid="group-count"]', { hasText: /^1\/1 ✓$/ }).waitFor();
      const wait = alice.review.locator('[data-testid="set-distinct-wait"]', { hasText: 'Waiting for 1 more approver' });
      await wait.waitFor();
      expect(await wait.textContent()).toMatch(/Carol Reviewer.*Alice Admin|Alice Admin.*Carol Reviewer/);

      // Carol already approved: warned before she acknowledges or signs anything, and the button is off
      const carol = await openSet('acc-carol');
      await carol.review.locator('[data-testid="set-decision-preview"]', { hasText: 'Your approval would not be recorded' }).waitFor();
      expect(await carol.review.locator('[data-testid="set-decision-preview"]').textContent()).toContain('You already decided on this step.');
      await carol.review.locator('[data-testid="set-ack"]').check();
      expect(await carol.review.locator('[data-testid="set-approve"]').isDisabled()).toBe(true);

      // Dave, a new person, completes it: his button says so
      const dave = await openSet('acc-dave');
      await dave.review.locator('[data-testid="set-decision-preview"]', { hasText: 'it completes the approval of all 2 pages' }).waitFor();
      await dave.review.locator('[data-testid="set-ack"]').check();
      await dave.review.locator('[data-testid="set-approve"]', { hasText: 'Approve all 2 pages' }).click();
      await fullOf(dave.page).locator('[data-testid="changeset-progress"]', { hasText: '2 of 2 approved' }).waitFor();
      expect(await dave.review.count()).toBe(0);
    } finally {
      await ok('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: [{ approvers: ['acc-carol', 'acc-dave'], mode: 'any' }], sod: { excludeEditors: 'none', distinctAcrossSteps: false, changeSetMinDistinctApprovers: 0 } });
    }
  }, 120_000);
});
