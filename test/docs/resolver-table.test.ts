/**
 * docs/api.md's "Custom UI resolvers" table lists exactly the keys the binding rows define
 * (src/transport/resolvers/registry.ts), so a new row cannot ship undocumented and a removed one
 * leaves no stale line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESOLVER_BINDINGS } from '../../src/transport/resolvers/registry';

const api = readFileSync(join(__dirname, '../../docs/api.md'), 'utf8');

function tableKeys(markdown: string): string[] {
  const start = markdown.indexOf('\n## Custom UI resolvers');
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\| [a-z]+ \| `([^`]+)` \|/gm)].map((m) => m[1]);
}

describe('docs/api.md resolver table', () => {
  it('reads the table (guards the guard)', () => {
    expect(tableKeys('x\n## Custom UI resolvers\n| page | `a.b` | `{}` | `{}` | |\n## Next\n| page | `c.d` | x | y | |')).toEqual(['a.b']);
  });

  it('lists every resolver key once, and no other', () => {
    const listed = tableKeys(api);
    expect([...listed].sort()).toEqual(RESOLVER_BINDINGS.map((b) => b.key).sort());
  });
});
