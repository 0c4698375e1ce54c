/**
 * Issue 23 item 5: change-set list, detail, for-page and the approval queue prove what the caller
 * can see with batched page reads made as the caller (⌈P/250⌉ calls), not one permission check per
 * page. A page the caller cannot see must stay exactly as hidden as before, on every path the
 * platform profile may force: getPages as the caller, or a batched read as the (impersonated) caller
 * (where the app cannot act as the caller at all, the per-page checks of before remain: not here).
 */
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import type { ConfluenceAccess } from '../../src/adapters/confluence/access';
import { createEngine } from '../../src/core/services';
import type { Engine } from '../../src/core/services';
import { ALICE, BOB, ENG, ERIN, api, refusal, setup, ui } from '../engine/helpers';
import type { TestEnv } from '../engine/helpers';

const RESTRICTED = '2012'; // restricted to Alice and Bob; Erin can view the space
const OPEN = '2001';
const PERMISSION_CHECK = 'POST /wiki/rest/api/content/{id}/permission/check';

/** readsAsCaller: getPages itself reads as the caller (else as the app, whose view hides what the app user cannot see). */
type Mode = { name: string; access: (accountId: string) => ConfluenceAccess; readsAsCaller: boolean };

const MODES: Mode[] = [
  { name: 'getPages reads as the caller', access: (accountId) => ({ actingAccountId: accountId, impersonation: false, appUserIsConfluenceAdmin: false }), readsAsCaller: true },
  { name: 'one batched read as the impersonated caller', access: () => ({ impersonation: true, appUserIsConfluenceAdmin: false }), readsAsCaller: false },
];

/** An engine for one invocation of `accountId`, its Confluence access as the mode says. */
const engineOf = (env: TestEnv, mode: Mode, accountId: string): Engine =>
  createEngine({ ...env.deps, confluence: new RestConfluenceSite(env.site.transport(), mode.access(accountId)) }, { log: () => undefined });

describe.each(MODES)('$name', (mode) => {
  test('a restricted page in a change set shows its state only, without its title, in the list and the detail', async () => {
    const env = await setup();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Mixed', pageRefs: [{ pageId: OPEN }, { pageId: RESTRICTED }] });
    const erin = engineOf(env, mode, ERIN);
    env.site.resetCalls();
    const [listed] = (await erin.changeSets.list(ui(ERIN), { spaceId: ENG })).items;
    const detail = await erin.changeSets.get(ui(ERIN), cs.id);
    for (const view of [listed, detail]) {
      expect(view.pages.map((p) => [p.pageId, p.approvalStatus, p.title])).toEqual([
        [OPEN, 'draft', 'Architecture overview'],
        [RESTRICTED, 'draft', ''],
      ]);
      expect(view.pages[1]).toMatchObject({ currentPageVersion: null, approvalId: null });
    }
    expect(env.site.calls.byEndpoint[PERMISSION_CHECK]).toBeUndefined();
    // a reader of both pages sees both (through the app's own view, only what the app user can see too)
    const bobView = await engineOf(env, mode, BOB).changeSets.get(ui(BOB), cs.id);
    expect(bobView.pages.map((p) => [p.pageId, p.title])).toEqual([
      [OPEN, 'Architecture overview'],
      [RESTRICTED, mode.readsAsCaller ? 'Compensation bands' : ''],
    ]);
  });

  test('the change sets of a restricted page are refused exactly like those of a missing page', async () => {
    const env = await setup();
    await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Mixed', pageRefs: [{ pageId: OPEN }, { pageId: RESTRICTED }] });
    const erin = engineOf(env, mode, ERIN);
    const hidden = await refusal(erin.changeSets.forPage(ui(ERIN), RESTRICTED));
    const missing = await refusal(erin.changeSets.forPage(ui(ERIN), '2999'));
    expect(hidden).toEqual(missing);
    expect(hidden).toMatchObject({ status: 404, code: 'PAGE_NOT_FOUND' });
    expect((await erin.changeSets.forPage(ui(ERIN), OPEN)).items).toHaveLength(1);
  });

  test('the queue leaves out approvals of pages the caller cannot read, and its count does not include them', async () => {
    const env = await setup();
    for (const pageId of [OPEN, RESTRICTED]) await env.engine.approvals.submitPage(ui(BOB), pageId);
    const erinQueue = await engineOf(env, mode, ERIN).approvals.queue(ui(ERIN), ENG, { limit: 50 });
    expect(erinQueue.items.map((a) => a.pageId)).toEqual([OPEN]);
    expect(erinQueue.nextCursor).toBeUndefined();
    const aliceQueue = await engineOf(env, mode, ALICE).approvals.queue(ui(ALICE), ENG, { limit: 50 });
    expect(aliceQueue.items.map((a) => a.pageId).sort()).toEqual([OPEN, RESTRICTED]);
  });
});

test('a change-set list page of 100 pages costs ⌈P/250⌉ page reads and no permission check per page', async () => {
  const env = await setup({ extraPages: 100 });
  const refs = Array.from({ length: 100 }, (_, i) => ({ pageId: String(4001 + i) }));
  await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Big', pageRefs: refs });
  env.site.resetCalls();
  const [view] = (await engineOf(env, MODES[0], ERIN).changeSets.list(ui(ERIN), { spaceId: ENG })).items;
  expect(view.pages.every((p) => p.approvalStatus === 'draft')).toBe(true);
  expect(env.site.calls.byEndpoint['GET /wiki/api/v2/pages']).toBe(1);
  expect(env.site.calls.byEndpoint[PERMISSION_CHECK]).toBeUndefined();
  expect(env.site.calls.total).toBeLessThanOrEqual(3);
});
