/**
 * Errors as the views see them: the server's stable code and human message, or a failed invoke told
 * apart as "no connection" versus "the server failed". Free of @forge/bridge so it can be tested in Node.
 */
import type { ErrorDetail } from '../../src/transport/resolvers/contract';

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

/** fetch() raises a TypeError when the request never got a reply; anything else is the server failing. */
export function invokeFailure(err: unknown): ApiError {
  if (err instanceof TypeError) return new ApiError('NETWORK_ERROR', 'ApprovalFlow could not be reached. Check your connection and try again.');
  return new ApiError('SERVER_ERROR', 'ApprovalFlow ran into a problem on its side. Try again in a moment.');
}

