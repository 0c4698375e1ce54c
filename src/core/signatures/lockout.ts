/** SPEC 2.3c lockout as pure rules: 5 wrong credentials in 15 min lock for 15 min; 10 in 24 h lock until an admin reset. */
import { DomainError } from '../domain/errors';

/** What the lockout rules read and write of a signer's state (state.ts stores it; kept structural so the two files do not import each other). */
interface LockoutState {
  failures: number[];
  lockedUntil?: number;
  adminLocked?: boolean;
}

const MINUTE = 60_000;
export const LOCKOUT = { window: 15 * MINUTE, max: 5, lockFor: 15 * MINUTE, dayWindow: 24 * 60 * MINUTE, dayMax: 10 } as const;

export function lockedError(state: LockoutState, now: number): DomainError | undefined {
  if (state.adminLocked) {
    return new DomainError('SIGNATURE_LOCKED', 'Signing is locked after too many wrong credentials; ask a site admin to reset your signature.');
  }
  if (state.lockedUntil !== undefined && state.lockedUntil > now) {
    const retryAfter = Math.ceil((state.lockedUntil - now) / 1000);
    return new DomainError('SIGNATURE_LOCKED', 'Signing is locked for a while after too many wrong credentials.', undefined, retryAfter);
  }
  return undefined;
}

export interface FailureOutcome<S extends LockoutState> {
  state: S;
  attemptsLeft: number;
  /** the error the failing call answers */
  error: DomainError;
}

export function afterFailure<S extends LockoutState>(state: S, now: number): FailureOutcome<S> {
  const failures = [...state.failures.filter((t) => t > now - LOCKOUT.dayWindow), now].slice(-LOCKOUT.dayMax);
  const recent = failures.filter((t) => t > now - LOCKOUT.window).length;
  if (failures.length >= LOCKOUT.dayMax) {
    const next = { ...state, failures, adminLocked: true };
    return { state: next, attemptsLeft: 0, error: lockedError(next, now)! };
  }
  if (recent >= LOCKOUT.max) {
    const next = { ...state, failures, lockedUntil: now + LOCKOUT.lockFor };
    return { state: next, attemptsLeft: 0, error: lockedError(next, now)! };
  }
  const attemptsLeft = Math.min(LOCKOUT.max - recent, LOCKOUT.dayMax - failures.length);
  const error = new DomainError('SIGNATURE_INVALID', 'The signing credential is not valid.', undefined, undefined, attemptsLeft);
  return { state: { ...state, failures }, attemptsLeft, error };
}

/** A right credential clears the failure count (a lock in force was checked before). */
export function afterSuccess<S extends LockoutState>(state: S): S {
  const next = { ...state, failures: [] };
  delete next.lockedUntil;
  return next;
}
