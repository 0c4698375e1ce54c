/**
 * One error vocabulary (issue 7.3): every code the app answers is in ERROR_CODES with the status it
 * is answered with, docs/api.md documents each public one, and REST and resolvers map the same
 * failure to the same public error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, ERROR_CODES, statusOfKind, type DomainErrorKind } from '../../src/core/domain/errors';
import { StoreError } from '../../src/core/ports/store';
import { toPublicError } from '../../src/transport/public-error';

const root = join(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const sources = files(join(root, 'src')).map((f) => readFileSync(f, 'utf8'));

function thrown(pattern: RegExp): Array<[string, string]> {
  return sources.flatMap((text) => [...text.matchAll(pattern)].map((m) => [m[1], m[2]] as [string, string]));
}

it('every DomainError thrown with a literal code is registered, with the status of its kind', () => {
  const found = thrown(/new DomainError\(\s*'([a-z_]+)',\s*'([A-Z_]+)'/g);
  expect(found.length).toBeGreaterThan(20);
  const wrong = found.filter(([kind, code]) => !(code in ERROR_CODES) || ERROR_CODES[code as keyof typeof ERROR_CODES].status !== statusOfKind[kind as DomainErrorKind]);
  expect(wrong).toEqual([]);
});

it('every transport refusal (ApiError) is registered with its status', () => {
  const found = thrown(/new ApiError\(\s*(\d{3}),\s*'([A-Z_]+)'/g);
  expect(found.length).toBeGreaterThan(5);
  const wrong = found.filter(([status, code]) => !(code in ERROR_CODES) || String(ERROR_CODES[code as keyof typeof ERROR_CODES].status) !== status);
  expect(wrong).toEqual([]);
});

it('docs/api.md documents every public code with its status', () => {
  const doc = readFileSync(join(root, 'docs/api.md'), 'utf8');
  const missing = Object.entries(ERROR_CODES)
    .filter(([, info]) => !('internal' in info))
    .filter(([code, info]) => !new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${info.status}\\s*\\|`).test(doc))
    .map(([code]) => code);
  expect(missing).toEqual([]);
});

describe('toPublicError', () => {
  const quiet = () => undefined;

  it('keeps a registered code with its status, details and message', () => {
    const err = new DomainError('conflict', 'VERSION_CONFLICT', 'Changed by someone else.', [{ field: 'expectedVersion', reason: 'stale' }]);
    expect(toPublicError(err, quiet)).toEqual({ status: 409, code: 'VERSION_CONFLICT', message: 'Changed by someone else.', details: [{ field: 'expectedVersion', reason: 'stale' }] });
  });

  it('hides internal codes and unknown throws behind INTERNAL_ERROR, logging what happened', () => {
    const lines: string[] = [];
    for (const err of [new DomainError('internal', 'CORRUPT_RECORD', 'cs:1001 broke'), new TypeError('x is undefined'), new StoreError('INVALID_KEY', 'bad key cs:1')]) {
      expect(toPublicError(err, (l) => lines.push(l))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    }
    expect(lines).toHaveLength(3);
  });

  it('maps store throttling to 429 with a retry delay, and a store cursor error to INVALID_CURSOR', () => {
    expect(toPublicError(new StoreError('RATE_LIMITED', 'kvs'), quiet)).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(toPublicError(new StoreError('INVALID_CURSOR', 'kvs'), quiet)).toMatchObject({ status: 400, code: 'INVALID_CURSOR', details: [expect.objectContaining({ field: 'cursor' })] });
  });

  it('reports a code thrown with another status than its registry entry, and an unregistered code', () => {
    const lines: string[] = [];
    toPublicError(new DomainError('forbidden', 'WORKFLOW_NOT_ASSIGNED', 'Page is assigned to another workflow'), (l) => lines.push(l));
    toPublicError(new DomainError('conflict', 'SOMETHING_NEW', 'x'), (l) => lines.push(l));
    expect(lines).toEqual(['error code WORKFLOW_NOT_ASSIGNED thrown as 403, registered as 409', 'unregistered error code SOMETHING_NEW (add it to ERROR_CODES)']);
  });

  it('carries a rate limiter retry delay', () => {
    expect(toPublicError(new DomainError('rate_limited', 'RATE_LIMITED', 'slow down', undefined, 17), quiet)).toMatchObject({ status: 429, retryAfter: 17 });
  });
});
