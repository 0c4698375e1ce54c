/**
 * Errors the core raises on purpose. `code` is stable (clients match on it); `message` is a human
 * sentence safe to show. Transports map `kind` to a status (REST) or an envelope (resolvers).
 */
export type DomainErrorKind =
  | 'invalid' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'unprocessable' // 422
  | 'too_large' // 413
  | 'rate_limited' // 429
  | 'internal' // 500
  | 'unavailable'; // 503

export interface ErrorDetail {
  field?: string;
  code?: string;
  reason: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    /** seconds a client should wait before retrying (429 / 503 answers carry it as Retry-After) */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const statusOfKind: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};
