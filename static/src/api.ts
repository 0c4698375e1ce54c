/**
 * The one typed client for the resolvers. Every call goes through `invoke` from @forge/bridge,
 * unwraps the `{success, ...}` envelope and throws an ApiError carrying the stable code and a
 * human message, so views only deal with data or a readable error. A failed invoke is told apart:
 * no connection (the browser could not send it) versus the server failing while handling it.
 */
import { invoke } from '@forge/bridge';
import type { ErrorDetail } from '../../src/transport/resolvers/contract';
import type { ResolverData, ResolverKey, ResolverPayload } from '../../src/transport/resolvers/registry';
import { ApiError, invokeFailure } from './errors';

export { ApiError } from './errors';

function isEnvelope(value: unknown): value is { success: boolean } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { success?: unknown }).success === 'boolean';
}

async function send(key: string, payload: object): Promise<Record<string, unknown>> {
  let reply: unknown;
  try {
    reply = await invoke(key, payload as Record<string, unknown>);
  } catch (err) {
    throw invokeFailure(err);
  }
  if (!isEnvelope(reply)) throw new ApiError('BAD_RESPONSE', 'ApprovalFlow sent an unexpected reply. Try again.');
  if (!reply.success) {
    const code = typeof reply.code === 'string' ? reply.code : 'UNKNOWN_ERROR';
    const said = typeof reply.error === 'string' ? reply.error : 'The request failed.';
    // SPEC 2.3c: a wrong credential says how many tries are left; a timed lock says when to retry.
    const left = typeof reply.attemptsLeft === 'number' ? ` ${reply.attemptsLeft} attempt${reply.attemptsLeft === 1 ? '' : 's'} left before signing locks.` : '';
    const wait = code === 'SIGNATURE_LOCKED' && typeof reply.retryAfter === 'number' ? ` Try again in ${Math.ceil(reply.retryAfter / 60)} minute(s).` : '';
    const message = `${said}${left}${wait}`;
    throw new ApiError(code, message, Array.isArray(reply.details) ? (reply.details as ErrorDetail[]) : []);
  }
  const { success: _success, ...data } = reply;
  return data;
}

export async function call<K extends ResolverKey>(key: K, payload: ResolverPayload<K>): Promise<ResolverData[K]> {
  return (await send(key, payload)) as unknown as ResolverData[K];
}

export function errorText(err: unknown): { code: string; message: string; details: ErrorDetail[] } {
  if (err instanceof ApiError) return { code: err.code, message: err.message, details: err.details };
  return { code: 'CLIENT_ERROR', message: err instanceof Error ? err.message : String(err), details: [] };
}
