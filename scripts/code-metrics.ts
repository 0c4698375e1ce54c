/**
 * Size and strictness numbers of a source tree (issue 7's budget and closing note): lines per file,
 * functions over a line budget, `as` casts (not `as const`) and `!` non-null assertions, counted on
 * the TypeScript syntax tree, not by text search. `npx tsx scripts/code-metrics.ts [dir …]`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

export interface FileMetrics {
  file: string;
  lines: number;
  casts: number;
  nonNull: number;
  functions: LongFunction[];
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

function functionName(node: ts.Node, source: ts.SourceFile): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) && node.name) return node.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(source);
  return '(anonymous)';
}

/** Every function-like node with its length in lines (a nested function also counts inside its outer one). */
export function measureFile(file: string, root: string): FileMetrics {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const metrics: FileMetrics = { file: relative(root, file), lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), casts: 0, nonNull: 0, functions: [] };
  const visit = (node: ts.Node): void => {
    if (ts.isAsExpression(node) && node.type.getText(source) !== 'const') metrics.casts += 1;
    if (ts.isTypeAssertionExpression(node)) metrics.casts += 1;
    if (ts.isNonNullExpression(node)) metrics.nonNull += 1;
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      metrics.functions.push({ file: metrics.file, line: start + 1, name: functionName(node, source), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return metrics;
}

export function measureTree(dirs: string[], root: string): FileMetrics[] {
  return dirs.flatMap((dir) => sourceFiles(join(root, dir))).map((file) => measureFile(file, root));
}

if (require.main === module) {
  const root = process.cwd();
  const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src'];
  const files = measureTree(dirs, root);
  const long = files.flatMap((f) => f.functions).filter((f) => f.lines > 60).sort((a, b) => b.lines - a.lines);
  console.log(`files: ${files.length}, lines: ${files.reduce((n, f) => n + f.lines, 0)}`);
  console.log('largest files:');
  for (const f of [...files].sort((a, b) => b.lines - a.lines).slice(0, 5)) console.log(`  ${f.lines}  ${f.file}`);
  console.log(`files over 300 lines: ${files.filter((f) => f.lines > 300).length}`);
  console.log(`functions over 60 lines: ${long.length}`);
  for (const f of long) console.log(`  ${f.lines}  ${f.file}:${f.line} ${f.name}`);
  console.log(`as casts (not as const): ${files.reduce((n, f) => n + f.casts, 0)}`);
  console.log(`! non-null assertions: ${files.reduce((n, f) => n + f.nonNull, 0)}`);
}
