/** The gateway's only route table is manifest.yml; wildcard semantics follow the Forge docs. */
import { loadManifest, matchRoute, type ApiRoute } from '../../local/server/manifest';

function route(method: string, path: string): ApiRoute {
  return { key: `${method} ${path}`, method, path, segments: path.split('/').slice(1), functionKey: 'f', exportName: 'e', scopes: ['s:custom'] };
}

it('reads every apiRoute with its function export and scopes from manifest.yml', () => {
  const manifest = loadManifest();
  expect(manifest.appId).toBe('7d3c1f2e-5b6a-4c8d-9e0f-a1b2c3d4e5f6');
  expect(manifest.routes).toHaveLength(14); // SPEC §3 seed routes + POST /changeSets/create + GET /keys and GET /evidence (SPEC 5a) + GET /events (SPEC 3a)
  expect(manifest.routes.find((r) => r.key === 'page-status')).toMatchObject({
    method: 'GET',
    path: '/pages/status',
    functionKey: 'api-page-status',
    exportName: 'apiPageStatus',
    scopes: ['read:approval:custom'],
  });
  expect(manifest.uiModules).toEqual(
    expect.arrayContaining([
      { key: 'approvalflow-macro', type: 'macro' },
      { key: 'approvalflow-byline', type: 'confluence:contentBylineItem' },
      { key: 'approvalflow-space', type: 'confluence:spacePage' },
      { key: 'approvalflow-admin', type: 'confluence:globalSettings' },
    ]),
  );
});

it('matches literal, one-segment * and trailing /** paths by method', () => {
  const routes = [route('GET', '/items'), route('GET', '/items/*'), route('GET', '/items/stats'), route('GET', '/files/**'), route('POST', '/items')];
  expect(matchRoute(routes, 'GET', '/items')?.path).toBe('/items');
  expect(matchRoute(routes, 'GET', '/items/')?.path).toBe('/items');
  expect(matchRoute(routes, 'POST', '/items')?.method).toBe('POST');
  expect(matchRoute(routes, 'GET', '/items/42')?.path).toBe('/items/*');
  expect(matchRoute(routes, 'GET', '/items/stats')?.path).toBe('/items/stats');
  expect(matchRoute(routes, 'GET', '/items/42/x')).toBeUndefined();
  expect(matchRoute(routes, 'GET', '/files/a/b/c')?.path).toBe('/files/**');
  expect(matchRoute(routes, 'GET', '/files')).toBeUndefined();
  expect(matchRoute(routes, 'DELETE', '/items')).toBeUndefined();
  expect(matchRoute(routes, 'GET', '/Items')).toBeUndefined();
});
