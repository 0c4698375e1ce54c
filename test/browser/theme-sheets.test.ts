/**
 * The token stylesheets (issue 24): a view fetches the colour sheet of the host's theme only, and
 * the other one when the host switches theme while it is open.
 */
import type { Page } from 'playwright-core';
import { appFrame, browserRuns, closeChecked, expectState, macroOf, newPage, startSession } from './helpers';

const describeBrowser = browserRuns ? describe : describe.skip;

/** The chunk of one colour mode's token sheet (not its -future/-increased-contrast siblings). */
const sheetOf = (mode: 'light' | 'dark') => new RegExp(`/assets/atlassian-${mode}-[\\w-]{8}\\.js$`);

function recordScripts(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (req) => void urls.push(req.url()));
  return urls;
}

describeBrowser('token sheets follow the host theme (Chromium)', () => {
  let base: Awaited<ReturnType<typeof startSession>>;
  beforeAll(async () => {
    base = await startSession();
  }, 90_000);
  afterAll(async () => {
    await base?.browser.close();
    await base?.runtime.close();
  });

  it.each(['light', 'dark'] as const)('the macro in the %s theme loads that colour sheet and not the other', async (theme) => {
    const s = await newPage(base, 'acc-bob', theme);
    const urls = recordScripts(s.page);
    await s.page.goto(`${base.runtime.url}/wiki/spaces/ENG/pages/2001`);
    await expectState(macroOf(s.page), 'Not requested');
    const other = theme === 'light' ? 'dark' : 'light';
    expect({ own: urls.filter((u) => sheetOf(theme).test(u)).length > 0, other: urls.filter((u) => sheetOf(other).test(u)) }).toEqual({ own: true, other: [] });
    await closeChecked(s);
  }, 60_000);

  it('a theme switch while the macro is open fetches the other sheet and applies it', async () => {
    const s = await newPage(base, 'acc-bob', 'light');
    const urls = recordScripts(s.page);
    await s.page.goto(`${base.runtime.url}/wiki/spaces/ENG/pages/2001`);
    await expectState(macroOf(s.page), 'Not requested');
    const frame = await appFrame(s.page, 'iframe.macro');
    const surface = () => frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await surface();
    // what the host does on a theme switch (Forge sets the attribute on the app's <html>)
    await frame.evaluate(() => document.documentElement.setAttribute('data-color-mode', 'dark'));
    await frame.waitForFunction((before) => getComputedStyle(document.body).backgroundColor !== before, light);
    expect(urls.filter((u) => sheetOf('dark').test(u)).length).toBeGreaterThan(0);
    await closeChecked(s);
  }, 60_000);
});
