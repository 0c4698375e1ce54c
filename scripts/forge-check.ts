/**
 * Deploy gates, offline: what `forge deploy` would refuse, found before a deploy.
 *  1. @forge/lint's offline linters (manifest incl. schema, permissions incl. trigger scopes,
 *     handlers, function timeouts, byline dynamicProperties icons), as `forge lint` runs them, with a no-op logger and a
 *     feature-flag stub (the real one asks Atlassian's flag service over the network).
 *  2. @forge/bundler's own node-runtime webpack config (getCommonWebpackConfig: ts-loader with the
 *     app's tsconfig.json, as `forge deploy` bundles), built from src/index.
 *  3. The bundle: no better-sqlite3, nothing from local/, and exactly the manifest's handlers exported.
 *
 * Run in the app directory (`npm run forge:check`); `--json` prints a machine-readable summary.
 * Exit code 1 on any error. Needs static/dist (the Custom UI resource) built first: `npm test`
 * runs `npm run build:ui` before it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

interface CheckReport {
  ok: boolean;
  lint: { errors: string[]; warnings: string[] };
  bundle: { errors: string[]; sizeBytes?: number; modules?: number; exports?: string[] };
  problems: string[];
}

import * as lintPkg from '@forge/lint';
import { getCommonWebpackConfig } from '@forge/bundler/out/config/common';
import webpack from 'webpack';
import { HandlerLinter } from '@forge/lint/out/lint/linters/handler-linter/handler-linter';
import { FullManifestLinter } from '@forge/lint/out/lint/linters/manifest-linter/full-manifest-linter';
import { PermissionsManifestLinter } from '@forge/lint/out/lint/linters/manifest-linter/permissions-manifest-linter';
import { FunctionTimeoutLinter } from '@forge/lint/out/lint/linters/function-timeout-linter/function-timeout-linter';
import { DynamicPropertiesPermissionsLinter } from '@forge/lint/out/lint/linters/dynamic-properties-linter/dynamic-properties-permissions-linter';
/** Loads the built bundle the way the Forge runtime does (CommonJS). */
function loadBundle(file: string): object {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a built file at a runtime path, not a module of ours
  const loaded: unknown = require(file);
  if (typeof loaded !== 'object' || loaded === null) throw new Error(`${file} exports no object`);
  return loaded;
}

const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, trace: () => undefined };
/** The feature-flag service's answers that the offline linters ask for: none deprecated, gates off. */
const flagAnswers: Record<string, unknown> = { getDeprecatedRuntimes: async () => [] };
/** A stand-in for the CLI's flag service, which the linters only ask questions of (never its other members). */
const flagStub = new Proxy(flagAnswers, {
  get: (target, key) => target[key as string] ?? (async () => false),
}) as unknown as FlagService;

type LintMessage = { line: number; column: number; message: string; reference?: string };

type FlagService = ConstructorParameters<typeof FullManifestLinter>[1];
type Manifest = ConstructorParameters<typeof FunctionTimeoutLinter>[0];

async function runLint(dir: string, manifest: Manifest): Promise<CheckReport['lint']> {
  const linters = [
    new FullManifestLinter(silentLogger, flagStub),
    new PermissionsManifestLinter(silentLogger, flagStub),
    new HandlerLinter('development', manifest, silentLogger),
    new FunctionTimeoutLinter(manifest, silentLogger),
    new DynamicPropertiesPermissionsLinter('development', manifest, silentLogger),
  ];
  const results: Array<{ file: string; errors: LintMessage[]; warnings: LintMessage[] }> = await lintPkg.lint(
    ['src/index.ts'],
    manifest,
    'development',
    silentLogger,
    flagStub,
    { linter: { mode: 'client-side' }, linters },
  );
  const format = (file: string, m: LintMessage) => `${path.relative(dir, path.resolve(dir, file)) || file}:${m.line}:${m.column} ${m.message}${m.reference ? ` (${m.reference})` : ''}`;
  return {
    errors: results.flatMap((r) => r.errors.map((m) => format(r.file, m))),
    warnings: results.flatMap((r) => r.warnings.map((m) => format(r.file, m))),
  };
}

async function runBundle(dir: string, outDir: string): Promise<{ errors: string[]; modules: string[] }> {
  const config = getCommonWebpackConfig({ entryPoints: [{ name: 'index', path: path.join(dir, 'src/index') }], appDirectory: dir });
  // What @forge/bundler's NodeBundler.getConfigs adds for the nodejs runtime (out/runtime.js).
  config.target = 'node18';
  config.output.filename = '[name].cjs';
  config.module.rules.push({ test: /\.m?js$/, resolve: { fullySpecified: false } });
  config.output.path = outDir;
  config.devtool = false;
  const stats = await new Promise<import('webpack').Stats>((resolve, reject) =>
    webpack(config, (err: Error | null | undefined, result?: import('webpack').Stats) => (err || !result ? reject(err ?? new Error('no stats')) : resolve(result))),
  );
  const json = stats.toJson({ all: false, errors: true, modules: true, nestedModules: true });
  const modules = (json.modules ?? []).flatMap((m) => [m.name ?? '', ...(m.modules ?? []).map((n) => n.name ?? '')]);
  return { errors: (json.errors ?? []).map((e) => e.message.replace(/\s+/g, ' ').slice(0, 400)), modules };
}

function handlerExports(manifest: { modules?: { function?: Array<{ handler: string }> } }): string[] {
  return (manifest.modules?.function ?? []).map((f) => f.handler.split('.')[1]).sort();
}

export async function forgeCheck(dir: string): Promise<CheckReport> {
  const report: CheckReport = { ok: false, lint: { errors: [], warnings: [] }, bundle: { errors: [] }, problems: [] };
  const cwd = process.cwd();
  process.chdir(dir); // the linters and Forge's processors read manifest.yml and tsconfig.json from the cwd
  const outDir = mkdtempSync(path.join(tmpdir(), 'forge-check-'));
  try {
    const manifest = parse(readFileSync(path.join(dir, 'manifest.yml'), 'utf8')) as Manifest;
    report.lint = await runLint(dir, manifest);
    const bundle = await runBundle(dir, outDir);
    report.bundle.errors = bundle.errors;
    report.bundle.modules = bundle.modules.length;
    if (bundle.errors.length === 0) {
      const file = path.join(outDir, 'index.cjs');
      report.bundle.sizeBytes = statSync(file).size;
      if (bundle.modules.some((m) => /better-sqlite3/.test(m))) report.problems.push('the bundle contains better-sqlite3');
      if (bundle.modules.some((m) => /^\.\/local\//.test(m))) report.problems.push('the bundle contains modules from local/');
      // The bundle is loaded the way the Forge runtime loads it; it must not need the platform at import time.
      const exported = Object.keys(loadBundle(file)).filter((k) => k !== '__esModule').sort();
      report.bundle.exports = exported;
      const expected = handlerExports(manifest);
      if (JSON.stringify(exported) !== JSON.stringify(expected)) {
        report.problems.push(`the bundle exports [${exported.join(', ')}] but the manifest names [${expected.join(', ')}]`);
      }
    }
  } finally {
    process.chdir(cwd);
    rmSync(outDir, { recursive: true, force: true });
  }
  report.ok = report.lint.errors.length === 0 && report.bundle.errors.length === 0 && report.problems.length === 0;
  return report;
}

if (require.main === module) {
  const dir = path.resolve(process.argv.find((a, i) => i >= 2 && !a.startsWith('--')) ?? process.cwd());
  forgeCheck(dir).then(
    (report) => {
      if (process.argv.includes('--json')) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        for (const line of [...report.lint.errors, ...report.bundle.errors, ...report.problems]) console.error(`forge:check error: ${line}`);
        for (const line of report.lint.warnings) console.warn(`forge:check warning: ${line}`);
        if (report.ok) console.log(`forge:check ok: lint 0 errors (${report.lint.warnings.length} warnings); bundle ${report.bundle.sizeBytes} bytes, ${report.bundle.modules} modules, exports ${report.bundle.exports?.join(', ')}`);
      }
      process.exitCode = report.ok ? 0 : 1;
    },
    (err: unknown) => {
      console.error(`forge:check failed to run: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
