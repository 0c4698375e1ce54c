/**
 * The shape of a resolver binding row (docs/adding-an-operation.md, "2. The binding row"): every
 * `defineResolver(key, { writes, input }, run)` call states its result type on `run`, because that
 * annotation is the contract the Custom UI is typed by (registry.ts derives ResolverData from it).
 * Without it the contract would silently become whatever the body happens to return.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const DIR = path.join(__dirname, '../../src/transport/resolvers');

interface Row {
  file: string;
  key: string;
  typed: boolean;
}

function rowsOf(file: string, text: string): Row[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const rows: Row[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'defineResolver') {
      const [key, , run] = node.arguments;
      rows.push({
        file,
        key: key && ts.isStringLiteral(key) ? key.text : '?',
        typed: run !== undefined && (ts.isArrowFunction(run) || ts.isFunctionExpression(run)) && run.type !== undefined,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return rows;
}

const rows = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts'))
  .flatMap((f) => rowsOf(f, readFileSync(path.join(DIR, f), 'utf8')));

describe('resolver binding rows', () => {
  it('finds the rows, and a row without a result type (guards the guard)', () => {
    expect(rows.length).toBeGreaterThan(50);
    const sample = "defineResolver('a.b', { writes: false, input: empty }, async () => ({}));\ndefineResolver('c.d', { writes: true, input: empty }, async (): Promise<{ ok: true }> => ({ ok: true }));";
    expect(rowsOf('sample.ts', sample).map((r) => [r.key, r.typed])).toEqual([
      ['a.b', false],
      ['c.d', true],
    ]);
  });

  it('states the result type of every row on its run function', () => {
    expect(rows.filter((r) => !r.typed).map((r) => `${r.file}: ${r.key}`)).toEqual([]);
  });
});
