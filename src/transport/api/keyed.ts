/**
 * What a keyed request (Idempotency-Key) needs around the route's execution: the answer's record
 * ops handed to the route (answerRecord, or answerWithChange for a route whose claim commits with
 * its change) and the answers a key gives without executing (a replay, a mismatch, a running attempt).
 */
import { DomainError } from '../../core/domain/errors';
import type { TxOp } from '../../core/ports/store';
import type { ForgeApiResponse } from './forge-types';
import type { Settled, StoredResponse } from './idempotency';
import type { ApiRoute } from './routes';

/** The response a route's data makes: the response schema is an allow-list, so anything else is dropped. */
export function shape(route: ApiRoute, data: unknown) {
  return route.response.schema.safeParse({ success: true, ...(data as object) });
}

/** How a keyed request's answer is recorded: in a transaction the route makes (marker mode), or as its claim too (claimWithChange). */
export type Keyed = { requestToken: string; recorded: boolean } & (
  | { withChange: false; answerOps: (response: StoredResponse) => TxOp[] }
  | { withChange: true; answerOps: (response: StoredResponse) => Promise<TxOp[]> }
);

/** The route's answer for the key's record, if it fits the response schema. */
function recordable(route: ApiRoute, data: Record<string, unknown>): StoredResponse | undefined {
  const shaped = shape(route, data);
  return shaped.success ? { statusCode: route.response.status, body: JSON.stringify(shaped.data) } : undefined;
}

export function keyedContext(route: ApiRoute, keyed: Keyed) {
  // an answer that fits the route's response schema is recorded, and the handler is told it was
  const answerOf = (data: Record<string, unknown>): StoredResponse | undefined => {
    const response = recordable(route, data);
    if (response) keyed.recorded = true;
    return response;
  };
  if (keyed.withChange) {
    const { answerOps } = keyed;
    const answerWithChange = async (data: Record<string, unknown>): Promise<TxOp[]> => {
      const response = answerOf(data);
      return response ? answerOps(response) : [];
    };
    return { requestToken: keyed.requestToken, answerWithChange };
  }
  const { answerOps } = keyed;
  const answerRecord = (data: Record<string, unknown>): TxOp[] => {
    const response = answerOf(data);
    return response ? answerOps(response) : [];
  };
  return { requestToken: keyed.requestToken, answerRecord };
}

/** What the key answers without executing: the first response again, or why not. */
export function settledResponse(settled: Settled, refuse: (refusal: DomainError) => ForgeApiResponse): ForgeApiResponse {
  switch (settled.kind) {
    case 'replay':
      return replay(settled.response);
    case 'mismatch':
      return refuse(new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with a different request body.'));
    case 'in_progress':
      return refuse(new DomainError('IDEMPOTENCY_IN_PROGRESS', 'A request with this idempotency key is still being processed; retry after the delay in retryAfter.', undefined, settled.retryAfter));
  }
}

/** The first answer again, marked in the body (`"replayed": true`): the header may not reach the caller (U5). */
function replay(stored: StoredResponse): ForgeApiResponse {
  let body = stored.body;
  try {
    const parsed: unknown = JSON.parse(stored.body);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) body = JSON.stringify({ ...parsed, replayed: true });
  } catch {
    // a stored body is always the JSON this handler wrote; anything else is replayed as stored
  }
  return {
    statusCode: stored.statusCode,
    headers: { 'content-type': ['application/json'], 'cache-control': ['no-store'], 'idempotent-replayed': ['true'] },
    body,
  };
}
