/**
 * custom-scopes.yaml is registered with `forge custom-scopes create`, which validates it with the
 * schema below (vendored from @forge/cli 13.3.0 out/custom-scopes/validation/schema.json, see
 * ../shared/notes/forge-platform.md §4.1). Scopes are immutable once registered, so get them right here.
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../..');
const customScopes = parse(readFileSync(path.join(root, 'custom-scopes.yaml'), 'utf8'));
const manifest = parse(readFileSync(path.join(root, 'manifest.yml'), 'utf8'));

const forgeCustomScopesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'scopes'],
  properties: {
    version: { type: 'number', exclusiveMinimum: 0, enum: [1] },
    scopes: {
      type: 'object',
      minProperties: 1,
      maxProperties: 20,
      additionalProperties: false,
      patternProperties: {
        '^[-.:_a-zA-Z0-9]{1,93}:custom$': {
          type: 'object',
          additionalProperties: false,
          required: ['description', 'displayName'],
          properties: {
            description: { type: 'string', minLength: 1, maxLength: 2048, pattern: '^\\S[\\s\\S]*\\S$|^\\S$' },
            displayName: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[a-zA-Z0-9\\s:_\\-.]+$' },
          },
        },
      },
    },
  },
};

describe('custom-scopes.yaml', () => {
  const validate = new Ajv({ allErrors: true }).compile(forgeCustomScopesSchema);

  it('is valid against the Forge custom-scopes schema', () => {
    const ok = validate(customScopes);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the vendored schema rejects what Forge rejects (guards the guard)', () => {
    expect(validate({ version: 1, scopes: { 'read:x:custom': { displayName: 'Write (create/decide)', description: 'd' } } })).toBe(false);
    expect(validate({ version: 1, scopes: { 'read:x': { displayName: 'X', description: 'd' } } })).toBe(false);
    expect(validate({ version: 1, scopes: { 'read:x:custom': { displayName: 'X', description: ' padded' } } })).toBe(false);
    expect(validate({ version: 2, scopes: { 'read:x:custom': { displayName: 'X', description: 'd' } } })).toBe(false);
  });

  it('declares exactly the four product scopes and the event-feed scope (SPEC §3)', () => {
    expect(Object.keys(customScopes.scopes).sort()).toEqual(
      ['read:approval:custom', 'read:change-set:custom', 'read:event:custom', 'write:approval:custom', 'write:change-set:custom'].sort(),
    );
  });

  it('defines every scope an apiRoute uses', () => {
    for (const route of manifest.modules.apiRoute as Array<{ scopes: string[] }>) {
      for (const scope of route.scopes) expect(customScopes.scopes).toHaveProperty([scope]);
    }
  });
});
