/** The route table, the manifest's apiRoute list, custom-scopes.yaml and the OpenAPI document agree. */
import { testAppAccount } from './helpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createApiHandlers } from '../../src/transport/api';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { buildOpenApiDocument, SCOPE_DESCRIPTIONS } from '../../src/transport/api/openapi';
import { API_ROUTES, FORGE_APP_SCOPE } from '../../src/transport/api/routes';
import type { Engine } from '../../src/core/services/engine';

const root = join(__dirname, '..', '..');
const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8'));
const customScopes = parse(readFileSync(join(root, 'custom-scopes.yaml'), 'utf8'));

interface ManifestRoute {
  key: string;
  path: string;
  operation: string;
  function: string;
  scopes: string[];
}

const functionHandlers = new Map<string, string>(
  (manifest.modules.function as { key: string; handler: string }[]).map((f) => [f.key, f.handler]),
);

function describeManifestRoute(r: ManifestRoute) {
  return { key: r.key, method: r.operation, path: r.path, scope: r.scopes.join(' '), functionKey: r.function, handler: functionHandlers.get(r.function) };
}

describe('route table vs manifest.yml apiRoute list', () => {
  it('has exactly the manifest routes: key, method, path, single scope, function module and handler export', () => {
    const fromManifest = (manifest.modules.apiRoute as ManifestRoute[]).map(describeManifestRoute);
    const fromTable = API_ROUTES.map((r) => ({
      key: r.key,
      method: r.method,
      path: r.path,
      scope: r.scope,
      functionKey: r.functionKey,
      handler: `index.${r.exportName}`,
    }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(fromTable.sort(byKey)).toEqual(fromManifest.sort(byKey));
  });

  it('defines every route scope in custom-scopes.yaml with a display name and description', () => {
    expect(customScopes.version).toBe(1);
    for (const route of API_ROUTES) {
      const scope = customScopes.scopes[route.scope];
      expect({ scope: route.scope, defined: scope !== undefined }).toEqual({ scope: route.scope, defined: true });
      expect(typeof scope.displayName).toBe('string');
      expect(typeof scope.description).toBe('string');
    }
  });

  it('createApiHandlers returns exactly the export names the manifest handlers reference', () => {
    const handlers = createApiHandlers(() => ({}) as Engine, { store: new MemoryStore(), appAccountId: testAppAccount });
    const manifestExports = (manifest.modules.apiRoute as ManifestRoute[]).map((r) => functionHandlers.get(r.function)!.replace(/^index\./, ''));
    expect(Object.keys(handlers).sort()).toEqual([...manifestExports].sort());
    for (const handler of Object.values(handlers)) expect(typeof handler).toBe('function');
  });
});

describe('OpenAPI document vs route table', () => {
  const doc = buildOpenApiDocument({ appId: 'app' }) as {
    paths: Record<string, Record<string, { operationId: string; security: { oauth2: string[] }[]; 'x-forge-route-key': string }>>;
    components: { securitySchemes: { oauth2: { flows: { authorizationCode: { scopes: Record<string, string> } } } } };
  };

  it('has the same operations (method + path) with the same scope, plus read:forge-app:confluence', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: op['x-forge-route-key'], method: method.toUpperCase(), path, scopes: [...op.security[0].oauth2].sort() })),
    );
    const expected = API_ROUTES.map((r) => ({ key: r.key, method: r.method, path: r.path, scopes: [r.scope, FORGE_APP_SCOPE].sort() }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(operations.sort(byKey)).toEqual(expected.sort(byKey));
  });

  it('declares exactly the custom scopes of custom-scopes.yaml plus the Forge product scope in its oauth2 scheme', () => {
    const declared = Object.keys(doc.components.securitySchemes.oauth2.flows.authorizationCode.scopes).sort();
    expect(declared).toEqual([...Object.keys(customScopes.scopes), FORGE_APP_SCOPE].sort());
    for (const scope of Object.keys(customScopes.scopes)) {
      expect(SCOPE_DESCRIPTIONS[scope as keyof typeof SCOPE_DESCRIPTIONS]).toBe(customScopes.scopes[scope].description);
    }
  });
});
