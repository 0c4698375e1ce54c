/**
 * The runtime's clock: real time plus an offset that `POST /local/clock {"advanceDays": n}` moves
 * forward, so reviews, reminders and retention can be exercised without waiting. The app (Clock
 * port), the site (new versions, comments) and the token service all read this one clock.
 *
 * The offset persists in `<dataDir>/clock.json` (written before the move takes effect), so a restart
 * never sends time back behind records already stored: newest-first order and rate-limit windows
 * stay sound.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../src/core/ports/clock';

export { DAY_MS } from '../src/core/shared/time';

export const CLOCK_FILE = 'clock.json';

export class AdjustableClock implements Clock {
  private offsetMs: number;

  /** `dataDir`: where the offset persists (absent: in memory only, as with --memory). */
  constructor(
    private readonly base: Clock = { now: () => Date.now() },
    private readonly dataDir?: string,
  ) {
    this.offsetMs = dataDir ? readOffset(dataDir) : 0;
  }

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  /** Moves time forward (never back: stored timestamps must stay ordered). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward.');
    const next = this.offsetMs + ms;
    if (this.dataDir) writeOffset(this.dataDir, next);
    this.offsetMs = next;
  }

  get offset(): number {
    return this.offsetMs;
  }
}

function readOffset(dataDir: string): number {
  let text: string;
  try {
    text = readFileSync(join(dataDir, CLOCK_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const offsetMs: unknown = (JSON.parse(text) as { offsetMs?: unknown }).offsetMs;
  if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs) || offsetMs < 0) {
    throw new Error(`${join(dataDir, CLOCK_FILE)} does not hold a clock offset; fix or delete it (deleting moves the runtime's time back to now).`);
  }
  return offsetMs;
}

/** Atomically (write aside, rename): a crash mid-write leaves the previous offset. */
function writeOffset(dataDir: string, offsetMs: number): void {
  const file = join(dataDir, CLOCK_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify({ offsetMs }));
  renameSync(`${file}.tmp`, file);
}
