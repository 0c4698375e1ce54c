/** Forge KVS failures mapped to StoreError codes (never leaking response bodies). */
import { ForgeKvsAPIError } from '@forge/kvs';
import { StoreError } from '../../core/ports/store';

/** Runs one Forge call and maps its failure to a StoreError (never leaking response bodies). */
export async function forge<R>(call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(error);
  }
}

/**
 * Forge's error code for a failed transaction condition is undocumented (UNCONFIRMED): any 409 or
 * code mentioning CONDITION/CONFLICT is treated as one. Rate limiting is documented as HTTP 429
 * RATE_LIMIT_EXCEEDED (transactions: TOO_MANY_REQUESTS).
 */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (!(error instanceof ForgeKvsAPIError)) {
    return new StoreError('UNAVAILABLE', 'Forge storage could not be reached.');
  }
  const status = error.responseDetails?.status;
  const code = String(error.code ?? 'UNKNOWN_ERROR');
  if (status === 429 || code === 'RATE_LIMIT_EXCEEDED' || code === 'TOO_MANY_REQUESTS') {
    return new StoreError('RATE_LIMITED', 'Forge storage is rate limiting this app; retry later.');
  }
  if (status === 409 || /CONDITION|CONFLICT/i.test(code)) {
    return new StoreError('CONDITION_FAILED', 'A transaction condition does not hold; nothing was written.');
  }
  if (code === 'MAX_SIZE') return new StoreError('VALUE_TOO_LARGE', 'Forge storage rejected the value as too large.');
  if (code === 'MAX_DEPTH') return new StoreError('INVALID_VALUE', 'Forge storage rejected the value as too deeply nested.');
  if (code === 'EMPTY_KEY' || code === 'INVALID_KEY' || code === 'KEY_TOO_LONG') {
    return new StoreError('INVALID_KEY', 'Forge storage rejected the key.');
  }
  if (/CURSOR/i.test(code)) return new StoreError('INVALID_CURSOR', 'Forge storage rejected the cursor; restart the query.');
  if (code === 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE') return new StoreError('INVALID_QUERY', 'Forge storage rejected the query.');
  return new StoreError('UNAVAILABLE', `Forge storage request failed (${code}${status ? `, HTTP ${status}` : ''}).`);
}
