/**
 * zod issues → the `details` of a 400 INVALID_REQUEST, the same for REST and resolvers: one detail
 * per bad field, unknown keys listed one by one with why they are refused.
 */
import type { z } from 'zod';
import type { ErrorDetail } from '../../core/domain/errors';

/** Fields a client may never set: identity comes from the platform, these are owned by the server. */
const IDENTITY_FIELDS = new Set(['accountId', 'userId', 'createdBy', 'updatedBy', 'submittedBy', 'actor', 'clientId', 'principal', 'source']);
const SERVER_OWNED_FIELDS = new Set(['id', 'status', 'rollupState', 'version', 'createdAt', 'updatedAt', 'submittedAt', 'decidedAt', 'pages', 'approvalId']);

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function unknownFieldReason(key: string): string {
  if (IDENTITY_FIELDS.has(key)) return 'identity fields are not accepted; the caller is the authenticated user';
  if (SERVER_OWNED_FIELDS.has(key)) return 'this field is set by the server and cannot be written';
  return 'unknown field';
}

/** The value at `path` of what the client sent (zod's issues do not carry it). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/**
 * One detail per bad field; unknown keys are listed one by one so clients see each offender. A
 * field is REQUIRED only when it was not sent: one sent with the wrong type (`{"pageId": 2001}`) is
 * INVALID_VALUE with zod's "expected string, received number".
 */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], input: unknown): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ field: fieldPath([...issue.path, key]), code: 'UNKNOWN_FIELD', reason: unknownFieldReason(key) });
      }
      continue;
    }
    const field = fieldPath(issue.path);
    const code = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined ? 'REQUIRED' : 'INVALID_VALUE';
    const reason = code === 'REQUIRED' ? 'is required' : issue.message;
    details.push(field === '' ? { code, reason } : { field, code, reason });
  }
  return details;
}
