/**
 * Platform profile `no-impersonation` (docs/forge-platform.md): apiRoute carries the user only in
 * the contextToken and the app may not act as them. Confluence is then read as the app, which is
 * not a Confluence admin and so cannot ask what the user may do: the API must fail closed (every
 * page answers as missing, nothing is written), never fall back to the app's own wider view.
 * The other suites run under every other profile (npm run test:profiles).
 */
import { loadPlatformProfile } from '../../local/profile';
import { call } from './helpers';
import { createRealApi } from './real-app';

const ORIGINAL = process.env.AF_PROFILE;
beforeAll(() => {
  process.env.AF_PROFILE = 'no-impersonation';
});
afterAll(() => {
  if (ORIGINAL === undefined) delete process.env.AF_PROFILE;
  else process.env.AF_PROFILE = ORIGINAL;
});

it('the profile file says what this test assumes', () => {
  expect(loadPlatformProfile('no-impersonation')).toMatchObject({ apiRouteImpersonation: false, apiRoutePrincipal: 'contextToken', appUserIsConfluenceAdmin: false });
});

it('reads, preflights and submits answer as for a missing page, and nothing is written', async () => {
  const app = await createRealApi();
  const before = await app.store.stateSnapshot();
  for (const pageId of ['2001', '2012']) {
    expect((await call(app.handlers, 'page-status', { query: { pageId } })).json).toMatchObject({ success: false, code: 'PAGE_NOT_FOUND' });
    expect((await call(app.handlers, 'page-preflight', { body: { pageId } })).json).toMatchObject({ success: false, code: 'PAGE_NOT_FOUND' });
    expect((await call(app.handlers, 'page-submit', { body: { pageId } })).status).toBe(404);
  }
  expect((await call(app.handlers, 'changeset-create', { body: { spaceId: '1001', title: 'PR', pageRefs: [{ pageId: '2001' }] } })).status).toBe(404);
  expect(await app.store.stateSnapshot()).toEqual(before);
});
