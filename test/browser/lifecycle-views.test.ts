/**
 * Issue 11's remaining views in Chromium on the real Custom UI build: the Analytics tab (cards,
 * workflow comparison, filters, CSV/HTML downloads), the admin page's Retention tab (lengthen works,
 * shortening below the minimum shows the server's refusal) and its audit filter's lifecycle actions,
 * and the queue's "review due or expired" filter with the expired state in byline and macro.
 * Each view also passes axe (no serious or critical violation); with AF_SCREENSHOTS=<dir> set it is
 * saved as a screenshot, as the a11y suite does. The tests share one runtime and build on each other
 * in order (the first one's approvals, the last one moves the clock).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { axeOf, browserRuns, bylineTitle, downloaded, fullOf, hostFlag, invokeAs, macroOf, seriousOrCritical, useBrowserSession } from './helpers';

const describeBrowser = browserRuns ? describe : describe.skip;
const SHOTS = process.env.AF_SCREENSHOTS;
const ENG = { space: { id: '1001', key: 'ENG' } };

async function checkView(page: Page, view: string): Promise<void> {
  const summary = await axeOf(page, 'iframe.full', view, 'light');
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${view}-light.png`), fullPage: true });
  }
  expect(seriousOrCritical(summary)).toEqual([]);
}

/** Polls `read` until it returns `expected` (Playwright's auto-waiting, for values jest cannot wait on). */
async function eventually(read: () => Promise<string | null>, expected: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: string | null = null;
  while (Date.now() < until) {
    last = await read().catch(() => null);
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(last).toBe(expected);
}

async function cardValue(app: FrameLocator, card: string): Promise<string> {
  return ((await app.locator(`[data-testid="card-${card}-value"]`).textContent()) ?? '').trim();
}

async function expectCard(app: FrameLocator, card: string, value: string): Promise<void> {
  await eventually(() => cardValue(app, card), value);
}

describeBrowser('lifecycle views (Chromium)', () => {
  const session = useBrowserSession();
  const run = (who: string, key: string, payload: object, extension: object = ENG) => invokeAs(session.base().runtime, who, key, payload, extension);
  const approve = async (pageId: string) => {
    const submitted = (await run('acc-bob', 'page.submit', { pageId }, { content: { id: pageId }, ...ENG })) as { approval: { id: string } };
    await run('acc-carol', 'approval.decide', { approvalId: submitted.approval.id, decision: 'approve' });
  };

  it('Analytics: cards, workflow comparison, filters and CSV/HTML downloads with readable names', async () => {
    await approve('2001');
    await run('acc-bob', 'page.submit', { pageId: '2002' }, { content: { id: '2002' }, ...ENG });
    const s = await session.open('acc-alice');
    await s.page.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const app = fullOf(s.page);
    await app.locator('[data-testid="tab-analytics"]').click();
    await app.locator('[data-testid="analytics-chart"]').waitFor();
    await expectCard(app, 'total', '2');
    await expectCard(app, 'in-approval', '1');
    await expectCard(app, 'approved', '1');
    await expectCard(app, 'changes-requested', '0');
    await expectCard(app, 'due', '0');
    const comparison = app.getByRole('table', { name: 'Workflow comparison' });
    await comparison.getByRole('row', { name: /Engineering review/ }).waitFor();
    expect(await comparison.getByRole('row', { name: /Engineering review/ }).textContent()).toMatch(/^Engineering review2100/);
    await checkView(s.page, 'space-analytics');

    const csv = await downloaded(s.page, () => app.locator('[data-testid="export-csv"]').click());
    expect(csv.name).toMatch(/^approvalflow-analytics-ENG-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
    expect(csv.text.split('\r\n')[0]).toBe('Page,Page id,Workflow,Submitted by,Submitted at,Outcome,Decided by,Decided at,Hours to decision');
    expect(csv.text).toMatch(/Architecture overview,2001,Engineering review,Bob Author,\d{4}-\d\d-\d\dT[\d:.]+Z,Approved,Carol Reviewer,/);
    const html = await downloaded(s.page, () => app.locator('[data-testid="export-html"]').click());
    expect(html.name).toMatch(/\.html$/);
    expect(html.text).toContain('<title>ApprovalFlow analytics, Engineering</title>');
    expect(html.text).toContain('<td>Onboarding guide</td>');

    // a range with no activity: the outcome cards drop to 0, what is open now stays
    await app.locator('[data-testid="analytics-from"]').fill('2020-01-01');
    await app.locator('[data-testid="analytics-to"]').fill('2020-01-31');
    await app.locator('[data-testid="analytics-apply"]').click();
    await app.getByRole('heading', { name: /1 Jan 2020 to 31 Jan 2020/ }).waitFor();
    await expectCard(app, 'total', '0');
    await expectCard(app, 'approved', '0');
    await expectCard(app, 'in-approval', '1');
    // a reversed range: the server's refusal is shown, the filters stay usable
    await app.locator('[data-testid="analytics-from"]').fill('2020-02-01');
    await app.locator('[data-testid="analytics-apply"]').click();
    await app.locator('[data-testid="error-message"]', { hasText: /after/ }).waitFor();
    await app.locator('[data-testid="analytics-apply"]').waitFor();
  }, 150_000);

  it('Analytics for someone without the audit trail: outcomes are "—", no export', async () => {
    const s = await session.open('acc-bob');
    await s.page.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const app = fullOf(s.page);
    await app.locator('[data-testid="tab-analytics"]').click();
    await expectCard(app, 'in-approval', '1');
    await expectCard(app, 'total', '—');
    await expectCard(app, 'approved', '—');
    expect(await app.locator('[data-testid="export-csv"]').count()).toBe(0);
  }, 120_000);

  it('Retention: the rule is shown, lengthening saves, shortening below the minimum is refused inline before any confirmation; lifecycle actions filter the audit trail', async () => {
    const s = await session.open('acc-alice');
    await s.page.goto(`${session.base().runtime.url}/wiki/admin/approvalflow`);
    const admin = fullOf(s.page);
    await admin.locator('[data-testid="tab-retention"]').click();
    await admin.locator('[data-testid="retention-rule"]', { hasText: '180 days' }).waitFor();
    const audit = admin.locator('[data-testid="retention-auditRetentionDays"]');
    await eventually(() => audit.inputValue(), '365');
    await checkView(s.page, 'admin-retention');
    await audit.fill('400');
    await admin.locator('[data-testid="retention-save"]').click();
    await hostFlag(s.page, { hasText: 'Retention saved' }).waitFor();
    await s.page.reload();
    await fullOf(s.page).locator('[data-testid="tab-retention"]').click();
    await eventually(() => fullOf(s.page).locator('[data-testid="retention-auditRetentionDays"]').inputValue(), '400');

    const again = fullOf(s.page);
    await again.locator('[data-testid="retention-approvalRetentionDays"]').fill('90');
    await again.locator('[data-testid="retention-save"]').click();
    // A value the server refuses is refused inline under its field, before any destructive confirmation.
    await again.locator('[data-testid="ret-approvalRetentionDays-error"]', { hasText: 'At least 180 days.' }).waitFor();
    expect(await again.locator('[data-testid="confirm-modal"]').count()).toBe(0);
    const settings = (await invokeAs(session.base().runtime, 'acc-alice', 'retention.get', {})) as { settings: unknown };
    expect(settings.settings).toEqual({ approvalRetentionDays: 180, auditRetentionDays: 400 });

    await again.locator('[data-testid="tab-audit"]').click();
    await again.locator('#f-action').fill('Retention changed');
    await again.getByRole('option', { name: 'Retention changed' }).click();
    for (const label of ['Review due (notice posted)', 'Review expired (notice posted)', 'Reminder sent', 'Page assignment cleared', 'Old approval purged']) {
      await again.locator('#f-action').fill(label);
      await again.getByRole('option', { name: label, exact: true }).waitFor();
      await again.locator('#f-action').press('Escape');
    }
  }, 150_000);

  it('Queue "review due or expired": each page with its state and due date; the expired page says so in byline and macro', async () => {
    await run('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', reviewPeriodDays: 90, reminderWindowDays: 14 });
    await approve('2003');
    const clock = (days: number) => fetch(`${session.base().runtime.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceDays: days }) });
    expect((await clock(10)).status).toBe(200);
    await approve('2005');
    expect((await clock(82)).status).toBe(200); // 2003: day 92 (expired), 2005: day 82 (due)

    const s = await session.open('acc-alice');
    await s.page.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const app = fullOf(s.page);
    await app.locator('[data-testid="queue-review"]').click();
    const expired = app.locator('[data-testid="review-row"]', { hasText: 'Release process' });
    const due = app.locator('[data-testid="review-row"]', { hasText: 'API style guide' });
    await expired.waitFor();
    expect(await expired.locator('[data-testid="review-lozenge"]').textContent()).toBe('Review expired');
    expect(await due.locator('[data-testid="review-lozenge"]').textContent()).toBe('Review due');
    expect(await app.locator('[data-testid="review-row"]').count()).toBe(2);
    const dueBy = (await due.locator('[data-testid="review-due"]').textContent()) ?? '';
    expect(dueBy).toMatch(/\d{1,2} \w{3} \d{4}/);
    await checkView(s.page, 'space-queue-review');

    await app.locator('[data-testid="tab-analytics"]').click();
    await expectCard(app, 'due', '1');
    await expectCard(app, 'expired', '1');

    const bob = await session.open('acc-bob');
    await bob.page.goto(`${session.base().runtime.url}/wiki/spaces/ENG/pages/2003`);
    await eventually(() => bylineTitle(bob.page).textContent(), 'Approval: review expired');
    await macroOf(bob.page).locator('[data-testid="review-lozenge"]').waitFor();
    expect(await macroOf(bob.page).locator('[data-testid="review-lozenge"]').textContent()).toBe('Review expired');
  }, 150_000);
});
