/** Shared helpers of the benchmark sections: sites with extra pages, timing, tables, fixed ids. */
import { performance } from 'node:perf_hooks';
import { buildSeed } from '../local/site';
import type { LocalPage, LocalSiteSeed } from '../local/site';
import type { Caller } from '../src/core/domain/caller';
import type { IdGenerator } from '../src/core/ports/clock';
import type { PlatformProfile } from '../src/adapters/platform-profile';

export const ENG = '1001';
export const BOB = 'acc-bob';
export const CAROL = 'acc-carol';

export const apiCaller = (accountId: string, clientId = 'bench-client'): Caller => ({ accountId, source: 'api', clientId });
export const uiCaller = (accountId: string): Caller => ({ accountId, source: 'ui' });

export interface BenchOptions {
  quick: boolean;
}

/**
 * Machine-readable results of this run (`npm run bench -- --json` writes them to bench/results.json):
 * dotted paths, e.g. record('single.createTx', 3) → {"single": {"createTx": 3}}. Each is measured in
 * the same run as its baseline.
 */
export const benchResults: Record<string, Record<string, number>> = {};

export function record(path: string, value: number): void {
  const [section, key] = path.split('.');
  if (!section || !key) throw new Error(`result path ${path} must be section.key`);
  benchResults[section] = { ...benchResults[section], [key]: Number.isFinite(value) ? Number(value.toFixed(4)) : value };
}

/** A published ENG page copied from seed page 2001 (same permissions), with its own id and title. */
export function copyOfPage2001(template: LocalPage, id: string): LocalPage {
  return {
    ...structuredClone(template),
    id,
    versions: template.versions.map((v) => ({ ...structuredClone(v), title: `Bench page ${id}` })),
  };
}

/** The SPEC §7.1 seed plus `count` published ENG pages with ids firstId, firstId+1, … */
export function seedWithExtraPages(count: number, firstId = 4001): LocalSiteSeed {
  const seed = buildSeed();
  const template = seed.pages.find((p) => p.id === '2001');
  if (!template) throw new Error('seed page 2001 is missing');
  for (let i = 0; i < count; i++) seed.pages.push(copyOfPage2001(template, String(firstId + i)));
  return seed;
}

export const pageRefs = (firstId: number, count: number): { pageId: string }[] =>
  Array.from({ length: count }, (_, i) => ({ pageId: String(firstId + i) }));

/** Deterministic, store-safe ids (fast; the engine only needs uniqueness). */
export class CounterIds implements IdGenerator {
  private n = 0;
  constructor(private readonly tag = 'b') {}
  next(prefix = 'id'): string {
    this.n += 1;
    return `${prefix}-${this.tag}${this.n.toString(36)}`;
  }
}

export interface Timing {
  medianMs: number;
  p95Ms: number;
  runs: number;
}

/** Median and p95 of `runs` timed calls after `warmup` untimed ones (sequential, so no self-contention). */
export async function timeIt(fn: () => Promise<unknown>, runs: number, warmup = 3): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { medianMs: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95), runs };
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export async function wallTime<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
export const fmtRatio = (r: number): string => `${r.toFixed(r >= 10 ? 0 : 2)}x`;

/** Plain text table: first row is the header; columns padded to the widest cell. */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function heading(title: string): void {
  console.log(`\n## ${title}\n`);
}

/**
 * The profile without U25's per-invocation Confluence call cap: the 100-page scenarios measure time
 * and quota under the profile's other answers, since under the cap a 100-page set answers 413
 * TOO_MANY_CONFLUENCE_CALLS (docs/forge-platform.md U25).
 */
export function withoutCallCap(profile: PlatformProfile): PlatformProfile {
  const { confluenceCallsPerInvocation: _cap, ...uncapped } = profile;
  return uncapped;
}
