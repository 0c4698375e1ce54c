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

/** One detail per bad field; unknown keys are listed one by one so clients see each offender. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ field: fieldPath([...issue.path, key]), code: 'UNKNOWN_FIELD', reason: unknownFieldReason(key) });
      }
      continue;
    }
    const field = fieldPath(issue.path);
    const code = issue.code === 'invalid_type' && issue.input === undefined ? 'REQUIRED' : 'INVALID_VALUE';
    const reason = code === 'REQUIRED' ? 'is required' : issue.message;
    details.push(field === '' ? { code, reason } : { field, code, reason });
  }
  return details;
}
