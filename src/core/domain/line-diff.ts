/**
 * A line diff (Myers' O((N+M)D) shortest edit script) for "Changes since approval" (SPEC 2.4a).
 * No maintained diff library is installed, so this small one lives here with its tests
 * (test/engine/line-diff.unit.test.ts). Common prefix and suffix are trimmed first; when the edit
 * distance exceeds MAX_EDIT_DISTANCE the remaining middle is reported as one replacement (still a
 * correct diff, only coarser) so time and memory stay bounded.
 */
import { DIFF_LIMITS } from './limits';

export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

export interface DiffHunk {
  /** 1-based first line in the old / new text (0 when that side has no lines in the hunk) */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface LineDiff {
  hunks: DiffHunk[];
  truncated: boolean;
}

const MAX_EDIT_DISTANCE = DIFF_LIMITS.maxEditDistance;
const CONTEXT = 2;

type Op = DiffLine['op'];

/** The edit script between a and b as a list of ops, one per line of the merged sequence. */
function editScript(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  return [...Array<Op>(start).fill(' '), ...middle, ...Array<Op>(a.length - endA).fill(' ')];
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return Array<Op>(m).fill('+');
  if (m === 0) return Array<Op>(n).fill('-');
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, d, offset, n, m);
    }
    v = next;
  }
  // Too far apart to trace within bounds: one replacement of the whole middle.
  return [...Array<Op>(n).fill('-'), ...Array<Op>(m).fill('+')];
}

function backtrack(trace: Int32Array[], dEnd: number, offset: number, n: number, m: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push(' ');
      x--;
      y--;
    }
    ops.push(down ? '+' : '-');
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push(' ');
    x--;
    y--;
  }
  return ops.reverse();
}

/** Hunks of changed lines with CONTEXT unchanged lines around them, at most `maxHunks`. */
export function diffLines(oldLines: string[], newLines: string[], maxHunks: number): LineDiff {
  const ops = editScript(oldLines, newLines);
  const entries: Array<{ op: Op; text: string; oldNo: number; newNo: number }> = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === ' ') entries.push({ op, text: oldLines[i]!, oldNo: ++i, newNo: ++j });
    else if (op === '-') entries.push({ op, text: oldLines[i]!, oldNo: ++i, newNo: j });
    else entries.push({ op, text: newLines[j]!, oldNo: i, newNo: ++j });
  }
  const changes = entries.flatMap((e, index) => (e.op === ' ' ? [] : [index]));
  const hunks: DiffHunk[] = [];
  let truncated = false;
  let c = 0;
  while (c < changes.length) {
    if (hunks.length === maxHunks) {
      truncated = true;
      break;
    }
    // a hunk runs while the next change is close enough for the contexts to touch
    let last = c;
    while (last + 1 < changes.length && changes[last + 1]! - changes[last]! <= 2 * CONTEXT + 1) last++;
    const slice = entries.slice(Math.max(0, changes[c]! - CONTEXT), Math.min(entries.length, changes[last]! + CONTEXT + 1));
    const oldSide = slice.filter((e) => e.op !== '+');
    const newSide = slice.filter((e) => e.op !== '-');
    hunks.push({
      oldStart: oldSide[0]?.oldNo ?? slice[0]!.oldNo,
      oldLines: oldSide.length,
      newStart: newSide[0]?.newNo ?? slice[0]!.newNo,
      newLines: newSide.length,
      lines: slice.map((e) => ({ op: e.op, text: e.text })),
    });
    c = last + 1;
  }
  return { hunks, truncated };
}

/**
 * Characters changed between two texts, for the tolerant staleness policy: per hunk, the removed
 * and added text minus their common prefix and suffix (a one-word edit in a long line counts the word).
 */
export function changedChars(oldLines: string[], newLines: string[]): number {
  const { hunks } = diffLines(oldLines, newLines, Number.MAX_SAFE_INTEGER);
  let total = 0;
  for (const hunk of hunks) {
    const removed = hunk.lines.filter((l) => l.op === '-').map((l) => l.text).join('\n');
    const added = hunk.lines.filter((l) => l.op === '+').map((l) => l.text).join('\n');
    let p = 0;
    while (p < removed.length && p < added.length && removed[p] === added[p]) p++;
    let s = 0;
    while (s < removed.length - p && s < added.length - p && removed[removed.length - 1 - s] === added[added.length - 1 - s]) s++;
    total += Math.max(removed.length - p - s, added.length - p - s);
  }
  return total;
}
