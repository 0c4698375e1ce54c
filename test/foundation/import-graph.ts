/**
 * The import graph of our own sources, read with the TypeScript parser (not regexes), for the
 * architecture guards. Every edge records whether it exists at runtime: `import type`, `export type`,
 * an import whose named specifiers are all `type`, and `import('x').T` type queries are type-only
 * (the compiler erases them); everything else, `require()` and `import()` included, is a value edge.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** the specifier as written */
  spec: string;
  /** the repo-relative file it resolves to, for a relative specifier that names one of our files */
  target?: string;
  typeOnly: boolean;
}

export const root = path.resolve(__dirname, '../..');

export function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(name) && !/\.d\.ts$/.test(name) ? [rel] : [];
  });
}

function resolveRelative(fromFile: string, spec: string): string | undefined {
  const base = path.posix.join(path.posix.dirname(fromFile), spec.replace(/\.js$/, ''));
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`];
  return candidates.find((c) => /\.tsx?$/.test(c) && existsSync(path.join(root, c)));
}

const allTypeSpecifiers = (clause: ts.ImportClause): boolean =>
  !clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly);

/** Every import of one file (repo-relative path). */
export function importsOf(file: string, text = readFileSync(path.join(root, file), 'utf8')): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (spec: string, typeOnly: boolean) => edges.push({ spec, typeOnly, ...(spec.startsWith('.') ? { target: resolveRelative(file, spec) } : {}) });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      add(node.moduleSpecifier.text, !!clause && (clause.isTypeOnly || allTypeSpecifiers(clause)));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier.text, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node.moduleReference.expression.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

export type Graph = Map<string, ImportEdge[]>;

export function graphOf(dirs: string[]): Graph {
  return new Map(dirs.flatMap(sourceFiles).map((file) => [file, importsOf(file)]));
}

/** The import cycles of a graph: its strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cyclesOf(graph: Graph, edge: (e: ImportEdge) => boolean = () => true): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const connect = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const e of graph.get(file) ?? []) {
      if (!edge(e) || e.target === undefined || !graph.has(e.target)) continue;
      if (!index.has(e.target)) {
        connect(e.target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(e.target) ?? 0));
      } else if (onStack.has(e.target)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(e.target) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    const selfLoop = (graph.get(file) ?? []).some((e) => edge(e) && e.target === file);
    if (component.length > 1 || selfLoop) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) connect(file);
  return cycles;
}

/** Files reachable from `entry` over value edges, and the packages (by name) those files import at runtime. */
export function runtimeClosure(graph: Graph, entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const e of graph.get(file) ?? []) {
      if (e.typeOnly) continue;
      if (e.target !== undefined) pending.push(e.target);
      else if (!e.spec.startsWith('.') && !e.spec.startsWith('node:')) packages.add(packageName(e.spec));
    }
  }
  return { files, packages };
}

export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}
