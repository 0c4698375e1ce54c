/** The entity declarations: one source (src/core/ports/entities.ts), the manifest matches it, Forge's schema limits hold. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FORGE_ITEM_ENTITY } from '../../src/adapters/forge/forge-kvs-store';
import { sortable, validateDeclarations } from '../../src/adapters/store/entity-rules';
import { ENTITIES, type EntityDeclaration } from '../../src/core/ports/entities';
import { StoreError } from '../../src/core/ports/store';

interface ManifestEntity {
  name: string;
  attributes: Record<string, { type: string }>;
  indexes: Array<{ name: string; partition?: string[]; range: string[] }>;
}

function asManifest(decl: EntityDeclaration): ManifestEntity {
  return {
    name: decl.name,
    attributes: Object.fromEntries(Object.entries(decl.attributes).map(([name, type]) => [name, { type }])),
    indexes: decl.indexes.map((index) => ({ name: index.name, ...(index.partition.length > 0 ? { partition: [...index.partition] } : {}), range: [index.range] })),
  };
}

describe('declared entities', () => {
  it('manifest.yml app.storage.entities declares exactly ENTITIES plus the Forge adapter item entity', () => {
    const manifest = parse(readFileSync(join(__dirname, '../../manifest.yml'), 'utf8')) as { app: { storage: { entities: ManifestEntity[] } } };
    const declared = manifest.app.storage.entities.filter((entity) => entity.name !== FORGE_ITEM_ENTITY);
    expect(manifest.app.storage.entities.some((entity) => entity.name === FORGE_ITEM_ENTITY)).toBe(true);
    expect(declared).toEqual(ENTITIES.map(asManifest));
  });

  const base: EntityDeclaration = { name: 'af-test', attributes: { a: 'string', b: 'boolean', n: 'integer', x: 'any' }, indexes: [{ name: 'by-a', partition: [], range: 'a' }] };
  const refuse = (decl: EntityDeclaration) => {
    expect(() => validateDeclarations([decl])).toThrow(StoreError);
  };

  it('accepts the app declarations and a minimal valid one', () => {
    expect(() => validateDeclarations(ENTITIES)).not.toThrow();
    expect(validateDeclarations([base]).get('af-test')).toBe(base);
  });

  it('refuses more than 7 indexes, none, or an index over an untyped, boolean-range or undeclared attribute', () => {
    refuse({ ...base, indexes: Array.from({ length: 8 }, (_, i) => ({ name: `by-n${i}`, partition: [], range: 'n' })) });
    refuse({ ...base, indexes: [] });
    refuse({ ...base, indexes: [{ name: 'by-x', partition: [], range: 'x' }] });
    refuse({ ...base, indexes: [{ name: 'by-b', partition: [], range: 'b' }] });
    refuse({ ...base, indexes: [{ name: 'by-z', partition: ['z'], range: 'a' }] });
  });

  it('refuses invalid entity and attribute names and repeated entities', () => {
    refuse({ ...base, name: 'Bad_Name' });
    refuse({ ...base, attributes: { ...base.attributes, '9bad': 'string' } });
    expect(() => validateDeclarations([base, base])).toThrow(StoreError);
  });
});

describe('local index order', () => {
  it('sortable() text orders numbers numerically (negative, zero, fractions, large) and strings by code unit', () => {
    const numbers = [-1e12, -2.5, -1, -0.001, 0, 0.001, 1, 2.5, 10, 1_733_112_345_678];
    const shuffled = [...numbers].reverse();
    expect(shuffled.sort((a, b) => (sortable(a) < sortable(b) ? -1 : 1))).toEqual(numbers);
    expect(sortable('a') < sortable('ab') && sortable('ab') < sortable('b')).toBe(true);
  });
});
