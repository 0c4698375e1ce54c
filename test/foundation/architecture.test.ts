/**
 * The layering the code relies on, checked on the real import graph (test/foundation/import-graph.ts):
 *  - the domain core runs anywhere (Forge, the local runtime, tests): it imports only the core, never @forge/*;
 *  - Forge packages only at the edges: adapters/forge, transport, composition/forge.ts, index.ts;
 *  - transports call the engine; they never reach an adapter (the composition roots join the two);
 *  - the Custom UI (static/src) runs in the browser: it takes server code as types only, except the pure
 *    core-domain modules (field limits, approver ids, model constants) that import nothing at runtime
 *    but each other; it never imports the local runtime;
 *  - inside src/core, imports only run down its floors: domain (pure rules, imports nothing else of
 *    the core) → ports and shared helpers → records (the audit trail, event feed, lifecycle records) →
 *    services (kernel and approval, change-set, workflow use cases; signatures) → lifecycle, analytics,
 *    evidence → engine assembly (services/engine.ts, services/index.ts, services/jobs.ts);
 *  - the app is wired once (src/composition/compose.ts), which the Forge root and the local runtime call;
 *  - no import cycles, runtime or type-only, in src, local or static/src;
 *  - the Forge function's `dependencies` are exactly the packages its bundle imports at runtime
 *    (tsx, react, better-sqlite3, hono… stay devDependencies).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cyclesOf, graphOf, importsOf, root, runtimeClosure, type Graph } from './import-graph';

const graph: Graph = graphOf(['src', 'local', 'static/src']);
const filesUnder = (dir: string) => [...graph.keys()].filter((f) => f.startsWith(`${dir}/`));
const edgesOf = (file: string) => graph.get(file) ?? [];

/** Core-domain modules the UI may import at runtime: everything they import at runtime is such a module too. */
/** npm packages a shared core-domain module may take into the browser bundle: pure, dependency-free code (RFC 8785 canonical JSON for the evidence-pack verifier). */
const BROWSER_SAFE_PACKAGES = new Set(['canonicalize']);

/** The floors of src/core (0 lowest); a file takes the first entry its path matches. */
const CORE_FLOORS: Array<{ floor: number; files: RegExp }> = [
  { floor: 0, files: /^src\/core\/domain\// }, // pure rules (review terms and reminder timing included)
  { floor: 1, files: /^src\/core\/(ports|shared)\// }, // the ports (and the data they carry) and shared helpers
  { floor: 2, files: /^src\/core\/(audit|events|records)\// }, // the records every use case writes through: the audit trail, the event feed, the lifecycle keys, schemas and due-date index
  { floor: 5, files: /^src\/core\/services\/(engine|index|jobs)\.ts$/ }, // engine assembly: the engine and the job handler table
  { floor: 3, files: /^src\/core\/(services|signatures)\// }, // the shared kernel (context, commit, retry, denials, comments) and the approval, change-set and workflow use cases
  { floor: 4, files: /^src\/core\/(lifecycle|analytics|evidence)\// }, // use cases built on the services: the daily lifecycle, analytics, evidence packs
];
const floorOf = (file: string): number => CORE_FLOORS.find((f) => f.files.test(file))?.floor ?? -1;

/**
 * Imports that run back up a floor and are not fixed yet, each with why. Shrink only: a fixed edge is
 * removed here (the test fails on a listed edge that no longer exists).
 */
const UPWARD_ALLOWED: ReadonlyMap<string, string> = new Map([]);

/** Every core import that climbs to a higher floor, as "from → to". */
function upwardImports(g: Graph): string[] {
  return [...g].flatMap(([file, edges]) =>
    file.startsWith('src/core/') ? edges.filter((e) => e.target?.startsWith('src/core/') && floorOf(e.target) > floorOf(file)).map((e) => `${file} → ${e.target}`) : [],
  );
}

function sharedWithUi(file: string, seen = new Set<string>()): boolean {
  if (!file.startsWith('src/core/domain/') || seen.has(file)) return seen.has(file);
  seen.add(file);
  return edgesOf(file).every((e) => e.typeOnly || (e.target === undefined ? BROWSER_SAFE_PACKAGES.has(e.spec) : sharedWithUi(e.target, seen)));
}

describe('architecture', () => {
  const coreFiles = filesUnder('src/core');

  it('reads the whole tree and resolves every relative import (guards the guard)', () => {
    expect(coreFiles.length).toBeGreaterThan(5);
    expect(filesUnder('static/src').length).toBeGreaterThan(5);
    expect(filesUnder('local').length).toBeGreaterThan(5);
    const unresolved = [...graph].flatMap(([file, edges]) => edges.filter((e) => e.spec.startsWith('.') && e.target === undefined).map((e) => `${file} → ${e.spec}`));
    expect(unresolved).toEqual([]);
  });

  it('tells runtime imports from type-only ones (guards the guard)', () => {
    const sample = [
      "import type { A } from './a';",
      "import { type B, type C } from './b';",
      "import { D, type E } from './d';",
      "export type { F } from './f';",
      "export { G } from './g';",
      "const h = require('./h');",
      "type I = import('./i').I;",
      "import './j';",
    ].join('\n');
    expect(importsOf('src/sample.ts', sample).map((e) => [e.spec, e.typeOnly])).toEqual([
      ['./a', true],
      ['./b', true],
      ['./d', false],
      ['./f', true],
      ['./g', false],
      ['./h', false],
      ['./i', true],
      ['./j', false],
    ]);
  });

  it('keeps every @forge/* import out of src/core', () => {
    const offenders = coreFiles.filter((f) => edgesOf(f).some((e) => e.spec.startsWith('@forge/')));
    expect(offenders).toEqual([]);
  });

  it('lets src/core import nothing of ours outside src/core', () => {
    const offenders = coreFiles.flatMap((f) => edgesOf(f).filter((e) => e.target !== undefined && !e.target.startsWith('src/core/')).map((e) => `${f} → ${e.target}`));
    expect(offenders).toEqual([]);
  });

  it('confines @forge/* imports to the edges', () => {
    const allowed = [/^src\/adapters\/forge\//, /^src\/transport\//, /^src\/composition\/forge\.ts$/, /^src\/index\.ts$/];
    const offenders = filesUnder('src')
      .filter((f) => edgesOf(f).some((e) => e.spec.startsWith('@forge/')))
      .filter((f) => !allowed.some((re) => re.test(f)));
    expect(offenders).toEqual([]);
  });

  it('never lets a transport import an adapter', () => {
    const offenders = filesUnder('src/transport').flatMap((f) => edgesOf(f).filter((e) => e.target?.startsWith('src/adapters/')).map((e) => `${f} → ${e.target}`));
    expect(offenders).toEqual([]);
  });

  it('lets the Custom UI take server code as types only (pure core-domain modules excepted) and nothing from local/', () => {
    const offenders = filesUnder('static/src').flatMap((f) =>
      edgesOf(f)
        .filter((e) => e.target !== undefined && !e.target.startsWith('static/'))
        .filter((e) => e.target?.startsWith('local/') || (!e.typeOnly && !sharedWithUi(e.target ?? '')))
        .map((e) => `${f} → ${e.target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('counts a core-domain module as shared only while it imports nothing else at runtime (guards the guard)', () => {
    expect(sharedWithUi('src/core/domain/limits.ts')).toBe(true);
    // schemas.ts pulls zod into whatever imports it: never for the browser bundle
    expect(sharedWithUi('src/core/domain/schemas.ts')).toBe(false);
    expect(sharedWithUi('src/core/domain/canonical-json.ts')).toBe(true); // a listed browser-safe package only
    expect(sharedWithUi('src/core/services/engine.ts')).toBe(false);
  });

  it('lets imports inside src/core only run down its floors (domain → ports/shared → records → services → lifecycle/analytics/evidence → engine assembly)', () => {
    const upward = upwardImports(graph);
    expect(upward.filter((edge) => !UPWARD_ALLOWED.has(edge))).toEqual([]);
    expect([...UPWARD_ALLOWED.keys()].filter((edge) => !upward.includes(edge))).toEqual([]);
  });

  it('keeps the domain pure: it imports nothing of the core outside src/core/domain', () => {
    const offenders = filesUnder('src/core/domain').flatMap((f) => edgesOf(f).filter((e) => e.target !== undefined && !e.target.startsWith('src/core/domain/')).map((e) => `${f} → ${e.target}`));
    expect(offenders).toEqual([]);
  });

  it('finds an import that climbs a floor (guards the guard)', () => {
    const edge = (target: string) => ({ spec: `./${target}`, target, typeOnly: true });
    const climbing: Graph = new Map([
      ['src/core/domain/eligibility.ts', [edge('src/core/lifecycle/review.ts'), edge('src/core/domain/model.ts')]],
      ['src/core/audit/append.ts', [edge('src/core/services/commit.ts'), edge('src/core/ports/store.ts')]],
      ['src/core/lifecycle/daily-job.ts', [edge('src/core/services/engine.ts'), edge('src/core/services/commit.ts')]],
      ['src/core/services/engine.ts', [edge('src/core/lifecycle/daily-job.ts')]],
      ['src/core/services/approvals/decide.ts', [edge('src/core/lifecycle/outbox.ts'), edge('src/core/records/lifecycle-schedule.ts')]],
      ['src/core/lifecycle/tasks.ts', [edge('src/core/services/jobs.ts'), edge('src/core/services/commit.ts')]],
      ['src/core/records/lifecycle-schedule.ts', [edge('src/core/services/keys.ts')]],
    ]);
    expect(upwardImports(climbing)).toEqual([
      'src/core/domain/eligibility.ts → src/core/lifecycle/review.ts',
      'src/core/audit/append.ts → src/core/services/commit.ts',
      'src/core/lifecycle/daily-job.ts → src/core/services/engine.ts',
      'src/core/services/approvals/decide.ts → src/core/lifecycle/outbox.ts',
      'src/core/lifecycle/tasks.ts → src/core/services/jobs.ts',
      'src/core/records/lifecycle-schedule.ts → src/core/services/keys.ts',
    ]);
  });

  it('wires the app once: only composition/compose.ts builds the handlers, and both roots call it', () => {
    const entryModules = ['src/transport/api/index.ts', 'src/transport/resolvers/index.ts', 'src/transport/byline/byline-properties.ts', 'src/transport/queue/consumer.ts'];
    const wiring = [...graph].filter(([f, edges]) => !f.startsWith('src/transport/') && edges.some((e) => !e.typeOnly && entryModules.includes(e.target ?? ''))).map(([f]) => f);
    expect(wiring).toEqual(['src/composition/compose.ts']);
    for (const root of ['src/composition/forge.ts', 'local/app.ts']) expect(edgesOf(root).map((e) => e.target)).toContain('src/composition/compose.ts');
  });

  it('has no import cycles, runtime or type-only, in src, local or static/src', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (guards the guard)', () => {
    const edge = (target: string) => ({ spec: `./${target}`, target, typeOnly: true });
    const looped: Graph = new Map([
      ['a.ts', [edge('b.ts')]],
      ['b.ts', [edge('c.ts')]],
      ['c.ts', [edge('a.ts')]],
      ['d.ts', [edge('a.ts')]],
    ]);
    expect(cyclesOf(looped)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it("keeps the Forge function's dependencies to exactly what its bundle imports at runtime", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const bundled = runtimeClosure(graph, 'src/index.ts');
    expect(bundled.files.has('src/composition/forge.ts')).toBe(true);
    expect(Object.keys(pkg.dependencies ?? {}).sort()).toEqual([...bundled.packages].sort());
    for (const runtimeOnly of ['tsx', 'react', 'react-dom', 'better-sqlite3', 'hono', '@hono/node-server']) {
      expect(Object.keys(pkg.dependencies ?? {})).not.toContain(runtimeOnly);
    }
  });
});
