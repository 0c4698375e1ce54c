/**
 * The audit list cursor: "records with sk < b" (sk = <at13>-<id>), base64url JSON `{b}`. Stateless,
 * so it stays valid while new records arrive; a forged cursor can only move the position, because
 * the filter is re-applied to every record returned. Transports seal it (cursor-seal.ts).
 */
import { DomainError } from '../domain/errors';

const SK = /^\d{13}-\d{9}-[A-Za-z0-9._:-]{1,300}$/;

export function encodeCursor(before: string): string {
  return Buffer.from(JSON.stringify({ b: before }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const b = (value as { b?: unknown } | null)?.b;
    if (typeof b === 'string' && SK.test(b)) return b;
  } catch {
    // fall through to the stable error below
  }
  throw new DomainError('INVALID_CURSOR', 'The cursor is not valid for the audit list.');
}
