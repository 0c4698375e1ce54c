/**
 * Issue 7's size budget: no file under src/ over 300 lines and no function in src/ over 60 lines
 * (React views live in static/src and are not held to it). Measured on the syntax tree by
 * scripts/code-metrics.ts, which also prints the numbers (`npx tsx scripts/code-metrics.ts src`).
 */
import path from 'node:path';
import { measureFile, measureTree } from '../../scripts/code-metrics';

const root = path.resolve(__dirname, '../..');
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;

/**
 * Being rewritten on other branches while this budget was set (issue 7, 11, 13 work in parallel):
 * held to the budget once merged; remove an entry as soon as its rewrite lands green.
 * src/transport/resolvers/analytics.ts: spaceAnalytics (69 lines) is replaced by the analytics work (issue 11).
 */
const IN_FLUX = [
  /^src\/core\/audit\//,
  /^src\/adapters\/store\//,
  /^src\/core\/lifecycle\//,
  /^src\/core\/analytics\//,
  /^src\/core\/services\/submission\.ts$/,
  /^src\/core\/services\/changesets\/submit\.ts$/,
  /^src\/core\/services\/notifications\.ts$/,
  /^src\/transport\/resolvers\/analytics\.ts$/,
];

const held = measureTree(['src'], root).filter((f) => !IN_FLUX.some((re) => re.test(f.file)));

describe('size budget (src/)', () => {
  it('measures the tree (guards the guard)', () => {
    expect(held.length).toBeGreaterThan(50);
    const self = measureFile(path.join(root, 'scripts/code-metrics.ts'), root);
    expect(self.functions.find((f) => f.name === 'measureFile')?.lines).toBeGreaterThan(10);
  });

  it(`keeps every file at or under ${MAX_FILE_LINES} lines`, () => {
    expect(held.filter((f) => f.lines > MAX_FILE_LINES).map((f) => `${f.file}: ${f.lines}`)).toEqual([]);
  });

  it(`keeps every function at or under ${MAX_FUNCTION_LINES} lines`, () => {
    const long = held.flatMap((f) => f.functions).filter((fn) => fn.lines > MAX_FUNCTION_LINES);
    expect(long.map((fn) => `${fn.file}:${fn.line} ${fn.name}: ${fn.lines}`)).toEqual([]);
  });
});
