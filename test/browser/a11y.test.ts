/**
 * axe-core on every view of the Custom UI, in the light and the dark theme: no serious or critical
 * violation. Every view's full verdict (moderate findings too) goes to test-results/a11y.json. With
 * AF_SCREENSHOTS=<dir> set, each view is also saved as a screenshot (that is how docs/screenshots/
 * is produced).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeOf, browserRuns, closeChecked, expectState, fullOf, invokeAs, macroOf, newPage, seriousOrCritical, startSession, type AxeSummary } from './helpers';

const describeBrowser = browserRuns ? describe : describe.skip;
const SHOTS = process.env.AF_SCREENSHOTS;
/** Where the per-view verdict is written (test-results/a11y.json unless AF_TEST_RESULTS says). */
const REPORT_DIR = process.env.AF_TEST_RESULTS ?? join(__dirname, '../../test-results');

describeBrowser('accessibility of every view, light and dark (axe-core)', () => {
  let base: Awaited<ReturnType<typeof startSession>>;
  const summaries: AxeSummary[] = [];

  beforeAll(async () => {
    base = await startSession();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    // Content for every view: a pending approval (DOCS 3001, step 2 "all of"), an approved page, a change set.
    const submit = await invokeAs(base.runtime, 'acc-bob', 'page.submit', { pageId: '3001', workflowId: 'wf-docs-legal' });
    await invokeAs(base.runtime, 'acc-carol', 'approval.decide', { approvalId: (submit.approval as { id: string }).id, decision: 'approve' });
    const p2 = await invokeAs(base.runtime, 'acc-bob', 'page.submit', { pageId: '2001' });
    await invokeAs(base.runtime, 'acc-carol', 'approval.decide', { approvalId: (p2.approval as { id: string }).id, decision: 'approve' });
    await invokeAs(base.runtime, 'acc-bob', 'page.submit', { pageId: '2002' });
    await invokeAs(base.runtime, 'acc-alice', 'changeSet.create', { title: 'Release 4.2 runbooks', summary: 'Runbooks for the 4.2 release', pageRefs: [{ pageId: '2002' }, { pageId: '2003' }] }, { space: { id: '1001' } });
  }, 120_000);

  afterAll(async () => {
    await base?.browser.close();
    await base?.runtime.close();
    // The per-view verdict (every violation, moderate ones included) is an artefact, not terminal output.
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(join(REPORT_DIR, 'a11y.json'), `${JSON.stringify(summaries, null, 2)}\n`);
  });

  async function check(page: Page, selector: string, view: string, theme: string): Promise<void> {
    const summary = await axeOf(page, selector, view, theme);
    summaries.push(summary);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${view}-${theme}.png`), fullPage: true });
    expect(seriousOrCritical(summary)).toEqual([]);
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`page macro and byline (${theme})`, async () => {
      const s = await newPage(base, 'acc-dave', theme);
      await s.page.goto(`${base.runtime.url}/wiki/spaces/DOCS/pages/3001`);
      await expectState(macroOf(s.page), 'In approval');
      await macroOf(s.page).locator('[data-testid="approver-waiting"]').first().waitFor();
      await check(s.page, 'iframe.macro', 'page-macro-approver', theme);
      await s.page.locator('#af-byline').click();
      await expectState(s.page.frameLocator('dialog[open] iframe.byline-panel'), 'In approval');
      await check(s.page, 'dialog[open] iframe.byline-panel', 'byline', theme);
      await s.page.locator('#af-byline-close').click();
      await macroOf(s.page).locator('[data-testid="reject-button"]').click();
      await check(s.page, 'iframe.macro', 'page-macro-request-changes', theme);
      const bob = await newPage(base, 'acc-bob', theme);
      await bob.page.goto(`${base.runtime.url}/wiki/spaces/ENG/pages/2004`);
      await macroOf(bob.page).locator('[data-testid="request-approval-button"]').click();
      await macroOf(bob.page).locator('[data-testid="preflight-result"]').waitFor();
      await check(bob.page, 'iframe.macro', 'page-macro-request', theme);
      await closeChecked(s, bob);
    }, 120_000);

    it(`space page: queue, change sets, workflows, analytics (${theme})`, async () => {
      const s = await newPage(base, 'acc-alice', theme);
      await s.page.goto(`${base.runtime.url}/wiki/spaces/ENG/apps/approvals`);
      const space = fullOf(s.page);
      await space.locator('[data-testid="queue-all"]').click();
      await space.locator('[data-testid="page-link"]').first().waitFor();
      await check(s.page, 'iframe.full', 'space-queue', theme);
      await space.locator('[data-testid="tab-changesets"]').click();
      await space.locator('[data-testid="changeset-link"]').first().click();
      await space.locator('[data-testid="changeset-detail"]').waitFor();
      await check(s.page, 'iframe.full', 'space-changeset-detail', theme);
      await space.locator('[data-testid="submit-changeset"]').click();
      await space.locator('[data-testid="confirm-modal"]').waitFor();
      await check(s.page, 'iframe.full', 'space-changeset-confirm', theme);
      await space.getByRole('button', { name: 'Cancel' }).click();
      await space.locator('[data-testid="tab-workflows"]').click();
      await space.locator('[data-testid="workflow-menu--trigger"]').first().waitFor();
      await check(s.page, 'iframe.full', 'space-workflows', theme);
      await space.locator('[data-testid="new-workflow-button"]').click();
      await space.locator('[data-testid="workflow-editor"]').waitFor();
      await check(s.page, 'iframe.full', 'space-workflow-editor', theme);
      await space.getByRole('button', { name: 'Cancel' }).click();
      await space.locator('[data-testid="tab-analytics"]').click();
      await space.locator('[data-testid="analytics-chart"]').waitFor();
      await check(s.page, 'iframe.full', 'space-analytics', theme);
      await closeChecked(s);
    }, 150_000);

    it(`space page: routing rules and Automation labels (${theme})`, async () => {
      const s = await newPage(base, 'acc-alice', theme);
      await s.page.goto(`${base.runtime.url}/wiki/spaces/ENG/apps/approvals`);
      const space = fullOf(s.page);
      await space.locator('[data-testid="tab-routing"]').click();
      await space.locator('[data-testid="automation-label-approved"]').fill('Not A Label');
      await space.locator('[data-testid="automation-labels-save"]').click();
      // the server's refusal sits under the field it names
      await space.locator('[data-testid="automation-label-approved-error"]').waitFor();
      await check(s.page, 'iframe.full', 'space-routing-automation-labels', theme);
      await closeChecked(s);
    }, 120_000);

    it(`admin page: audit trail, REST API, and an outsider's sentence (${theme})`, async () => {
      const s = await newPage(base, 'acc-alice', theme);
      await s.page.goto(`${base.runtime.url}/wiki/admin/approvalflow`);
      const admin = fullOf(s.page);
      await admin.locator('[data-testid="audit-row"]').first().waitFor();
      await check(s.page, 'iframe.full', 'admin-audit', theme);
      await admin.locator('[data-testid="tab-api"]').click();
      await admin.locator('[data-testid="api-help"]').waitFor();
      await check(s.page, 'iframe.full', 'admin-api', theme);
      const erin = await newPage(base, 'acc-erin', theme);
      await erin.page.goto(`${base.runtime.url}/wiki/admin/approvalflow`);
      await fullOf(erin.page).locator('[data-testid="no-access"]').waitFor();
      await check(erin.page, 'iframe.full', 'admin-outsider', theme);
      await closeChecked(s, erin);
    }, 120_000);
  }
});
