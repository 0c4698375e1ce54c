/**
 * Browser smoke test: the real Custom UI build, hosted by the local runtime's Confluence pages in
 * iframes, driven by Chromium. Covers what a user does first: see a page's state, request
 * approval, approve as a reviewer, and check the audit trail as an admin.
 *
 * Skips only when Chromium is missing on a developer machine; in CI (.ci/run installs Chromium)
 * a missing browser fails the run instead of silently skipping.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { startLocalRuntime, type LocalRuntime } from '../../local/server';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const REPO = join(__dirname, '../..');
const UI_TIMEOUT = 20_000;

const runs = existsSync(CHROMIUM) || Boolean(process.env.CI);
const describeBrowser = runs ? describe : describe.skip;

/** `npm test` builds the UI first; a lone `npx jest` run may not have, so build when the bundle is missing. */
function ensureUiBuilt(): void {
  const index = join(REPO, 'static/dist/index.html');
  if (existsSync(index) && readFileSync(index, 'utf8').includes('assets/')) return;
  execFileSync(join(REPO, 'node_modules/.bin/vite'), ['build', '--config', 'static/vite.config.ts', '--logLevel', 'warn'], { cwd: REPO, stdio: 'inherit' });
}

describeBrowser('Custom UI in the local site (Chromium)', () => {
  let runtime: LocalRuntime;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureUiBuilt();
    runtime = await startLocalRuntime({ port: 0, memory: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT);
    page = await context.newPage();
    pageErrors.length = 0;
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterEach(async () => {
    await context?.close();
  });

  async function actAs(accountId: string): Promise<void> {
    await context.addCookies([{ name: 'af_user', value: accountId, url: runtime.url }]);
  }

  async function openPage(pageId: string): Promise<FrameLocator> {
    await page.goto(`${runtime.url}/wiki/spaces/ENG/pages/${pageId}`);
    return page.frameLocator('iframe.macro');
  }

  async function expectState(frame: FrameLocator, label: string): Promise<void> {
    await frame.locator('[data-testid="approval-state"]', { hasText: new RegExp(`^${label}$`) }).waitFor();
  }

  it('shows the not-submitted state of a never-submitted page in the macro and the byline', async () => {
    await actAs('acc-bob');
    const macro = await openPage('2001');
    await expectState(macro, 'Not requested');
    // the byline opens its panel in a dialog over the page, as Forge opens byline content
    await page.locator('#af-byline').click();
    await expectState(page.frameLocator('dialog[open] iframe.byline-panel'), 'Not requested');
    await page.locator('#af-byline-close').click();
    await macro.locator('[data-testid="request-approval-button"]').waitFor();
    await page.screenshot({ path: '/tmp/approvalflow-page-draft.png', fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('requests approval as bob, approves as carol, and shows Approved', async () => {
    await actAs('acc-bob');
    let macro = await openPage('2001');
    await macro.locator('[data-testid="request-approval-button"]').click();
    await macro.locator('[data-testid="preflight-result"]', { hasText: 'Ready to submit' }).waitFor();
    await macro.locator('[data-testid="submit-approval-button"]').click();
    await expectState(macro, 'In approval');
    await macro.locator('[data-testid="cancel-button"]').waitFor();
    expect(await macro.locator('[data-testid="approve-button"]').count()).toBe(0);

    await actAs('acc-carol');
    macro = await openPage('2001');
    await expectState(macro, 'In approval');
    // People appear by display name (the account id stays in the tooltip), never as raw ids.
    const activeStep = macro.locator('[data-testid="step-approvers"]');
    await activeStep.filter({ hasText: 'Carol Reviewer' }).waitFor();
    await activeStep.filter({ hasText: 'Dave Reviewer' }).waitFor();
    expect(await activeStep.textContent()).not.toContain('acc-carol');
    expect(await macro.locator('[data-testid="pending-approver"] [data-account-id="acc-carol"]').textContent()).toBe('Carol Reviewer');
    await macro.getByText('Engineering review, version 3, requested by', { exact: false }).waitFor();
    await macro.locator('[data-testid="page-panel"]', { hasText: 'Bob Author' }).waitFor();
    await page.screenshot({ path: '/tmp/approvalflow-page-pending.png', fullPage: true });
    await macro.locator('[data-testid="approve-button"]').click();
    await expectState(macro, 'Approved');
    await macro.locator('[data-testid="history"]', { hasText: 'Carol Reviewer' }).waitFor();
    await page.screenshot({ path: '/tmp/approvalflow-page-approved.png', fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('shows the audit trail to alice and verifies the chain', async () => {
    await actAs('acc-alice');
    await page.goto(`${runtime.url}/wiki/admin/approvalflow`);
    const admin = page.frameLocator('iframe.full');
    await admin.locator('[data-testid="audit-action"]', { hasText: /^Approved$/ }).first().waitFor();
    await admin.locator('[data-testid="audit-action"]', { hasText: /^Approval requested$/ }).first().waitFor();
    await admin.locator('[data-testid="verify-chain-button"]').click();
    const result = admin.locator('[data-testid="verify-result"]');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/Chain OK.*All \d+ records are intact/);
    await page.screenshot({ path: '/tmp/approvalflow-admin.png', fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
