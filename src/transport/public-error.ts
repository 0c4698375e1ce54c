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
  /** SIGNATURE_INVALID: wrong credentials left before the lock */
  attemptsLeft?: number;
}

const GENERIC_500 = 'An internal error occurred. Retry later; if it keeps happening, contact the app vendor.';
const STORE_RETRY_SECONDS = 2;
/** A full store: freeing disk space takes a person, not a retry loop. */
const STORAGE_FULL_RETRY_SECONDS = 60;

const INTERNAL: PublicError = { status: 500, code: 'INTERNAL_ERROR', message: GENERIC_500 };

function fromStore(err: StoreError): PublicError {
  switch (err.code) {
    case 'RATE_LIMITED':
      return { status: 429, code: 'RATE_LIMITED', message: 'Too many requests right now; retry after the delay in Retry-After.', retryAfter: STORE_RETRY_SECONDS };
    case 'INVALID_CURSOR':
      return invalidCursor();
    case 'STORAGE_FULL':
      // docs/api.md: 503 with Retry-After, not an internal error; nothing was written
      return { status: 503, code: 'UPSTREAM_UNAVAILABLE', message: 'Storage is full right now; nothing was changed. Retry later.', retryAfter: STORAGE_FULL_RETRY_SECONDS };
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

/** Forge's NeedsAuthenticationError (by name: the SDK stays out of this layer): the user must grant consent. */
export function isConsentRequired(err: unknown): boolean {
  return err instanceof Error && err.name === 'NEEDS_AUTHENTICATION_ERR';
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
      ...(err.attemptsLeft !== undefined ? { attemptsLeft: err.attemptsLeft } : {}),
    };
  }
  if (isConsentRequired(err)) {
    return { status: 403, code: 'CONFLUENCE_CONSENT_REQUIRED', message: 'Confluence needs you to allow ApprovalFlow access to your account first; nothing was changed.' };
  }
  if (err instanceof StoreError) {
    const mapped = fromStore(err);
    if (mapped === INTERNAL) log(`StoreError ${err.code}: ${err.message}`);
    return mapped;
  }
  log(err instanceof Error ? `${err.name}: ${err.message}` : `non-error thrown (${typeof err})`);
  return INTERNAL;
}

/**
 * REST and resolver envelope of a failure (SPEC §3): `{success:false, error, code, details?,
 * retryAfter?}`. `retryAfter` (seconds) is in the body because response headers are not known to
 * reach an apiRoute caller (docs/forge-platform.md U5).
 */
export function failureEnvelope(pub: PublicError): { success: false; error: string; code: string; details?: ErrorDetail[]; retryAfter?: number; attemptsLeft?: number } {
  return {
    success: false,
    error: pub.message,
    code: pub.code,
    ...(pub.details && pub.details.length > 0 ? { details: pub.details } : {}),
    ...(pub.retryAfter !== undefined ? { retryAfter: pub.retryAfter } : {}),
    ...(pub.attemptsLeft !== undefined ? { attemptsLeft: pub.attemptsLeft } : {}),
  };
}
