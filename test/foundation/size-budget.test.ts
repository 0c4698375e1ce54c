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

const held = measureTree(['src'], root);

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
