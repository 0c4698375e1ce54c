/**
 * The one mapping from any thrown value to what a client sees, used by the REST handler and the
 * resolvers alike: the same failure is the same status and code on both. Store errors are mapped
 * here once; internal codes and unknown throws become INTERNAL_ERROR (their text is logged, not shown).
 */
import { DomainError, ERROR_CODES, type ErrorCode, type ErrorDetail } from '../core/domain/errors';
import { StoreError } from '../core/ports/store';

export interface PublicError {
  status: number;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  /** seconds, for the Retry-After header (REST) or the envelope field (resolvers) */
  retryAfter?: number;
}

const GENERIC_500 = 'An internal error occurred. Retry later; if it keeps happening, contact the app vendor.';
const STORE_RETRY_SECONDS = 2;

const INTERNAL: PublicError = { status: 500, code: 'INTERNAL_ERROR', message: GENERIC_500 };

function fromStore(err: StoreError): PublicError {
  switch (err.code) {
    case 'RATE_LIMITED':
      return { status: 429, code: 'RATE_LIMITED', message: 'Too many requests right now; retry after the delay in Retry-After.', retryAfter: STORE_RETRY_SECONDS };
    case 'INVALID_CURSOR':
      return invalidCursor();
    default:
      return INTERNAL;
  }
}

export function invalidCursor(): PublicError {
  return {
    status: 400,
    code: 'INVALID_CURSOR',
    message: 'The cursor is not valid; start again without a cursor.',
    details: [{ field: 'cursor', code: 'INVALID_VALUE', reason: 'not a cursor issued for this query and caller' }],
  };
}

/** `log` receives a one-line description of internal failures (names and messages only, never payloads). */
export function toPublicError(err: unknown, log: (line: string) => void = () => undefined): PublicError {
  if (err instanceof DomainError) {
    const status = err.status;
    if ('internal' in ERROR_CODES[err.code] || (status >= 500 && status !== 503)) {
      log(`${err.name} ${err.code}: ${err.message}`);
      return INTERNAL;
    }
    if (err.code === 'INVALID_CURSOR') return invalidCursor();
    const retryAfter = err.retryAfterSeconds ?? (status === 429 || status === 503 ? STORE_RETRY_SECONDS : undefined);
    return {
      status,
      code: err.code,
      message: err.message,
      ...(err.details && err.details.length > 0 ? { details: err.details } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    };
  }
  if (err instanceof StoreError) {
    const mapped = fromStore(err);
    if (mapped === INTERNAL) log(`StoreError ${err.code}: ${err.message}`);
    return mapped;
  }
  log(err instanceof Error ? `${err.name}: ${err.message}` : `non-error thrown (${typeof err})`);
  return INTERNAL;
}

/** REST and resolver envelope of a failure (SPEC §3): `{success:false, error, code, details?}`. */
export function failureEnvelope(pub: PublicError): { success: false; error: string; code: string; details?: ErrorDetail[] } {
  return {
    success: false,
    error: pub.message,
    code: pub.code,
    ...(pub.details && pub.details.length > 0 ? { details: pub.details } : {}),
  };
}
