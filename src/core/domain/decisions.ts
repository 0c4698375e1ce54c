/**
 * The decision rules of SPEC 2.3 as a pure function: given a pending approval (with its effective
 * workflow snapshot), decide what one approver's decision does, or refuse with a stable code.
 */
import type { AuditAction, PageApproval } from './model';
import { DomainError } from './errors';
import { FIELD_LIMITS } from './limits';
import { activeStepOf, eligibleApprovers, expandApprovers } from './approvers';

export const MAX_COMMENT = FIELD_LIMITS.comment.max;
export const MIN_REJECTION_COMMENT = FIELD_LIMITS.rejectionComment.min;

export interface DecisionOutcome {
  approval: PageApproval;
  /** audit actions to record, in order (the decision, then step completion when a step moved on) */
  actions: AuditAction[];
  /** step index that completed, if any */
  completedStep?: number;
}

export function validateComment(decision: 'approve' | 'reject', comment: string | undefined): string | undefined {
  const text = comment?.trim() ?? '';
  if (text.length > MAX_COMMENT) {
    throw new DomainError('COMMENT_TOO_LONG', `A comment may have at most ${MAX_COMMENT} characters.`, [
      { field: 'comment', code: 'TOO_LONG', reason: `at most ${MAX_COMMENT} characters` },
    ]);
  }
  if (decision === 'reject' && text.length < MIN_REJECTION_COMMENT) {
    throw new DomainError('COMMENT_REQUIRED', `A rejection needs a comment of at least ${MIN_REJECTION_COMMENT} characters.`, [
      { field: 'comment', code: 'TOO_SHORT', reason: `at least ${MIN_REJECTION_COMMENT} characters for a rejection` },
    ]);
  }
  return text.length > 0 ? text : undefined;
}

/** Throws DomainError: conflict APPROVAL_NOT_PENDING / ALREADY_DECIDED, forbidden NOT_AN_APPROVER / SELF_APPROVAL_NOT_ALLOWED. */
export function applyDecision(
  approval: PageApproval,
  actorId: string,
  decision: 'approve' | 'reject',
  comment: string | undefined,
  groupMembers: ReadonlyMap<string, string[]>,
  now: number,
): DecisionOutcome {
  if (approval.status !== 'pending') {
    throw new DomainError('APPROVAL_NOT_PENDING', 'This approval is no longer pending.');
  }
  const snapshot = approval.workflowSnapshot;
  const stepIndex = approval.activeStep;
  const step = activeStepOf(approval);
  if (!expandApprovers(step, groupMembers).includes(actorId)) {
    throw new DomainError('NOT_AN_APPROVER', 'You are not an approver of the active step.');
  }
  if (decision === 'approve' && actorId === approval.submittedBy && !snapshot.allowSelfApproval) {
    throw new DomainError('SELF_APPROVAL_NOT_ALLOWED', 'You cannot approve your own submission.');
  }
  if (approval.decisions.some((d) => d.step === stepIndex && d.accountId === actorId)) {
    throw new DomainError('ALREADY_DECIDED', 'You already decided on this step.');
  }
  const text = validateComment(decision, comment);
  const decisions = [...approval.decisions, { step: stepIndex, accountId: actorId, decision, ...(text ? { comment: text } : {}), at: now }];
  const base = { ...approval, decisions, version: approval.version + 1 };

  if (decision === 'reject') {
    return { approval: { ...base, status: 'rejected', decidedAt: now }, actions: ['approval.rejected'] };
  }
  const approvedBy = new Set(decisions.filter((d) => d.step === stepIndex && d.decision === 'approve').map((d) => d.accountId));
  const required = eligibleApprovers(step, groupMembers, approval.submittedBy, snapshot.allowSelfApproval);
  const stepDone = step.mode === 'any' || required.every((a) => approvedBy.has(a));
  if (!stepDone) return { approval: base, actions: ['approval.approved'] };
  if (stepIndex === snapshot.steps.length - 1) {
    return { approval: { ...base, status: 'approved', decidedAt: now }, actions: ['approval.approved'], completedStep: stepIndex };
  }
  return {
    approval: { ...base, activeStep: stepIndex + 1 },
    actions: ['approval.approved', 'approval.step_completed'],
    completedStep: stepIndex,
  };
}
