/**
 * The manage-space tab (SPEC 2.9) in Chromium on the real Custom UI build: a space admin sees the
 * space's pages with their approval and review state, clears an assignment after confirming, gets a
 * flag and a refreshed row; someone who is not a space admin gets no such tab.
 */
import { browserRuns, fullOf, hostFlag, invokeAs, macroOf, useBrowserSession } from './helpers';

const describeBrowser = browserRuns ? describe : describe.skip;

describeBrowser('manage-space tab (Chromium)', () => {
  const session = useBrowserSession();

  it('lists pages with their state; clear assignment confirms, flags and refreshes the row', async () => {
    const space = { space: { id: '1001', key: 'ENG' } };
    await invokeAs(session.base().runtime, 'acc-alice', 'assignment.set', { pageId: '2006', workflowId: 'wf-eng-review' }, space);
    const s = await session.open('acc-alice');
    await s.page.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const app = fullOf(s.page);
    await app.locator('[data-testid="tab-manage"]').click();
    const row = app.getByRole('row').filter({ hasText: 'Security checklist' });
    await row.waitFor();
    await expectText(row, 'Engineering review');
    await expectText(row, '(assigned)');
    await expectText(row, 'No review period');
    await row.locator('[data-testid="manage-row-menu--trigger"]').click();
    await app.getByRole('menuitem', { name: 'Clear assignment…' }).click();
    await app.locator('[data-testid="confirm-button"]').click();
    await hostFlag(s.page, { hasText: 'Assignment cleared' }).waitFor();
    await app.getByRole('row').filter({ hasText: 'Security checklist' }).filter({ hasNotText: '(assigned)' }).waitFor();
  }, 120_000);

  it('the tree expands a page in place and says so when it has no pages under it', async () => {
    const s = await session.open('acc-alice');
    await s.page.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const app = fullOf(s.page);
    await app.locator('[data-testid="tab-manage"]').click();
    await app.getByRole('treegrid', { name: 'Pages of this space' }).waitFor();
    const expand = app.getByRole('button', { name: 'Expand Glossary' });
    await expand.click();
    await app.getByRole('row').filter({ hasText: 'No pages under this one.' }).waitFor();
    await app.getByRole('button', { name: 'Collapse Glossary' }).click();
    await app.getByRole('row').filter({ hasText: 'No pages under this one.' }).waitFor({ state: 'detached' });
  }, 120_000);

  it('a page due for review says so in the byline title and in the macro', async () => {
    const space = { space: { id: '1001', key: 'ENG' } };
    await invokeAs(session.base().runtime, 'acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', reviewPeriodDays: 90, reminderWindowDays: 14 }, space);
    const submitted = await invokeAs(session.base().runtime, 'acc-bob', 'page.submit', { pageId: '2009' }, { content: { id: '2009' }, ...space });
    const approvalId = (submitted as { approval: { id: string } }).approval.id;
    await invokeAs(session.base().runtime, 'acc-carol', 'approval.decide', { approvalId, decision: 'approve' }, { content: { id: '2009' }, ...space });
    const clock = await fetch(`${session.base().runtime.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceDays: 80 }) });
    expect(clock.status).toBe(200);
    const s = await session.open('acc-bob');
    await s.page.goto(`${session.base().runtime.url}/wiki/spaces/ENG/pages/2009`);
    expect(await s.page.locator('#af-byline-title').textContent()).toBe('Approval: review due');
    const macro = macroOf(s.page);
    await macro.locator('[data-testid="review-lozenge"]').waitFor();
    expect(await macro.locator('[data-testid="review-lozenge"]').textContent()).toBe('Review due');
  }, 120_000);

  it('someone who is not a space admin has no manage tab', async () => {
    const s = await session.open('acc-bob');
    await s.page.goto(`${session.base().runtime.url}/wiki/spaces/ENG/apps/approvals`);
    const app = fullOf(s.page);
    await app.locator('[data-testid="tab-queue"]').waitFor();
    expect(await app.locator('[data-testid="tab-manage"]').count()).toBe(0);
  }, 120_000);
});

async function expectText(locator: { textContent(): Promise<string | null> }, text: string): Promise<void> {
  expect(await locator.textContent()).toContain(text);
}
