/**
 * What each audit `details` field holds, by name, so the audit trail and its CSV export both read as
 * names and dates instead of ids and epoch milliseconds. Pure: the UI imports it too.
 */
import type { AuditAction } from './model';

/** Fields that hold account ids (one or a list). */
export const PEOPLE_FIELDS: ReadonlySet<string> = new Set(['notified', 'spaceAdmins', 'approvers', 'owners', 'accountId', 'delegate', 'delegator', 'onBehalfOf', 'startedBy']);
/** Fields that hold a time in UTC milliseconds. */
export const TIME_FIELDS: ReadonlySet<string> = new Set(['reviewDueAt', 'dueAt', 'cutoff', 'before', 'olderThan', 'startsAt', 'endsAt']);
/** Fields that hold approval statuses (shown in the state vocabulary). */
export const STATUS_FIELDS: ReadonlySet<string> = new Set(['previousStatus', 'status']);
/** Per action, the fields that hold workflow ids. */
export const WORKFLOW_FIELDS_OF: Partial<Record<AuditAction, ReadonlySet<string>>> = {
  'assignment.changed': new Set(['from', 'to']),
  'assignment.cleared': new Set(['from']),
};

/** "previousStatus" → "Previous status". */
export function fieldLabel(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_.]/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
