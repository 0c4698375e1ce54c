/** The port methods behind workflow governance, over Confluence REST against the local site. */
import { ALICE, CAROL, DOCS, ENG, ERIN, setup } from './helpers';
import { SpaceAccess } from '../../src/core/services/access';
import { createContext } from '../../src/core/services/context';

test('canViewSpace: direct grants, grants through a group, and a missing space answers no', async () => {
  const { deps } = await setup();
  expect(await deps.confluence.canViewSpace(ERIN, ENG)).toBe(true);
  expect(await deps.confluence.canViewSpace(ERIN, DOCS)).toBe(false);
  expect(await deps.confluence.canViewSpace(CAROL, ENG)).toBe(true); // through eng-reviewers
  expect(await deps.confluence.canViewSpace(ERIN, '1999')).toBe(false);
  expect(await deps.confluence.canViewSpace('acc-nobody', ENG)).toBe(false);
});

test('existingGroups keeps exactly the group ids Confluence knows', async () => {
  const { deps } = await setup();
  expect(await deps.confluence.existingGroups(['grp-eng-reviewers', 'grp-missing', 'grp-site-admins'])).toEqual(new Set(['grp-eng-reviewers', 'grp-site-admins']));
  expect(await deps.confluence.existingGroups([])).toEqual(new Set());
});

test('SpaceAccess: site admins administer every space; admins can view; answers are asked once per space', async () => {
  const env = await setup();
  env.site.spaces.push({ ...structuredClone(env.site.spaces.find((s) => s.id === DOCS)!), id: '1003', key: 'NEW', permissions: [] });
  const access = new SpaceAccess(createContext(env.deps), ALICE);
  expect(await access.isAdmin('1003')).toBe(true);
  expect(await access.canView('1003')).toBe(true);
  const calls = env.site.calls.total;
  await access.isAdmin('1003');
  await access.canView('1003');
  expect(env.site.calls.total).toBe(calls);
  const erin = new SpaceAccess(createContext(env.deps), ERIN);
  expect([await erin.isAdmin(ENG), await erin.canView(ENG), await erin.canView(DOCS)]).toEqual([false, true, false]);
});
