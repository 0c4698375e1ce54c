/**
 * Each field limit is written once, in src/core/domain/limits.ts (issue 7.1). This scan fails when a
 * limit value reappears as a literal in a place that states a field rule: a zod bound, an HTML
 * maxLength, a length comparison, a named constant, or a distinctive value anywhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIELD_LIMITS } from '../../src/core/domain/limits';

const root = join(__dirname, '../..');
const ALLOWED = new Set(['src/core/domain/limits.ts']);
/** The same number meaning something else (reviewed; say why). */
const UNRELATED: Record<string, string[]> = {
  // Bounds of the platform diagnostics log's own records (header/claim names kept), not user fields.
  // How many header/claim names one diagnostics record keeps, and how many characters of each.
  'src/transport/api/identity.ts': ['MAX_NAMES = 50', 'MAX_NAME_CHARS = 100'],
  'src/transport/diagnostics/diagnostics-log.ts': ['.max(100)', '.max(50)', '.max(10)', 'RECENT_LIMIT = 50'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** The field rules of SPEC §2 and §9 (ids and lookups have their own, less distinctive bounds). */
const FIELD_RULES = ['workflowName', 'stepName', 'steps', 'approvers', 'owners', 'changeSetTitle', 'changeSetSummary', 'referenceUrl', 'pageRefs', 'comment', 'rejectionComment', 'listPage'] as const;
const values = new Set<number>();
for (const rule of FIELD_RULES) for (const v of Object.values(FIELD_LIMITS[rule])) values.add(v);
// Small values (10, 20, 50, 100) also mean other things, so they are flagged only in rule-stating
// positions; the distinctive ones (120, 255, 280, 2000, 2048) are flagged anywhere.
const DISTINCTIVE = [...values].filter((v) => v >= 120);

function offenders(text: string): string[] {
  const found: string[] = [];
  const alt = [...values].filter((v) => v > 1).join('|');
  const ruleShapes = [
    new RegExp(`\\.(?:min|max|length)\\((${alt})\\)`, 'g'),
    new RegExp(`maxLength=\\{(${alt})\\}`, 'g'),
    new RegExp(`\\.length\\s*[<>]=?\\s*(${alt})\\b`, 'g'),
    new RegExp(`\\b[A-Z][A-Z_]*(?:COMMENT|TITLE|SUMMARY|NAME|STEPS?|APPROVERS?|PAGE_?REFS|LIMIT)[A-Z_]*\\s*=\\s*(${alt})\\b`, 'g'),
    new RegExp(`(?<![\\w.])(${DISTINCTIVE.join('|')})(?![\\w.])`, 'g'),
  ];
  for (const re of ruleShapes) for (const m of text.matchAll(re)) found.push(m[0]);
  return found;
}

it('no field limit is restated as a literal in src/ or static/src', () => {
  const report: string[] = [];
  for (const file of [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'static/src'))]) {
    const rel = relative(root, file);
    if (ALLOWED.has(rel)) continue;
    const hits = offenders(readFileSync(file, 'utf8')).filter((hit) => !(UNRELATED[rel] ?? []).includes(hit));
    if (hits.length > 0) report.push(`${rel}: ${hits.join(', ')}`);
  }
  expect(report).toEqual([]);
});

it('the scan itself catches each shape of restatement', () => {
  expect(offenders('z.string().max(255)')).toEqual(['.max(255)', '255']);
  expect(offenders('<input maxLength={120} />')).toEqual(['maxLength={120}', '120']);
  expect(offenders('if (text.length > 280) fail();')).toEqual(['.length > 280', '280']);
  expect(offenders('`at most 2048 characters`')).toEqual(['2048']);
  expect(offenders('const MIN_REJECT_COMMENT = 20;')).toEqual(['MIN_REJECT_COMMENT = 20']);
  expect(offenders('z.array(step).max(10)')).toEqual(['.max(10)']);
  expect(offenders('const retries = 3; query({ limit: 100 })')).toEqual([]);
});
