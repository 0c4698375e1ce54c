/**
 * Issue 23 item 5 in Chromium on the real Custom UI build: a step of a Confluence group waits for
 * more people than a read names (50), and the panel says how many more ("and 10 more"), as text a
 * screen reader reads with the names, with no serious or critical axe finding.
 */
import { axeOf, browserRuns, expectState, invokeAs, macroOf, seriousOrCritical, useBrowserSession } from './helpers';

const describeBrowser = browserRuns ? describe : describe.skip;
const MANY = Array.from({ length: 60 }, (_, i) => `acc-many-${i}`);

describeBrowser('a big group in the page panel (Chromium)', () => {
  const session = useBrowserSession();

  it('names 50 waiting people and says "and 10 more"', async () => {
    const rt = session.base().runtime;
    rt.site.users.push(...MANY.map((accountId) => ({ accountId, displayName: `Many ${accountId.slice('acc-many-'.length)}`, email: `${accountId}@example.com` })));
    rt.site.groups.push({ id: 'grp-many', name: 'many-reviewers', members: [...MANY] });
    const saved = await invokeAs(rt, 'acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', steps: [{ groups: [{ key: 'many', name: 'Many', approvers: ['group:grp-many'], required: 2 }] }] });
    expect(saved.success).toBe(true);
    expect((await invokeAs(rt, 'acc-bob', 'page.submit', { pageId: '2006' })).success).toBe(true);

    const { page } = await session.open('acc-bob');
    await page.goto(`${rt.url}/wiki/spaces/ENG/pages/2006`);
    const macro = macroOf(page);
    await expectState(macro, 'In approval');
    const waiting = macro.locator('[data-testid="step-group-many"] [data-testid="group-waiting"]');
    await waiting.locator('[data-testid="group-waiting-more"]', { hasText: 'and 10 more' }).waitFor();
    expect(await waiting.textContent()).toContain('Many 49');
    expect(await waiting.textContent()).not.toContain('Many 50');
    expect(seriousOrCritical(await axeOf(page, 'iframe.macro', 'panel with a big group', 'light'))).toEqual([]);
  }, 120_000);
});
