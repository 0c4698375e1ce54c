/**
 * `npm run bench [-- --quick] [-- --only=1,3] [-- --json]`: the SPEC §8 quality-bar benchmarks (docs/benchmarks.md).
 * `--json` also writes bench/results.json (the issue-13 metrics; see docs/benchmarks.md).
 * Every number is compared with a baseline measured in the same run; "OK"/"OVER" against the SPEC
 * bound is information, never a failure: the exit code is 0 unless a section crashed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import { runAtomic } from './atomic';
import { runConcurrency, runConcurrencyB } from './concurrency';
import { runCosts } from './costs';
import { runForgeQuota } from './forge-quota';
import { runGrowth } from './growth';
import { runLifecycle } from './lifecycle';
import { runScale } from './scale';
import type { BenchOptions } from './support';
import { benchResults } from './support';
import { runTimeBudget } from './time-budget';

const SECTIONS: Record<string, (options: BenchOptions) => Promise<void>> = {
  '1': runCosts,
  '2': runGrowth,
  '3': runTimeBudget,
  '4': runConcurrency,
  '4b': runConcurrencyB,
  '5': runLifecycle,
  '6': runAtomic,
  '7': runScale,
  '8': runForgeQuota,
};

function parseArgs(argv: string[]): { options: BenchOptions; only: string[]; json: boolean } {
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? Object.keys(SECTIONS);
  const unknown = only.filter((s) => !SECTIONS[s]);
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; sections are ${Object.keys(SECTIONS).join(', ')}`);
  return { options: { quick: argv.includes('--quick') }, only, json: argv.includes('--json') };
}

async function main(): Promise<number> {
  const { options, only, json } = parseArgs(process.argv.slice(2));
  const cpu = cpus();
  console.log(`# ApprovalFlow benchmarks (${options.quick ? 'quick' : 'full'} run, ${new Date().toISOString()})`);
  console.log(
    `node ${process.version}, ${osType()} ${release()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
  );
  let crashed = 0;
  const t0 = performance.now();
  for (const id of only) {
    const started = performance.now();
    try {
      await SECTIONS[id](options);
    } catch (error) {
      crashed += 1;
      console.error(`\nSection ${id} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    console.log(`\n(section ${id}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  console.log(`\nTotal: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (json) {
    const file = join(__dirname, 'results.json');
    const run = { at: new Date().toISOString(), quick: options.quick, sections: only, node: process.version, cpus: cpu.length };
    writeFileSync(file, `${JSON.stringify({ run, ...benchResults }, null, 2)}\n`);
    console.log(`Results: ${file}`);
  }
  // the numbers never fail the run; only a crashed section does
  return crashed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
