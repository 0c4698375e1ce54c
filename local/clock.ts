/**
 * The runtime's clock: real time plus an offset that `POST /local/clock {"advanceDays": n}` moves
 * forward, so reviews, reminders and retention can be exercised without waiting. The app (Clock
 * port), the site (new versions, comments) and the token service all read this one clock.
 */
import type { Clock } from '../src/core/ports/clock';

export { DAY_MS } from '../src/core/shared/time';

export class AdjustableClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock = { now: () => Date.now() }) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  /** Moves time forward (never back: stored timestamps must stay ordered). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward.');
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }
}
