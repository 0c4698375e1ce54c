/**
 * Shared set-up of the browser suites: the local runtime on a random port, Chromium from the system
 * (never downloaded), people switched with the af_user cookie and the theme with af_theme, and
 * axe-core run inside the app's iframe.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type FrameLocator, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { startLocalRuntime, type LocalRuntime } from '../../local/server';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const REPO = join(__dirname, '../..');
export const UI_TIMEOUT = 20_000;

export const browserRuns = existsSync(CHROMIUM) || Boolean(process.env.CI);

function ensureUiBuilt(): void {
  const index = join(REPO, 'static/dist/index.html');
  if (existsSync(index) && readFileSync(index, 'utf8').includes('assets/')) return;
  execFileSync(join(REPO, 'node_modules/.bin/vite'), ['build', '--config', 'static/vite.config.ts', '--logLevel', 'warn'], { cwd: REPO, stdio: 'inherit' });
}

export interface Session {
  runtime: LocalRuntime;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
  /** requests to any host but the local runtime (the resource's CSP allows none) */
  externalRequests: string[];
}

export async function startSession(): Promise<Omit<Session, 'context' | 'page' | 'pageErrors' | 'externalRequests'>> {
  ensureUiBuilt();
  const runtime = await startLocalRuntime({ port: 0, memory: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  return { runtime, browser };
}

export async function newPage(s: { runtime: LocalRuntime; browser: Browser }, who: string, theme: 'light' | 'dark' = 'light'): Promise<Session> {
  const context = await s.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT);
  await context.addCookies([
    { name: 'af_user', value: who, url: s.runtime.url },
    { name: 'af_theme', value: theme, url: s.runtime.url },
  ]);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const externalRequests: string[] = [];
  const origin = new URL(s.runtime.url).origin;
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:') && !url.startsWith('about:')) externalRequests.push(url);
  });
  return { ...s, context, page, pageErrors, externalRequests };
}

/** Closes the sessions after checking each had no page error and sent no request off the local origin (the Forge CSP would block it). */
export async function closeChecked(...sessions: Session[]): Promise<void> {
  for (const s of sessions) {
    expect({ pageErrors: s.pageErrors, externalRequests: s.externalRequests }).toEqual({ pageErrors: [], externalRequests: [] });
    await s.context.close();
  }
}

export const macroOf = (page: Page): FrameLocator => page.frameLocator('iframe.macro');
/** The byline's panel, in the dialog Forge opens over the page when the byline title is clicked. */
export const bylineOf = (page: Page): FrameLocator => page.frameLocator('dialog[open] iframe.byline-panel');
/** The byline's title, from the app's dynamicProperties function. */
export const bylineTitle = (page: Page) => page.locator('#af-byline-title');
export const fullOf = (page: Page): FrameLocator => page.frameLocator('iframe.full');

/** A flag as the host shows it (the app calls the bridge's showFlag): on the page, outside the app's iframes. */
export const hostFlag = (page: Page, options: { hasText?: string | RegExp } = {}) => page.locator('[data-testid="flag"]', options);

export async function expectState(frame: FrameLocator, label: string): Promise<void> {
  await frame.locator('[data-testid="approval-state"]', { hasText: new RegExp(`^${label}$`) }).first().waitFor();
}

/** A resolver call as a person, the way the Custom UI makes it (POST /local/invoke). */
/** The file a click downloads: its suggested name and its text. */
export async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
}

export async function invokeAs(runtime: LocalRuntime, who: string, functionKey: string, payload: object, extension: object = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${runtime.url}/local/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-account-id': who },
    body: JSON.stringify({ moduleKey: 'approvalflow-macro', functionKey, payload, extension }),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** The app's iframe as a Frame (axe needs a Frame or Page). */
export async function appFrame(page: Page, selector: string): Promise<Frame> {
  const handle = await page.waitForSelector(selector);
  const frame = await handle.contentFrame();
  if (!frame) throw new Error(`no frame for ${selector}`);
  return frame;
}

export interface AxeSummary {
  view: string;
  theme: string;
  violations: { id: string; impact: string | null | undefined; nodes: number; where: string[] }[];
}

/** axe-core on the app's own document inside its iframe, in its current state (the host page is the local site's, not ours). */
export async function axeOf(page: Page, selector: string, view: string, theme: string): Promise<AxeSummary> {
  await appFrame(page, selector);
  const result = await new AxeBuilder({ page }).include([selector, '#root']).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return { view, theme, violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, where: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) })) };
}

export const seriousOrCritical = (s: AxeSummary) => s.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/**
 * One local runtime and browser per describe block, and pages opened as a person that are checked
 * after each test: no page error, and no request leaving the local origin (the Forge CSP would block it).
 */
export function useBrowserSession(): { base(): Awaited<ReturnType<typeof startSession>>; open(who: string): Promise<Session> } {
  let base: Awaited<ReturnType<typeof startSession>> | undefined;
  const sessions: Session[] = [];
  beforeAll(async () => {
    base = await startSession();
  }, 90_000);
  afterAll(async () => {
    await base?.browser.close();
    await base?.runtime.close();
  });
  afterEach(() => closeChecked(...sessions.splice(0)));
  const started = () => {
    if (!base) throw new Error('the browser session has not started');
    return base;
  };
  return {
    base: started,
    async open(who) {
      const s = await newPage(started(), who);
      sessions.push(s);
      return s;
    },
  };
}
