/**
 * The shape of a resolver binding row (docs/adding-an-operation.md, "2. The binding row"): every
 * `defineResolver(key, { writes, input }, run)` call states its result type on `run`, because that
 * annotation is the contract the Custom UI is typed by (registry.ts derives ResolverData from it).
 * Without it the contract would silently become whatever the body happens to return.
 * `env.listCursor(operation, …)` takes a plain string (define.ts: the key type is derived from these
 * rows), so the check that each operation names a resolver key lives here instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { RESOLVER_BINDINGS } from '../../src/transport/resolvers/registry';

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

/** The first argument of every `….listCursor(…)` call; '?' when it is not a string literal. */
function listCursorOperationsOf(file: string, text: string): { file: string; operation: string }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { file: string; operation: string }[] = [];
  const visit = (node: ts.Node): void => {
    const callee = ts.isCallExpression(node) ? node.expression : undefined;
    const name = callee && (ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined);
    if (ts.isCallExpression(node) && name === 'listCursor') {
      const [operation] = node.arguments;
      found.push({ file, operation: operation && ts.isStringLiteralLike(operation) ? operation.text : '?' });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const sources = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(path.join(DIR, f), 'utf8') }));

const rows = sources.flatMap(({ file, text }) => rowsOf(file, text));
const cursorOperations = sources.flatMap(({ file, text }) => listCursorOperationsOf(file, text));
const resolverKeys = new Set<string>(RESOLVER_BINDINGS.map((b) => b.key));

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

  it('finds the listCursor calls, and one naming no resolver (guards the guard)', () => {
    expect(cursorOperations.length).toBeGreaterThan(10);
    expect(cursorOperations.map((c) => c.operation)).toEqual(expect.arrayContaining(['page.history', 'page.changeSets', 'workflow.list']));
    const sample = "env.listCursor('page.histroy', { pageId });\nlistCursor(operationName, {});";
    expect(listCursorOperationsOf('sample.ts', sample).map((c) => c.operation)).toEqual(['page.histroy', '?']);
    expect(resolverKeys.has('page.histroy')).toBe(false);
  });

  it('binds every listCursor call to a string-literal resolver key (RESOLVER_BINDINGS)', () => {
    expect(cursorOperations.filter((c) => !resolverKeys.has(c.operation)).map((c) => `${c.file}: ${c.operation}`)).toEqual([]);
  });
});
