/**
 * One error vocabulary (issue 7.3): every code the app answers is in ERROR_CODES with the status it
 * is answered with, docs/api.md documents each public one, and REST and resolvers map the same
 * failure to the same public error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, EligibilityError, ERROR_CODES, type ErrorCode } from '../../src/core/domain/errors';
import { StoreError } from '../../src/core/ports/store';
import { toPublicError } from '../../src/transport/public-error';

const root = join(__dirname, '../..');
const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

it('a DomainError answers the status its code is registered with, and nothing else decides it', () => {
  const quiet = () => undefined;
  for (const code of CODES) {
    const info = ERROR_CODES[code];
    const err = new DomainError(code, 'A human sentence.');
    expect([code, err.status]).toEqual([code, info.status]);
    const pub = toPublicError(err, quiet);
    const shown = 'internal' in info || (info.status >= 500 && info.status !== 503);
    expect([code, pub.status, pub.code]).toEqual(shown ? [code, 500, 'INTERNAL_ERROR'] : [code, info.status, code]);
  }
});

it('registers each code with an HTTP error status and a sentence saying when a client sees it', () => {
  const bad = CODES.filter((code) => {
    const info = ERROR_CODES[code];
    return !Number.isInteger(info.status) || info.status < 400 || info.status > 599 || info.when.trim().length < 10;
  });
  expect(bad).toEqual([]);
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
    const err = new DomainError('VERSION_CONFLICT', 'Changed by someone else.', [{ field: 'expectedVersion', reason: 'stale' }]);
    expect(toPublicError(err, quiet)).toEqual({ status: 409, code: 'VERSION_CONFLICT', message: 'Changed by someone else.', details: [{ field: 'expectedVersion', reason: 'stale' }] });
  });

  it('hides internal codes and unknown throws behind INTERNAL_ERROR, logging what happened', () => {
    const lines: string[] = [];
    for (const err of [new DomainError('CORRUPT_RECORD', 'cs:1001 broke'), new TypeError('x is undefined'), new StoreError('INVALID_KEY', 'bad key cs:1')]) {
      expect(toPublicError(err, (l) => lines.push(l))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    }
    expect(lines).toHaveLength(3);
  });

  it('maps store throttling to 429 with a retry delay, and a store cursor error to INVALID_CURSOR', () => {
    expect(toPublicError(new StoreError('RATE_LIMITED', 'kvs'), quiet)).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(toPublicError(new StoreError('INVALID_CURSOR', 'kvs'), quiet)).toMatchObject({ status: 400, code: 'INVALID_CURSOR', details: [expect.objectContaining({ field: 'cursor' })] });
  });

  it('answers a registered code with its registry status whatever threw it', () => {
    expect(toPublicError(new DomainError('WORKFLOW_NOT_ASSIGNED', 'Page is assigned to another workflow'), quiet)).toMatchObject({ status: 409, code: 'WORKFLOW_NOT_ASSIGNED' });
    expect(toPublicError(new DomainError('NO_EDIT_PERMISSION', 'You cannot edit this page'), quiet)).toMatchObject({ status: 403, code: 'NO_EDIT_PERMISSION' });
  });

  it('a code registered with an eligibilityStatus answers it only as a page-submit eligibility failure (audit A#11)', () => {
    expect(toPublicError(new EligibilityError('WORKFLOW_NOT_FOUND', 'The chosen workflow does not exist in the page\'s space'), quiet)).toMatchObject({ status: 409, code: 'WORKFLOW_NOT_FOUND' });
    expect(toPublicError(new DomainError('WORKFLOW_NOT_FOUND', 'Workflow not found.'), quiet)).toMatchObject({ status: 404, code: 'WORKFLOW_NOT_FOUND' });
    // every other eligibility code keeps its one status
    expect(toPublicError(new EligibilityError('NO_EDIT_PERMISSION', 'You cannot edit this page'), quiet)).toMatchObject({ status: 403 });
  });

  it('carries a rate limiter retry delay', () => {
    expect(toPublicError(new DomainError('RATE_LIMITED', 'slow down', undefined, 17), quiet)).toMatchObject({ status: 429, retryAfter: 17 });
  });
});
