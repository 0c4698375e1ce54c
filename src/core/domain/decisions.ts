/**
 * The decision rules of SPEC 2.3 as a pure function: given a pending approval (with its effective
 * workflow snapshot), decide what one approver's decision does, or refuse with a stable code.
 */
import type { AuditAction, Decision, PageApproval } from './model';
import { DomainError } from './errors';
import { FIELD_LIMITS } from './limits';
import { activeStepOf } from './approvers';
import type { StepPeople } from './step-composition';
import { countsToward, evaluateStep, membersOf, rejectionMatters, slotHolder, stepGroups } from './step-composition';

export const MAX_COMMENT = FIELD_LIMITS.comment.max;
export const MIN_REJECTION_COMMENT = FIELD_LIMITS.rejectionComment.min;

/** What the decision rules read and write: a page approval, or an atomic change set's set approval (SPEC 2.5a). */
export type Decidable = Pick<PageApproval, 'workflowSnapshot' | 'activeStep' | 'decisions' | 'submittedBy' | 'version' | 'decidedAt'> & { status: string };

export interface DecisionOutcome<T extends Decidable = PageApproval> {
  approval: T;
  /** audit actions to record, in order (the decision, then step completion when a step moved on) */
  actions: AuditAction[];
  /** step index that completed, if any */
  completedStep?: number;
  /** SPEC 2.3a: the last step is decided, and the final approval waits for this many more different approvers */
  awaitingApprovers?: number;
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

export interface DecisionOptions {
  /** SPEC 2.3a: people separation of duties excludes from this approval */
  excluded?: ReadonlySet<string>;
  /** SPEC 2.3b: the actor decides for this delegator's slot, under this delegation */
  onBehalfOf?: string;
  delegationId?: string;
  /** SPEC 2.3a/2.5a `sod.changeSetMinDistinctApprovers`: the final approval waits for this many different approvers */
  minDistinctApprovers?: number;
}

/** The different people who approved (the acting person: a delegate counts as themselves, not as the person they stand in for). */
export function distinctApprovers(decisions: readonly Decision[]): Set<string> {
  return new Set(decisions.filter((d) => d.decision === 'approve').map((d) => d.accountId));
}

/** SPEC 2.3a: how many more different people must approve the set before its final approval (0: none, or enough already). */
export function missingDistinctApprovers(approval: Decidable, min = Number(approval.workflowSnapshot.sod?.changeSetMinDistinctApprovers ?? 0)): number {
  return Math.max(0, min - distinctApprovers(approval.decisions).size);
}

/**
 * SPEC 2.3a at the final approval of a set: the last step is decided but fewer than `min` different
 * people approved, so an approval by someone new is still wanted (and only that keeps the set moving).
 */
function wantsAnotherApprover(approval: Decidable, min: number): boolean {
  return approval.activeStep === approval.workflowSnapshot.steps.length - 1 && missingDistinctApprovers(approval, min) > 0;
}

/** Who may fill a slot of the approval's steps: not the submitter (unless self-approval is on), nobody SoD excludes. */
export function stepPeople(approval: Decidable, groupMembers: ReadonlyMap<string, string[]>, excluded: ReadonlySet<string> = new Set()): StepPeople {
  const allowSelf = approval.workflowSnapshot.allowSelfApproval;
  return { groupMembers, isEligible: (p) => (allowSelf || p !== approval.submittedBy) && !excluded.has(p) };
}

/**
 * Throws DomainError: conflict APPROVAL_NOT_PENDING / ALREADY_DECIDED / STEP_ALREADY_SATISFIED_FOR_YOU,
 * forbidden NOT_AN_APPROVER / SELF_APPROVAL_NOT_ALLOWED / SOD_VIOLATION.
 */
export function applyDecision<T extends Decidable>(
  approval: T,
  actorId: string,
  decision: 'approve' | 'reject',
  comment: string | undefined,
  groupMembers: ReadonlyMap<string, string[]>,
  now: number,
  options: DecisionOptions = {},
): DecisionOutcome<T> {
  if (approval.status !== 'pending') {
    throw new DomainError('APPROVAL_NOT_PENDING', 'This approval is no longer pending.');
  }
  const snapshot = approval.workflowSnapshot;
  const stepIndex = approval.activeStep;
  const step = activeStepOf(approval);
  const holder = options.onBehalfOf ?? actorId;
  const members = new Set(stepGroups(step).flatMap((g) => membersOf(g, groupMembers)));
  if (!members.has(holder)) {
    throw new DomainError('NOT_AN_APPROVER', 'You are not an approver of the active step.');
  }
  if (decision === 'approve' && (actorId === approval.submittedBy || holder === approval.submittedBy) && !snapshot.allowSelfApproval) {
    throw new DomainError('SELF_APPROVAL_NOT_ALLOWED', 'You cannot approve your own submission.');
  }
  if (options.excluded?.has(actorId)) {
    throw new DomainError('SOD_VIOLATION', 'Separation of duties excludes you from this decision: you edited the page under approval, or decided another step of it.');
  }
  if (approval.decisions.some((d) => d.step === stepIndex && (d.accountId === actorId || slotHolder(d) === holder))) {
    throw new DomainError('ALREADY_DECIDED', 'You already decided on this step.');
  }
  const people = stepPeople(approval, groupMembers, options.excluded);
  const min = options.minDistinctApprovers ?? 0;
  const newApprover = wantsAnotherApprover(approval, min) && !distinctApprovers(approval.decisions).has(actorId);
  const matters =
    decision === 'approve' ? countsToward(step, approval.decisions, stepIndex, holder, people).length > 0 || newApprover : rejectionMatters(step, approval.decisions, stepIndex, holder, people);
  if (!matters) {
    if (decision === 'approve' && wantsAnotherApprover(approval, min)) {
      throw new DomainError('DISTINCT_APPROVER_REQUIRED', `This change set needs approvals from ${min} different people; you have already approved it, so someone else must approve.`);
    }
    throw new DomainError('STEP_ALREADY_SATISFIED_FOR_YOU', 'Every group you belong to in this step already has the approvals it needs; your decision would not count.');
  }
  const text = validateComment(decision, comment);
  const made: Decision = {
    step: stepIndex,
    accountId: actorId,
    decision,
    ...(text ? { comment: text } : {}),
    at: now,
    ...(options.onBehalfOf ? { onBehalfOf: options.onBehalfOf } : {}),
    ...(options.delegationId ? { delegationId: options.delegationId } : {}),
  };
  const decisions = [...approval.decisions, made];
  const base = { ...approval, decisions, version: approval.version + 1 };
  return outcomeOf(base, evaluateStep(step, decisions, stepIndex, people), decision, now, min);
}

/** What a recorded decision does to the approval: rejected by the step's policy, waiting, the next step, or approved. */
function outcomeOf<T extends Decidable>(base: T, result: { rejected: boolean; complete: boolean }, decision: 'approve' | 'reject', now: number, minDistinct: number): DecisionOutcome<T> {
  const stepIndex = base.activeStep;
  if (result.rejected) return { approval: { ...base, status: 'rejected', decidedAt: now }, actions: ['approval.rejected'] };
  if (decision === 'reject') return { approval: base, actions: ['approval.rejected'] };
  if (!result.complete) return { approval: base, actions: ['approval.approved'] };
  if (stepIndex === base.workflowSnapshot.steps.length - 1) {
    // the last step is decided, but the final approval waits for enough different approvers (SPEC 2.3a)
    const short = missingDistinctApprovers(base, minDistinct);
    if (short > 0) return { approval: base, actions: ['approval.approved'], awaitingApprovers: short };
    return { approval: { ...base, status: 'approved', decidedAt: now }, actions: ['approval.approved'], completedStep: stepIndex };
  }
  return { approval: { ...base, activeStep: stepIndex + 1 }, actions: ['approval.approved', 'approval.step_completed'], completedStep: stepIndex };
}

export interface DecisionPreview {
  countsToward: string[];
  completesStep: boolean;
  completesApproval: boolean;
}

/**
 * What the caller's approval of an atomic set would do now (SPEC 2.1a, 2.5a): the page preview's
 * answer, plus the wait for more different approvers (2.3a) and, when `changeset.decide` would
 * refuse the approval, its code and sentence.
 */
export interface SetDecisionPreview extends DecisionPreview {
  /** the approval would be recorded (it may count toward no group: a new person the set still waits for) */
  counts: boolean;
  /** after it, the set still waits for approvals from this many more different people */
  awaitingApprovers?: number;
  /** the slot it would fill is this delegator's (SPEC 2.3b) */
  onBehalfOf?: string;
  refusal?: { code: string; message: string };
}

/** SPEC 2.1a `approval.decisionPreview`: what an approval by `holder` would do now (nothing for someone who may not decide). */
export function previewDecision(approval: PageApproval, holder: string, groupMembers: ReadonlyMap<string, string[]>, excluded: ReadonlySet<string> = new Set()): DecisionPreview {
  const none = { countsToward: [], completesStep: false, completesApproval: false };
  if (approval.status !== 'pending') return none;
  const people = stepPeople(approval, groupMembers, excluded);
  if (!people.isEligible(holder)) return none;
  const step = activeStepOf(approval);
  const counts = countsToward(step, approval.decisions, approval.activeStep, holder, people);
  if (counts.length === 0) return none;
  const after = [...approval.decisions, { step: approval.activeStep, accountId: holder, decision: 'approve' as const, at: Number.MAX_SAFE_INTEGER }];
  const completesStep = evaluateStep(step, after, approval.activeStep, people).complete;
  return { countsToward: counts, completesStep, completesApproval: completesStep && approval.activeStep === approval.workflowSnapshot.steps.length - 1 };
}
