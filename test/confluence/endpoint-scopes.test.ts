/**
 * SPEC §4: every Confluence path the adapters can build maps to the OAuth scope it needs, and
 * manifest.yml declares each one (the Forge linter cannot: every call is
 * requestConfluence(assumeTrustedRoute(path))). The local site refuses a call whose scope the
 * manifest lacks, as Confluence does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFLUENCE_ENDPOINT_SCOPES, endpointOf } from '../../src/adapters/confluence/endpoint-scopes';
import { manifestScopes } from '../../local/site/app-scopes';
import { createLocalSite } from '../../local/site';

const ADAPTERS = join(__dirname, '../../src/adapters');

/** Every string or template literal in the adapters that starts a Confluence path, with `${a ? 'x' : 'y'}` expanded. */
function adapterPathLiterals(): Array<{ file: string; literal: string; paths: string[] }> {
  const found: Array<{ file: string; literal: string; paths: string[] }> = [];
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  for (const file of walk(ADAPTERS)) {
    if (file.endsWith('endpoint-scopes.ts')) continue;
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/[`'](\/wiki(?:[^`'$]|\$\{[^}]*\})*)[`']/g)) {
      const literal = match[1];
      if (/^\/wiki\$\{[^}]*\}$/.test(literal)) continue; // `/wiki${link}`: a next link of a list already mapped, checked by its own pattern
      let variants = [literal];
      for (const ternary of literal.matchAll(/\$\{[^}?]*\?\s*'([^']*)'\s*:\s*'([^']*)'\}/g)) {
        variants = variants.flatMap((v) => [v.replace(ternary[0], ternary[1]), v.replace(ternary[0], ternary[2])]);
      }
      const paths = variants.map((v) => v.replace(/\$\{[^}]*\}/g, 'X').split('?')[0]);
      found.push({ file: file.slice(ADAPTERS.length + 1), literal, paths });
    }
  }
  return found;
}

describe('Confluence endpoint scopes', () => {
  it('manifest.yml declares the scope of every endpoint the adapters call (including the hierarchy and comment reads)', () => {
    const declared = manifestScopes();
    const missing = CONFLUENCE_ENDPOINT_SCOPES.filter((row) => !declared.has(row.scope)).map((row) => `${row.method} ${row.template} → ${row.scope}`);
    expect(missing).toEqual([]);
    expect(declared.has('read:hierarchical-content:confluence')).toBe(true);
    expect(declared.has('read:comment:confluence')).toBe(true);
  });

  it('every Confluence path literal in the adapters falls under a row of the table', () => {
    const literals = adapterPathLiterals();
    expect(literals.length).toBeGreaterThanOrEqual(15);
    const unmapped = literals.flatMap(({ file, paths }) => paths.filter((p) => !endpointOf('GET', p) && !endpointOf('POST', p)).map((p) => `${file}: ${p}`));
    expect(unmapped).toEqual([]);
  });

  it('maps the manage-space tree and the outbox lookup to the scopes Confluence demands', () => {
    expect(endpointOf('GET', '/wiki/api/v2/pages/2001/direct-children?limit=100')?.scope).toBe('read:hierarchical-content:confluence');
    expect(endpointOf('GET', '/wiki/api/v2/folders/77/direct-children')?.scope).toBe('read:hierarchical-content:confluence');
    expect(endpointOf('GET', '/wiki/api/v2/pages/2001/footer-comments?body-format=storage')?.scope).toBe('read:comment:confluence');
    expect(endpointOf('POST', '/wiki/api/v2/footer-comments')?.scope).toBe('write:comment:confluence');
    expect(endpointOf('DELETE', '/wiki/api/v2/pages/2001')).toBeUndefined();
  });

  it('the local site refuses a call whose scope the manifest lacks with 401 "scope does not match", and answers once it is granted', async () => {
    const without = createLocalSite({ grantedScopes: new Set([...manifestScopes()].filter((s) => s !== 'read:comment:confluence')) });
    const refused = await without.transport().request({ method: 'GET', path: '/wiki/api/v2/pages/2001/footer-comments', actAs: 'app' });
    expect([refused.status, refused.body]).toEqual([401, { code: 401, message: 'Unauthorized; scope does not match' }]);
    const granted = await createLocalSite().transport().request({ method: 'GET', path: '/wiki/api/v2/pages/2001/footer-comments', actAs: 'app' });
    expect(granted.status).toBe(200);
    // an endpoint outside the table is refused too: the table is the app's whole Confluence surface
    const unknown = await createLocalSite().transport().request({ method: 'GET', path: '/wiki/api/v2/pages/2001/versions', actAs: 'app' });
    expect(unknown.status).toBe(401);
  });

  it('the label bridge writes need write:label:confluence on the local site, as in Confluence', async () => {
    const without = createLocalSite({ grantedScopes: new Set([...manifestScopes()].filter((s) => s !== 'write:label:confluence')) });
    const post = { method: 'POST' as const, path: '/wiki/rest/api/content/2001/label', body: [{ prefix: 'global', name: 'af-approved' }], actAs: { accountId: 'acc-bob' } };
    expect((await without.transport().request(post)).status).toBe(401);
    expect((await without.transport().request({ method: 'DELETE', path: '/wiki/rest/api/content/2001/label?name=af-approved', actAs: { accountId: 'acc-bob' } })).status).toBe(401);
    expect((await createLocalSite().transport().request(post)).status).toBe(200);
  });
});
