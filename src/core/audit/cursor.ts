/**
 * The audit list cursor: "records with seq < b", base64url JSON `{b}`. Stateless, so it stays valid
 * while new records arrive; a forged cursor can only move the position, because the filter is
 * re-applied to every record returned.
 */
import { DomainError } from '../domain/errors';

export function encodeCursor(before: number): string {
  return Buffer.from(JSON.stringify({ b: before }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const b = (value as { b?: unknown } | null)?.b;
    if (typeof b === 'number' && Number.isSafeInteger(b) && b >= 1) return b;
  } catch {
    // fall through to the stable error below
  }
  throw new DomainError('invalid', 'INVALID_CURSOR', 'The cursor is not valid for the audit list.');
}
