/**
 * The due-date index is written in the SAME transaction as the change that creates the work, so a
 * committed approval always has its review notices and reminders scheduled, and a crash leaves
 * neither. Entries are never updated: an entry that no longer applies (the approval moved on, was
 * superseded or reset) is recognised and dropped when the daily job reaches it.
 */
import type { PageApproval } from '../domain/model';
import type { TxOp } from '../ports/store';
import { lcKeys, task } from './lifecycle-keys';
import { reviewSchedule, reviewTermsOf } from '../domain/review';
import { DAY_MS } from '../domain/time';
import { stepStartedAt } from '../domain/review';
import type { DueEntry } from './lifecycle-schemas';

export function dueEntryOp(entry: DueEntry): TxOp {
  const name = entry.kind === 'remind' ? task.remind(entry.step, entry.n) : entry.kind === 'review-due' ? task.reviewDue : task.reviewExpired;
  return { op: 'put', key: lcKeys.due(entry.at, entry.approvalId, name), value: entry };
}

/** The first reminder of the approval's active step, if its workflow asks for reminders. */
function firstReminderOps(approval: PageApproval): TxOp[] {
  const days = reviewTermsOf(approval.workflowSnapshot).remindAfterDays;
  if (approval.status !== 'pending' || days === null) return [];
  const at = stepStartedAt(approval) + days * DAY_MS;
  const { id: approvalId, pageId, spaceId, activeStep: step } = approval;
  return [dueEntryOp({ kind: 'remind', approvalId, pageId, spaceId, at, step, n: 1 })];
}

function resolvedOp(approval: PageApproval): TxOp[] {
  if (approval.status === 'pending' || approval.decidedAt === undefined) return [];
  return [{ op: 'put', key: lcKeys.resolved(approval.decidedAt, approval.id), value: { approvalId: approval.id, pageId: approval.pageId } }];
}

/** Ops to add to a submission's transaction. */
export function onSubmitted(approval: PageApproval): TxOp[] {
  return firstReminderOps(approval);
}

/**
 * Ops to add to a decision's transaction (`before` is the effective approval the decision applied
 * to): review notices when it approves, the next step's first reminder when the step moved on, the
 * resolution time when it left `pending`.
 */
export function onDecided(before: PageApproval, after: PageApproval): TxOp[] {
  if (after.status === 'pending') return after.activeStep !== before.activeStep ? firstReminderOps(after) : [];
  const ops = resolvedOp(after);
  const schedule = reviewSchedule(after);
  if (schedule) {
    const { id: approvalId, pageId, spaceId } = after;
    ops.push(
      { op: 'put', key: lcKeys.review(spaceId, schedule.dueFrom, approvalId), value: { approvalId, pageId } },
      dueEntryOp({ kind: 'review-due', approvalId, pageId, spaceId, at: schedule.dueFrom }),
      dueEntryOp({ kind: 'review-expired', approvalId, pageId, spaceId, at: schedule.reviewDueAt }),
    );
  }
  return ops;
}

/** Ops to add when an approval is cancelled or reset. */
export function onCancelled(approval: PageApproval): TxOp[] {
  return resolvedOp(approval);
}
