/**
 * Each person's journey through the four surfaces (page macro, byline, space page, admin page) in
 * Chromium, on the real Custom UI build hosted by the local runtime: what they see, what they are
 * offered, and what happens after each action (flag, refreshed view, byline in step).
 */
import type { FrameLocator, Page } from 'playwright-core';
import { browserRuns, bylineOf, bylineTitle, downloaded, expectState, fullOf, hostFlag, invokeAs, macroOf, useBrowserSession } from './helpers';

const describeBrowser = browserRuns ? describe : describe.skip;

describeBrowser('journeys across the four surfaces (Chromium)', () => {
  const session = useBrowserSession();

  async function as(who: string): Promise<Page> {
    return (await session.open(who)).page;
  }

  const openPage = async (page: Page, space: string, id: string) => page.goto(`${session.base().runtime.url}/wiki/spaces/${space}/pages/${id}`);
  const submitAsBob = async (pageId: string) => {
    const r = await invokeAs(session.base().runtime, 'acc-bob', 'page.submit', { pageId });
    expect(r.success).toBe(true);
    return (r.approval as { id: string }).id;
  };

  it('author requests approval (workflow chosen by default, approvers named); the byline follows; the approver acts from the queue and the title link leads to the page', async () => {
    const bob = await as('acc-bob');
    await openPage(bob, 'ENG', '2002');
    const macro = macroOf(bob);
    await expectState(macro, 'Not requested');
    await macro.locator('[data-testid="request-approval-button"]').click();
    // ENG has one workflow: it is chosen, the preflight ran for it, and the approvers are named.
    await macro.locator('[data-testid="preflight-result"]', { hasText: 'Ready to submit with Engineering review' }).waitFor();
    await macro.locator('[data-testid="workflow-steps"]', { hasText: 'Carol Reviewer' }).waitFor();
    expect(await macro.locator('input[type="radio"][value="wf-eng-review"]').isChecked()).toBe(true);
    await macro.locator('[data-testid="submit-approval-button"]').click();
    await hostFlag(bob, { hasText: 'Approval requested' }).waitFor();
    await expectState(macro, 'In approval');
    // The byline's title (dynamicProperties) refreshed after the macro's action, without a reload,
    // and its panel, opened as Forge opens byline content, shows the same state.
    await bylineTitle(bob).filter({ hasText: /^Approval: in approval$/ }).waitFor();
    await bob.locator('#af-byline').click();
    await expectState(bylineOf(bob), 'In approval');
    await bob.locator('#af-byline-close').click();
    expect(await macro.locator('[data-testid="approve-button"]').count()).toBe(0);

    const carol = await as('acc-carol');
    await carol.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const space = fullOf(carol);
    const row = space.locator('[data-testid="queue-table--table"] tr', { hasText: 'Onboarding guide' });
    await row.waitFor();
    expect(await row.textContent()).not.toContain('2002');
    await row.locator('[data-testid="queue-approve"]').click();
    await hostFlag(carol, { hasText: 'Approved' }).waitFor();
    await space.getByText('Nothing is waiting for you.').waitFor();
    await space.locator('[data-testid="queue-all"]').click();
    await space.getByText('No pending approvals in this space.').waitFor();

    // Links lead somewhere: from Bob's approved page, nothing pending; the queue title link opens the page.
    await submitAsBob('2003');
    await carol.reload();
    await fullOf(carol).locator('[data-testid="page-link"]', { hasText: 'Release process' }).click();
    await carol.waitForURL(/\/wiki\/spaces\/ENG\/pages\/2003$/);
    await expectState(macroOf(carol), 'In approval');
  }, 120_000);

  it('two workflows: no default, the preflight re-runs for the choice; an "all" step shows who approved and who is still waited for', async () => {
    const bob = await as('acc-bob');
    await openPage(bob, 'DOCS', '3001');
    const macro = macroOf(bob);
    await macro.locator('[data-testid="request-approval-button"]').click();
    await macro.getByText('Choose the workflow for this page.').waitFor();
    expect(await macro.locator('[data-testid="submit-approval-button"]').isDisabled()).toBe(true);
    await macro.getByText('Docs legal review', { exact: false }).click();
    await macro.locator('[data-testid="preflight-result"]', { hasText: 'Ready to submit with Docs legal review' }).waitFor();
    expect(await macro.locator('[data-testid="preflight-result"]').textContent()).not.toMatch(/NO_WORKFLOW|No workflow/);
    await macro.locator('[data-testid="workflow-steps"]', { hasText: 'Alice Admin' }).waitFor();
    await macro.locator('[data-testid="submit-approval-button"]').click();
    await expectState(macro, 'In approval');

    const carol = await as('acc-carol');
    await openPage(carol, 'DOCS', '3001');
    await macroOf(carol).locator('[data-testid="approve-button"]').click();
    await hostFlag(carol, { hasText: 'Your approval was recorded' }).waitFor();

    const dave = await as('acc-dave');
    await openPage(dave, 'DOCS', '3001');
    const dm = macroOf(dave);
    await dm.getByText('every approver below must approve', { exact: false }).waitFor();
    await dm.locator('[data-testid="pending-title"]', { hasText: 'Your approval is needed' }).waitFor();
    await dm.locator('[data-testid="approve-button"]').click();
    // Still step 2 of 2: the flag names who is still waited for instead of announcing a next step.
    await hostFlag(dave, { hasText: 'Still waiting for Alice Admin' }).waitFor();
    const daveRow = dm.locator('[data-testid="pending-approver"]', { hasText: 'Dave Reviewer' });
    await daveRow.locator('[data-testid="approver-done"]').waitFor();
    const aliceRow = dm.locator('[data-testid="pending-approver"]', { hasText: 'Alice Admin' });
    await aliceRow.locator('[data-testid="approver-waiting"]').waitFor();
    expect(await dm.locator('[data-testid="approve-button"]').count()).toBe(0);
  }, 120_000);

  it('requesting changes moves focus to the comment, ties the hint to it, and needs 20 characters', async () => {
    await submitAsBob('2004');
    const dave = await as('acc-dave');
    await openPage(dave, 'ENG', '2004');
    const macro = macroOf(dave);
    await macro.locator('[data-testid="reject-button"]').click();
    const field = macro.locator('[data-testid="decision-comment"]');
    await expect(field.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    const hintId = await field.getAttribute('aria-describedby');
    expect(hintId).toBeTruthy();
    const hint = macro.locator(`[id="${hintId}"]`);
    expect(await hint.textContent()).toContain('20 more characters needed');
    const confirm = macro.locator('[data-testid="confirm-reject-button"]');
    expect(await confirm.isDisabled()).toBe(true);
    await field.fill('Too short');
    expect(await hint.textContent()).toContain('11 more characters needed');
    await field.fill('Please add the rollback steps first.');
    await confirm.click();
    await hostFlag(dave, { hasText: 'Changes requested' }).waitFor();
    await expectState(macro, 'Changes requested');

    // The author is told who asked for what, and what to do next.
    const bob = await as('acc-bob');
    await openPage(bob, 'ENG', '2004');
    const guidance = macroOf(bob).locator('[data-testid="changes-requested-guidance"]');
    await guidance.waitFor();
    expect(await guidance.textContent()).toMatch(/Dave Reviewer.*asked for changes.*Please add the rollback steps first\..*Edit the page, then request approval again\./);
  }, 90_000);

  it('shows only what each person may do, and one sentence where they have no access', async () => {
    const erin = await as('acc-erin');
    await openPage(erin, 'ENG', '2005');
    await macroOf(erin).locator('[data-testid="no-request-sentence"]').waitFor();
    expect(await macroOf(erin).locator('[data-testid="request-approval-button"]').count()).toBe(0);
    await erin.goto(`${session.base().runtime.url}/wiki/admin/approvalflow`);
    const noAccess = fullOf(erin).locator('[data-testid="no-access"]');
    await noAccess.waitFor();
    expect(await noAccess.textContent()).toContain('for site admins');
    expect(await fullOf(erin).locator('[data-testid="error-message"]').count()).toBe(0);
    expect(await fullOf(erin).locator('[data-testid="audit-table"]').count()).toBe(0);

    const carol = await as('acc-carol');
    await carol.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const space = fullOf(carol);
    await space.locator('[data-testid="tab-workflows"]').click();
    await space.locator('[data-testid="workflows-readonly"]').waitFor();
    expect(await space.locator('[data-testid="new-workflow-button"]').count()).toBe(0);
    expect(await space.locator('[data-testid="workflow-menu--trigger"]').count()).toBe(0);

    const alice = await as('acc-alice');
    await alice.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const admin = fullOf(alice);
    await admin.locator('[data-testid="tab-workflows"]').click();
    await admin.locator('[data-testid="new-workflow-button"]').waitFor();
    await admin.locator('[data-testid="workflow-menu--trigger"]').first().waitFor();
  }, 90_000);

  it('a server failure is labelled as such and Retry recovers; a decision that lost a race refreshes the panel', async () => {
    const bob = await as('acc-bob');
    await bob.route('**/local/invoke', async (route) => {
      const body = route.request().postDataJSON() as { functionKey?: string };
      if (body.functionKey === 'page.overview') await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'boom' }) });
      else await route.continue();
    });
    await openPage(bob, 'ENG', '2006');
    const macro = macroOf(bob);
    const message = macro.locator('[data-testid="error-message"]');
    await message.waitFor();
    expect(await message.textContent()).toContain('ran into a problem on its side');
    expect(await message.textContent()).not.toMatch(/NETWORK|INTERNAL|could not be reached/);
    await bob.unroute('**/local/invoke');
    await macro.getByRole('button', { name: 'Retry' }).click();
    await expectState(macro, 'Not requested');

    const approvalId = await submitAsBob('2007');
    const carol = await as('acc-carol');
    await openPage(carol, 'ENG', '2007');
    await macroOf(carol).locator('[data-testid="approve-button"]').waitFor();
    const dave = await invokeAs(session.base().runtime, 'acc-dave', 'approval.decide', { approvalId, decision: 'approve' });
    expect(dave.success).toBe(true);
    await macroOf(carol).locator('[data-testid="approve-button"]').click();
    await expectState(macroOf(carol), 'Approved');
    expect(await macroOf(carol).locator('[data-testid="approve-button"]').count()).toBe(0);
    // SPEC 5a: the approved page hands out its signed receipt as a file
    const receipt = await downloaded(carol, () => macroOf(carol).locator('[data-testid="download-receipt"]').click());
    expect(receipt.name).toMatch(/^approval-receipt-2007-v\d+\.json$/);
    const signed = JSON.parse(receipt.text) as { payload: string; signature: string; keyId: string };
    expect(JSON.parse(signed.payload)).toMatchObject({ pageId: '2007', workflowId: expect.any(String) });
    expect(signed.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
  }, 90_000);

  it('change sets: create with the page picker, submit after a modal stating the consequence, archive shows only Archived', async () => {
    const alice = await as('acc-alice');
    await alice.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const space = fullOf(alice);
    await space.locator('[data-testid="tab-changesets"]').click();
    await space.locator('[data-testid="new-changeset-button"]').click();
    await space.locator('[data-testid="cs-title"]').fill('Release 4.2 runbooks');
    const picker = space.locator('[data-testid="page-picker-select--input"]');
    for (const title of ['Team charter', 'Glossary']) {
      await picker.fill(title.slice(0, 5));
      await space.getByRole('option', { name: title }).click();
    }
    await space.locator('[data-testid="save-changeset"]').click();
    await hostFlag(alice, { hasText: 'Change set created' }).waitFor();
    const detail = space.locator('[data-testid="changeset-detail"]');
    await detail.locator('[data-testid="page-link"]', { hasText: 'Team charter' }).waitFor();

    await detail.locator('[data-testid="submit-changeset"]').click();
    const modal = space.locator('[data-testid="confirm-modal"]');
    await modal.getByText('Submit 2 pages; 2 comments will be posted', { exact: false }).waitFor();
    await modal.locator('[data-testid="confirm-button"]').click();
    await hostFlag(alice, { hasText: 'Submitted 2 pages' }).waitFor();
    await detail.locator('[data-testid="changeset-progress"]', { hasText: '0 of 2 approved · 2 in approval' }).waitFor();

    // A second set with one page that is not pending can be archived; it then shows only Archived.
    await space.getByRole('button', { name: '← All change sets' }).click();
    await space.locator('[data-testid="new-changeset-button"]').click();
    await space.locator('[data-testid="cs-title"]').fill('Old notes');
    await picker.fill('Q3 r');
    await space.getByRole('option', { name: 'Q3 roadmap' }).click();
    await space.locator('[data-testid="save-changeset"]').click();
    await space.locator('[data-testid="archive-changeset"]').click();
    await modal.getByText('becomes read-only', { exact: false }).waitFor();
    await modal.locator('[data-testid="confirm-button"]').click();
    await hostFlag(alice, { hasText: 'Change set archived' }).waitFor();
    await detail.getByText('Archived', { exact: true }).waitFor();
    expect(await detail.getByText('Open', { exact: true }).count()).toBe(0);
    expect(await detail.locator('[data-testid="submit-changeset"]').count()).toBe(0);
  }, 120_000);

  it('analytics has dated axes, values and a table alternative; durations read like "3 h 20 min"', async () => {
    const alice = await as('acc-alice');
    await alice.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const space = fullOf(alice);
    await space.locator('[data-testid="tab-analytics"]').click();
    const chart = space.locator('[data-testid="analytics-chart"]');
    await chart.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').first().waitFor();
    const ticks = await chart.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
    expect(ticks.some((t) => /^\d{1,2} [A-Z][a-z]{2}$/.test(t))).toBe(true);
    expect(await chart.locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').count()).toBeGreaterThan(1);
    // issue 11 item 7 changed the overall mean to the median (as the per-workflow comparison has it)
    const median = space.locator('[data-testid="card-median"]', { hasText: 'Median time to decision' });
    expect(await median.textContent()).toMatch(/(under a minute|\d+ min|\d+ h|\d+ d|No decisions yet)Median time/);
    expect(await median.textContent()).not.toMatch(/0\.\d+ h/);
    await space.locator('[data-testid="toggle-trend-table"]').click();
    expect(await space.locator('#trend-table tbody tr').count()).toBe(30);
  }, 90_000);

  it('audit trail reads as names, action labels and labelled details, with a count and a space filter by name', async () => {
    await submitAsBob('2009');
    const alice = await as('acc-alice');
    await alice.goto(`${session.base().runtime.url}/wiki/admin/approvalflow`);
    const admin = fullOf(alice);
    const submitted = admin.locator('[data-testid="audit-row"]', { hasText: 'Approval requested' }).filter({ hasText: 'Q3 roadmap' }).first();
    await submitted.waitFor();
    expect(await submitted.textContent()).toContain('Bob Author');
    expect(await submitted.textContent()).toContain('Engineering');
    expect(await submitted.textContent()).not.toMatch(/approval\.submitted|acc-bob|\{"/);
    await admin.locator('[data-testid="audit-count"]', { hasText: /matching record/ }).waitFor();
    await admin.locator('[data-testid="audit-details"]').first().waitFor();

    await admin.locator('[data-testid="filter-space-select--input"]').fill('Docu');
    await admin.getByRole('option', { name: 'Documentation' }).click();
    await admin.locator('[data-testid="apply-filters"]').click();
    await admin.locator('[data-testid="audit-row"]', { hasText: 'Documentation' }).first().waitFor();
    expect(await admin.locator('[data-testid="audit-row"]', { hasText: 'Engineering' }).count()).toBe(0);
  }, 90_000);

  it('a page links to its change sets; the change set keeps the last approved version after a resubmission; tabs follow the keyboard pattern', async () => {
    const first = await invokeAs(session.base().runtime, 'acc-bob', 'page.submit', { pageId: '3002', workflowId: 'wf-docs-quick' });
    await invokeAs(session.base().runtime, 'acc-carol', 'approval.decide', { approvalId: (first.approval as { id: string }).id, decision: 'approve' });
    const edit = await fetch(`${session.base().runtime.url}/local/pages/3002/edit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: 'acc-bob', body: '<p>Release notes, revised.</p>' }) });
    expect(edit.ok).toBe(true);
    expect((await invokeAs(session.base().runtime, 'acc-bob', 'page.submit', { pageId: '3002', workflowId: 'wf-docs-quick' })).success).toBe(true);
    const cs = await invokeAs(session.base().runtime, 'acc-alice', 'changeSet.create', { title: 'Docs 1.1', pageRefs: [{ pageId: '3002' }] }, { space: { id: '1002' } });
    expect(cs.success).toBe(true);

    const alice = await as('acc-alice');
    await openPage(alice, 'DOCS', '3002');
    await macroOf(alice).locator('[data-testid="changeset-link"]', { hasText: 'Docs 1.1' }).click();
    await alice.waitForURL(/\/wiki\/spaces\/DOCS\/apps\/approvals\?path=changesets/);
    const space = fullOf(alice);
    const row = space.locator('[data-testid="changeset-detail"] tr', { hasText: 'Release notes 1.0' });
    await row.getByText('1 (before this request)').waitFor();

    // ADS tabs: arrow keys move between tabs, only the selected tab is in the tab order.
    await expect(space.locator('[data-testid="tab-changesets"]').getAttribute('aria-selected')).resolves.toBe('true');
    await space.locator('[data-testid="tab-changesets"]').focus();
    await alice.keyboard.press('ArrowRight');
    await expect(space.locator('[data-testid="tab-workflows"]').getAttribute('aria-selected')).resolves.toBe('true');
    await expect(space.locator('[data-testid="tab-changesets"]').getAttribute('tabindex')).resolves.toBe('-1');
    await space.locator('[data-testid="workflow-table--table"]').waitFor();
  }, 90_000);

  it('a space admin resets a stuck approval and deletes a workflow only after a modal states the consequence', async () => {
    await submitAsBob('2006');
    const alice = await as('acc-alice');
    await alice.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const space = fullOf(alice);
    await space.locator('[data-testid="queue-all"]').click();
    const row = space.locator('[data-testid="queue-table--table"] tr', { hasText: 'Security checklist' });
    await row.locator('[data-testid="row-menu--trigger"]').click();
    await space.getByRole('menuitem', { name: 'Reset approval…' }).click();
    const modal = space.locator('[data-testid="confirm-modal"]');
    await modal.getByText('is cancelled and the page goes back to “not requested”', { exact: false }).waitFor();
    await modal.locator('[data-testid="confirm-button"]').click();
    await hostFlag(alice, { hasText: 'Approval reset' }).waitFor();
    await row.waitFor({ state: 'detached' });

    await space.locator('[data-testid="tab-workflows"]').click();
    await space.locator('[data-testid="new-workflow-button"]').click();
    await space.locator('[data-testid="wf-name"]').fill('Temporary review');
    await space.locator('[data-testid="wf-approvers-0-select--input"]').fill('Dav');
    await space.getByRole('option', { name: 'Dave Reviewer' }).click();
    await space.locator('[data-testid="save-workflow"]').click();
    await hostFlag(alice, { hasText: 'Temporary review created' }).waitFor();
    const wfRow = space.locator('[data-testid="workflow-table--table"] tr', { hasText: 'Temporary review' });
    await wfRow.locator('[data-account-id="acc-dave"]').waitFor();
    await wfRow.locator('[data-testid="workflow-menu--trigger"]').click();
    await space.getByRole('menuitem', { name: 'Delete…' }).click();
    await modal.getByText('This cannot be undone', { exact: false }).waitFor();
    await modal.locator('[data-testid="confirm-button"]').click();
    await hostFlag(alice, { hasText: 'Temporary review deleted' }).waitFor();
    await wfRow.waitFor({ state: 'detached' });
  }, 90_000);
});

/**
 * The journeys the December review found broken (issue 24): recertification, review and reminder
 * settings, audit names after a site-level record, and the assignment picker. One runtime of their
 * own, because they move its clock.
 */
describeBrowser('journeys that used to dead-end (Chromium)', () => {
  const session = useBrowserSession();
  const rt = () => session.base().runtime;
  const spaceOf = async (who: string): Promise<{ host: Page; space: FrameLocator }> => {
    const host = (await session.open(who)).page;
    await host.goto(`${rt().url}/wiki/spaces/ENG/apps/approvals`);
    return { host, space: fullOf(host) };
  };

  it('the workflow editor sets and shows the review period, the due window and the reminder cadence, refusing out-of-range days inline', async () => {
    const { host, space } = await spaceOf('acc-alice');
    await space.locator('[data-testid="tab-workflows"]').click();
    const row = space.locator('[data-testid="workflow-table--table"] tr', { hasText: 'Engineering review' });
    await row.locator('[data-testid="workflow-review"]', { hasText: 'No periodic review' }).waitFor();
    await row.locator('[data-testid="workflow-menu--trigger"]').click();
    await space.getByRole('menuitem', { name: 'Edit…' }).click();
    const editor = space.locator('[data-testid="workflow-editor"]');
    // The dialog opens with the focus on its first field, not on Close.
    const nameField = editor.locator('[data-testid="wf-name"]');
    let focused = false;
    for (let i = 0; i < 30 && !focused; i++) {
      focused = await nameField.evaluate((el) => el === document.activeElement);
      if (!focused) await new Promise((r) => setTimeout(r, 100));
    }
    expect(focused).toBe(true);
    await editor.getByLabel('Every 90 days').check();
    await editor.locator('[data-testid="wf-reminder-window"]').fill('10');
    await editor.locator('[data-testid="wf-remind-after"]').fill('40');
    await editor.locator('[data-testid="wf-remind-after-error"]', { hasText: 'At most 30 days.' }).waitFor();
    expect(await editor.locator('[data-testid="save-workflow"]').isDisabled()).toBe(true);
    await editor.locator('[data-testid="wf-remind-after"]').fill('3');
    await editor.locator('[data-testid="save-workflow"]').click();
    await hostFlag(host, { hasText: 'Engineering review saved' }).waitFor();
    await row.locator('[data-testid="workflow-review"]', { hasText: 'Review every 90 days, due 10 days before' }).waitFor();
    await row.locator('[data-testid="workflow-review"]', { hasText: 'Reminders every 3 days' }).waitFor();

    await row.locator('[data-testid="workflow-menu--trigger"]').click();
    await space.getByRole('menuitem', { name: 'Edit…' }).click();
    expect(await editor.getByLabel('Every 90 days').isChecked()).toBe(true);
    expect(await editor.locator('[data-testid="wf-reminder-window"]').inputValue()).toBe('10');
    expect(await editor.locator('[data-testid="wf-remind-after"]').inputValue()).toBe('3');
    const stored = (await invokeAs(rt(), 'acc-alice', 'workflow.list', { limit: 100 }, { space: { id: '1001', key: 'ENG' } })) as { workflows: { id: string }[] };
    expect(stored.workflows.find((w) => w.id === 'wf-eng-review')).toMatchObject({ reviewPeriodDays: 90, reminderWindowDays: 10, remindAfterDays: 3 });
  }, 120_000);

  it('an approved page with a 90-day review period, 80 days later, is re-requested by its author in one click from the macro and from the review queue', async () => {
    const space = { space: { id: '1001', key: 'ENG' } };
    await invokeAs(rt(), 'acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', reviewPeriodDays: 90, reminderWindowDays: 14 }, space);
    for (const pageId of ['2002', '2003']) {
      const submitted = await invokeAs(rt(), 'acc-bob', 'page.submit', { pageId }, { content: { id: pageId }, ...space });
      const approvalId = (submitted as { approval: { id: string } }).approval.id;
      expect((await invokeAs(rt(), 'acc-carol', 'approval.decide', { approvalId, decision: 'approve' })).success).toBe(true);
    }
    const clock = await fetch(`${rt().url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceDays: 80 }) });
    expect(clock.status).toBe(200);

    const bob = (await session.open('acc-bob')).page;
    await bob.goto(`${rt().url}/wiki/spaces/ENG/pages/2002`);
    const macro = macroOf(bob);
    await macro.locator('[data-testid="review-lozenge"]', { hasText: 'Review due' }).waitFor();
    // The panel says what the reminder comment says, and offers exactly that action.
    await macro.locator('[data-testid="review-guidance"]', { hasText: 'Please request approval again to recertify it.' }).waitFor();
    // The daily job's notice says the same, and shows no machine line to readers.
    expect((await fetch(`${rt().url}/local/scheduled/run`, { method: 'POST' })).status).toBe(200);
    await bob.reload();
    const notice = bob.locator('.comment', { hasText: 'Review due' }).first();
    expect(await notice.textContent()).toContain('Please request approval again to recertify it.');
    expect(await bob.locator('.comment').allTextContents()).not.toContainEqual(expect.stringMatching(/approvalflow:/));
    await macro.locator('[data-testid="request-approval-button"]').click();
    await hostFlag(bob, { hasText: 'Approval requested' }).waitFor();
    await expectState(macro, 'In approval');

    await bob.goto(`${rt().url}/wiki/spaces/ENG/apps/approvals`);
    const queue = fullOf(bob);
    await queue.locator('[data-testid="queue-review"]').click();
    const row = queue.locator('[data-testid="review-row"]', { hasText: 'Release process' });
    await row.locator('[data-testid="review-request-again"]').click();
    await hostFlag(bob, { hasText: 'Approval requested' }).waitFor();
    await row.waitFor({ state: 'detached' });
    const status = await invokeAs(rt(), 'acc-bob', 'page.status', {}, { content: { id: '2003' }, ...space });
    expect((status.status as { state: string }).state).toBe('in_approval');

    // An approver of the page (no edit right needed to approve, none to recertify) is not offered it.
    const { space: carol } = await spaceOf('acc-carol');
    await carol.locator('[data-testid="queue-review"]').click();
    await carol.locator('[data-testid="review-table--table"]').waitFor();
    expect(await carol.locator('[data-testid="review-request-again"]').count()).toBe(0);
  }, 150_000);

  it('after saving retention, the audit trail still shows page titles and space names for every row', async () => {
    await invokeAs(rt(), 'acc-bob', 'page.submit', { pageId: '2005' }, { content: { id: '2005' }, space: { id: '1001', key: 'ENG' } });
    const alicePage = (await session.open('acc-alice')).page;
    await alicePage.goto(`${rt().url}/wiki/admin/approvalflow`);
    const admin = fullOf(alicePage);
    await admin.locator('[data-testid="tab-retention"]').click();
    await admin.locator('[data-testid="retention-auditRetentionDays"]').fill('400');
    await admin.locator('[data-testid="retention-save"]').click();
    await hostFlag(alicePage, { hasText: 'Retention saved' }).waitFor();
    await admin.locator('[data-testid="tab-audit"]').click();
    const retention = admin.locator('[data-testid="audit-row"]', { hasText: 'Retention changed' }).first();
    await admin.locator('[data-testid="audit-row"]').first().waitFor();
    await retention.waitFor();
    expect(await retention.textContent()).toContain('Site');
    await admin.locator('[data-testid="audit-row"]', { hasText: 'Approval requested' }).filter({ hasText: 'API style guide' }).first().waitFor();
    const texts = await admin.locator('[data-testid="audit-row"]').allTextContents();
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) expect(text).not.toMatch(/Space \d+|Page \d+|not available|Loading/);
    expect(texts.filter((t) => t.includes('Engineering')).length).toBeGreaterThan(0);
    expect(await admin.locator('[data-testid="error-message"]').count()).toBe(0);
  }, 120_000);

  it('"Change assignment…" is a labelled picker, and assigning without a choice is refused inline', async () => {
    const { host, space } = await spaceOf('acc-alice');
    await space.locator('[data-testid="tab-manage"]').click();
    const row = space.getByRole('row').filter({ hasText: 'Glossary' });
    await row.locator('[data-testid="manage-row-menu--trigger"]').click();
    await space.getByRole('menuitem', { name: 'Change assignment…' }).click();
    const picker = space.getByLabel('Workflow', { exact: true });
    await picker.waitFor();
    await space.getByRole('button', { name: 'Assign workflow' }).click();
    await space.getByText('Choose the workflow this page must use.').waitFor();
    await picker.fill('Engin');
    await space.getByRole('option', { name: 'Engineering review' }).click();
    await space.getByRole('button', { name: 'Assign workflow' }).click();
    await hostFlag(host, { hasText: 'Workflow assigned' }).waitFor();
    await space.getByRole('row').filter({ hasText: 'Glossary' }).filter({ hasText: '(assigned)' }).waitFor();
  }, 120_000);

  it('with the licence off, a reader of the macro gets one calm sentence, not a red error with Retry', async () => {
    const off = await fetch(`${rt().url}/local/site/license`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ active: false }) });
    expect(off.status).toBe(200);
    try {
      const erin = (await session.open('acc-erin')).page;
      await erin.goto(`${rt().url}/wiki/spaces/ENG/pages/2005`);
      await macroOf(erin).locator('[data-testid="licence-inactive"]', { hasText: 'not available on this site' }).waitFor();
      expect(await macroOf(erin).locator('[data-testid="error-message"]').count()).toBe(0);
    } finally {
      await fetch(`${rt().url}/local/site/license`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ active: true }) });
    }
  }, 90_000);
});
