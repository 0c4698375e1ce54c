/**
 * The manifest is what `forge deploy` reads: it must validate with Forge's own offline validator,
 * declare the runtime Forge supports, and point every function at an exported handler.
 */
import { validate } from '@forge/manifest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const manifest = parse(readFileSync(path.join(root, 'manifest.yml'), 'utf8'));

describe('manifest.yml', () => {
  it('passes @forge/manifest full validation with zero errors and zero warnings', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const result = await validate(false, 'manifest.yml');
      expect(result.errors).toEqual([]);
      expect(result.success).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('runs on nodejs22.x', () => {
    expect(manifest.app.runtime.name).toBe('nodejs22.x');
  });

  it('declares one apiRoute per SPEC §3 row, each with exactly one custom scope and an alphanumeric path', () => {
    const routes = manifest.modules.apiRoute as Array<{ key: string; path: string; operation: string; scopes: string[] }>;
    const rows = routes.map((r) => `${r.operation} ${r.path} ${r.scopes.join(',')}`).sort();
    expect(rows).toEqual(
      [
        'GET /changeSets read:change-set:custom',
        'GET /changeSets/detail read:change-set:custom',
        'POST /changeSets write:change-set:custom',
        'POST /changeSets/create write:change-set:custom',
        'POST /changeSets/update write:change-set:custom',
        'POST /changeSets/archive write:change-set:custom',
        'POST /changeSets/preflight read:change-set:custom',
        'POST /changeSets/submit write:change-set:custom',
        'POST /pages/preflight read:approval:custom',
        'POST /pages/submit write:approval:custom',
        'GET /pages/status read:approval:custom',
        'GET /evidence read:approval:custom',
        'GET /keys read:approval:custom',
        'GET /events read:event:custom',
      ].sort(),
    );
    for (const r of routes) expect(r.path).toMatch(/^(\/[A-Za-z0-9]+)+$/);
  });

  it('no path carries two scopes but the documented alias POST /changeSets (create has its own path)', () => {
    const routes = manifest.modules.apiRoute as Array<{ key: string; path: string; scopes: string[] }>;
    const scopesByPath = new Map<string, Set<string>>();
    for (const r of routes) for (const s of r.scopes) scopesByPath.set(r.path, (scopesByPath.get(r.path) ?? new Set()).add(s));
    const shared = [...scopesByPath].filter(([, scopes]) => scopes.size > 1).map(([path]) => path);
    expect(shared).toEqual(['/changeSets']);
    expect(routes.find((r) => r.path === '/changeSets/create')?.key).toBe('changeset-create');
    expect(routes.find((r) => r.path === '/changeSets' && r.key === 'changesets-post')).toBeDefined();
  });

  it('exports every function handler named in the manifest from src/index.ts', () => {
    const functions = manifest.modules.function as Array<{ key: string; handler: string }>;
    const source = readFileSync(path.join(root, 'src/index.ts'), 'utf8');
    for (const fn of functions) {
      const [file, exportName] = fn.handler.split('.');
      expect(file).toBe('index');
      expect(source).toMatch(new RegExp(`export const ${exportName}\\b`));
    }
  });

  it('gives the page macro, byline, space page and global settings page a Custom UI resource and the resolver', () => {
    for (const type of ['macro', 'confluence:contentBylineItem', 'confluence:spacePage', 'confluence:globalSettings']) {
      const modules = manifest.modules[type] as Array<{ resource: string; resolver: { function: string } }>;
      expect(modules).toHaveLength(1);
      expect(modules[0].resource).toBe('ui');
      expect(modules[0].resolver.function).toBe('resolver');
    }
  });

  it('gives the byline a dynamicProperties function whose handler the entry point exports', () => {
    const byline = manifest.modules['confluence:contentBylineItem'][0] as { dynamicProperties?: { function: string } };
    const fn = (manifest.modules.function as Array<{ key: string; handler: string }>).find((f) => f.key === byline.dynamicProperties?.function);
    expect(fn?.handler).toBe('index.bylineProperties');
  });

  it('allows impersonation only on the scopes of reads made as a user, and declares exactly two product triggers: page updates (staleness) and label/move events (routing drift)', () => {
    const scopes = manifest.permissions.scopes as Record<string, { allowImpersonation?: boolean }>;
    const impersonated = Object.entries(scopes).filter(([, v]) => v.allowImpersonation).map(([k]) => k).sort();
    // routing reads labels and ancestors as the REST caller (audit A#1): read:label and read:hierarchical-content
    expect(impersonated).toEqual([
      'read:confluence-user',
      'read:content.permission:confluence',
      'read:hierarchical-content:confluence',
      'read:label:confluence',
      'read:page:confluence',
      'read:space:confluence',
    ]);
    // a new version queues its content hash (SPEC 2.4a); label/move events record routing drift (SPEC 2.2a)
    expect(manifest.modules.trigger).toEqual([
      { key: 'page-updated-trigger', function: 'page-updated', events: ['avi:confluence:updated:page'] },
      { key: 'routing-drift-trigger', function: 'routing-drift', events: ['avi:confluence:added:label', 'avi:confluence:removed:label', 'avi:confluence:moved:page'] },
    ]);
    const fn = (manifest.modules.function as Array<{ key: string; handler: string }>).find((f) => f.key === 'routing-drift');
    expect(fn?.handler).toBe('index.routingDrift');
    expect(scopes['read:confluence-content.summary']).toEqual({});
  });
});
