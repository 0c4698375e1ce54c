/**
 * The one typed client for the resolvers. Every call goes through `invoke` from @forge/bridge,
 * unwraps the `{success, ...}` envelope and throws an ApiError carrying the stable code and a
 * human message, so views only deal with data or a readable error.
 */
import { invoke } from '@forge/bridge';
import type { ErrorDetail, ResolverData } from '../../src/transport/resolvers/contract';
import type { ResolverKey, ResolverPayload } from '../../src/transport/resolvers/schemas';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isEnvelope(value: unknown): value is { success: boolean } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { success?: unknown }).success === 'boolean';
}

export async function call<K extends ResolverKey>(key: K, payload: ResolverPayload<K>): Promise<ResolverData[K]> {
  let reply: unknown;
  try {
    reply = await invoke(key, payload as Record<string, unknown>);
  } catch (err) {
    throw new ApiError('NETWORK_ERROR', `Could not reach ApprovalFlow (${err instanceof Error ? err.message : 'unknown error'}).`);
  }
  if (!isEnvelope(reply)) throw new ApiError('BAD_RESPONSE', 'ApprovalFlow sent an unexpected reply.');
  if (!reply.success) {
    const code = typeof reply.code === 'string' ? reply.code : 'UNKNOWN_ERROR';
    const message = typeof reply.error === 'string' ? reply.error : 'The request failed.';
    throw new ApiError(code, message, Array.isArray(reply.details) ? (reply.details as ErrorDetail[]) : []);
  }
  const { success: _success, ...data } = reply;
  return data as unknown as ResolverData[K];
}

export function errorText(err: unknown): { code: string; message: string; details: ErrorDetail[] } {
  if (err instanceof ApiError) return { code: err.code, message: err.message, details: err.details };
  return { code: 'CLIENT_ERROR', message: err instanceof Error ? err.message : String(err), details: [] };
}
