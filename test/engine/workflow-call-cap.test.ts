/**
 * U25: under a per-invocation Confluence call cap, saving a workflow with more direct approvers than
 * the space-view checks that fit still saves: the approvers checked are warned about as before
 * (APPROVER_CANNOT_VIEW_SPACE), the rest are named in one APPROVERS_NOT_CHECKED warning, and the
 * save stays under the cap (the platform refuses no call).
 */
import { ALICE, ENG, setup, ui } from './helpers';
import { createEngine } from '../../src/core/services';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { confluenceAccess } from '../../src/adapters/confluence/access';
import { DOCUMENTED_PLATFORM_PROFILE, type PlatformProfile } from '../../src/adapters/platform-profile';
import { loadPlatformProfile } from '../../local/profile';

const APPROVERS = Array.from({ length: 60 }, (_, i) => `acc-cap-${i}`);

/** Saves a one-step workflow of the 60 approvers (none can view ENG) as Alice, app and site under `profile`. */
async function saveUnder(profile: PlatformProfile) {
  const env = await setup({ extraUsers: APPROVERS, siteProfile: profile });
  const engine = createEngine({ ...env.deps, confluence: new RestConfluenceSite(env.site.transport(), confluenceAccess(profile, { actingAccountId: ALICE })) });
  const saved = await engine.workflows.create(ui(ALICE), ENG, { name: 'Wide', steps: [{ approvers: APPROVERS, mode: 'any' }] });
  return { env, saved };
}

test('under a 99-call cap a 60-approver workflow saves: the checks that fit warn as before, the rest are named unchecked, no call is refused', async () => {
  const { env, saved } = await saveUnder(loadPlatformProfile('fetch-limit'));
  const warnings = saved.warnings ?? [];
  const cannotView = warnings.filter((w) => w.code === 'APPROVER_CANNOT_VIEW_SPACE');
  const notChecked = warnings.filter((w) => w.code === 'APPROVERS_NOT_CHECKED');
  expect(cannotView.map((w) => w.reason)).toEqual(APPROVERS.slice(0, cannotView.length).map((a) => `Approver ${a} cannot view the space`));
  expect(cannotView.length).toBeGreaterThanOrEqual(40);
  const rest = APPROVERS.slice(cannotView.length);
  expect(notChecked).toEqual([
    { code: 'APPROVERS_NOT_CHECKED', reason: `Whether ${rest.length} approvers (${rest.slice(0, 10).join(', ')} and ${rest.length - 10} more) can view the space was not checked: one request may not make that many Confluence calls` },
  ]);
  expect(env.site.calls.byEndpoint['GET (fetch limit)']).toBeUndefined();
  expect((await env.auditRecords()).filter((r) => r.action === 'workflow.created' && r.workflowId === saved.id)).toHaveLength(1);
});

test('without a cap (documented) every approver is checked', async () => {
  const { saved } = await saveUnder(DOCUMENTED_PLATFORM_PROFILE);
  expect(saved.warnings).toEqual(APPROVERS.map((a) => ({ code: 'APPROVER_CANNOT_VIEW_SPACE', reason: `Approver ${a} cannot view the space` })));
});
