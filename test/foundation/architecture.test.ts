/**
 * The domain core must run anywhere (Forge, the local runtime, tests) so it may not import Forge.
 * Forge packages are allowed only at the edges: adapters/forge, transport, composition, index.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

const importPattern = /(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(importPattern)].map((m) => m[1]);
}

describe('architecture', () => {
  const coreFiles = sourceFiles(path.join(root, 'src/core'));

  it('finds the core (guards the guard)', () => {
    expect(coreFiles.length).toBeGreaterThan(5);
  });

  it('keeps every @forge/* import out of src/core', () => {
    const offenders = coreFiles.filter((f) => importsOf(f).some((spec) => spec.startsWith('@forge/')));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });

  it('keeps adapters, transports and the local runtime out of src/core', () => {
    const offenders = coreFiles.filter((f) =>
      importsOf(f).some((spec) => /\/(adapters|transport|composition)\//.test(spec) || spec.includes('/local/')),
    );
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });

  it('detects a forbidden import (guards the guard)', () => {
    const sample = "import { kvs } from '@forge/kvs';";
    expect([...sample.matchAll(importPattern)].map((m) => m[1])).toEqual(['@forge/kvs']);
  });

  it('confines @forge/* imports to the edges', () => {
    const allowed = [/^src\/adapters\/forge\//, /^src\/transport\//, /^src\/composition\/forge\.ts$/, /^src\/index\.ts$/];
    const offenders = sourceFiles(path.join(root, 'src'))
      .map((f) => path.relative(root, f))
      .filter((rel) => importsOf(path.join(root, rel)).some((spec) => spec.startsWith('@forge/')))
      .filter((rel) => !allowed.some((re) => re.test(rel)));
    expect(offenders).toEqual([]);
  });
});
