/**
 * Preflight approver warnings: one batched page read as each approver when the app may act as
 * them; otherwise (platform profile without impersonation) one permission check per page per
 * approver, answered "cannot view" when it cannot be verified (docs/forge-platform.md U6/U7).
 */
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { createEngine } from '../../src/core/services';
import { ALICE, BOB, CAROL, ERIN, setup, ui } from './helpers';

async function preflightWith(impersonation: boolean) {
  const env = await setup({ extraPages: 3 });
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [ERIN, CAROL], mode: 'any' }] });
  const cs = await env.engine.changeSets.create(ui(BOB), { spaceId: '1001', title: 'Visibility', pageRefs: [{ pageId: '2012' }, { pageId: '4001' }, { pageId: '4002' }] });
  const engine = createEngine(
    { ...env.deps, confluence: new RestConfluenceSite(env.site.transport(), { actingAccountId: BOB, impersonation, appUserIsConfluenceAdmin: false }) },
    { log: () => undefined },
  );
  env.site.resetCalls();
  const pre = await engine.changeSets.preflight(ui(BOB), cs.id);
  const warned = Object.fromEntries(pre.results.map((r) => [r.pageId, (r.warnings ?? []).map((w) => w.reason)]));
  return { warned, calls: { ...env.site.calls.byEndpoint } };
}

it('with impersonation: exactly the approvers who cannot see each page, from one page read per approver', async () => {
  const { warned, calls } = await preflightWith(true);
  // 2012 is restricted to Bob; the copies of 2001 are open to the space
  expect(warned).toEqual({ '2012': [`Approver ${ERIN} cannot view the page`, `Approver ${CAROL} cannot view the page`], '4001': [], '4002': [] });
  expect(calls['GET /wiki/api/v2/pages']).toBe(1 + 2);
});

it('without impersonation: a permission check per page per approver, unverifiable read as "cannot view"', async () => {
  const { warned, calls } = await preflightWith(false);
  for (const pageId of ['2012', '4001', '4002']) expect(warned[pageId]).toEqual([`Approver ${ERIN} cannot view the page`, `Approver ${CAROL} cannot view the page`]);
  expect(calls['GET /wiki/api/v2/pages']).toBe(1);
});
