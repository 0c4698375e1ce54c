/**
 * Review terms and the review state of an approved page (SPEC 2.7) as pure rules: the domain needs
 * them (eligibility lets a due or expired page be submitted again), so they live on its floor; the
 * lifecycle use cases (lifecycle/*) schedule and announce from them.
 *
 * The terms travel in the approval's workflow snapshot, so they follow SPEC 2.1's in-flight rule:
 * a pending approval without decisions adopts the workflow's current terms, one with decisions keeps
 * the terms it started with, and a decided approval keeps the terms it was decided under. Adding a
 * review period to a workflow therefore never recalculates approvals made before it.
 */
import type { PageApproval, ReviewPeriodDays, ReviewState, Workflow } from './model';
import type { PageLatest } from './page-state';
import { DAY_MS } from './time';
import { DomainError } from './errors';

export const DEFAULT_REMINDER_WINDOW_DAYS = 14;

export interface ReviewTerms {
  reviewPeriodDays: ReviewPeriodDays | null;
  reminderWindowDays: number;
  remindAfterDays: number | null;
}

type TermsSource = Pick<Workflow, 'reviewPeriodDays' | 'reminderWindowDays' | 'remindAfterDays'>;

/** The terms with their defaults applied (workflows stored before these fields existed have none). */
export function reviewTermsOf(source: TermsSource): ReviewTerms {
  return {
    reviewPeriodDays: source.reviewPeriodDays ?? null,
    reminderWindowDays: source.reminderWindowDays ?? DEFAULT_REMINDER_WINDOW_DAYS,
    remindAfterDays: source.remindAfterDays ?? null,
  };
}

/**
 * SPEC 2.1: a reminder window only with a review period. Without one the window holds its default
 * (what reads return, so an exported workflow imports again); any other window is refused.
 */
export function validateReviewTerms(source: TermsSource): void {
  const terms = reviewTermsOf(source);
  if (terms.reviewPeriodDays !== null || terms.reminderWindowDays === DEFAULT_REMINDER_WINDOW_DAYS) return;
  throw new DomainError('INVALID_REQUEST', 'A reminder window needs a review period: set reviewPeriodDays or leave reminderWindowDays out.', [
    { field: 'reminderWindowDays', code: 'NOT_ALLOWED', reason: 'only with reviewPeriodDays' },
  ]);
}

export interface ReviewSchedule {
  /** when the page turns `due` (reviewDueAt - window) */
  dueFrom: number;
  /** when the page turns `expired` */
  reviewDueAt: number;
}

/** Only an approved approval decided under a review period has a schedule. */
export function reviewSchedule(approval: PageLatest): ReviewSchedule | undefined {
  const terms = reviewTermsOf(approval.workflowSnapshot);
  if (approval.status !== 'approved' || approval.decidedAt === undefined || terms.reviewPeriodDays === null) return undefined;
  const reviewDueAt = approval.decidedAt + terms.reviewPeriodDays * DAY_MS;
  // a window longer than the period would make a page due the moment it is approved: cap it
  const windowMs = Math.min(terms.reminderWindowDays, terms.reviewPeriodDays) * DAY_MS;
  return { dueFrom: reviewDueAt - windowMs, reviewDueAt };
}

export interface ReviewView {
  reviewState: ReviewState | null;
  reviewDueAt: number | null;
}

/** `current` until dueFrom, `due` from then, `expired` from reviewDueAt on; null without a schedule. */
export function deriveReview(latest: PageLatest | undefined, now: number): ReviewView {
  const schedule = latest ? reviewSchedule(latest) : undefined;
  if (!schedule) return { reviewState: null, reviewDueAt: null };
  return { reviewState: reviewStateAt(schedule, now), reviewDueAt: schedule.reviewDueAt };
}

export function reviewStateAt(schedule: ReviewSchedule, now: number): ReviewState {
  if (now >= schedule.reviewDueAt) return 'expired';
  return now >= schedule.dueFrom ? 'due' : 'current';
}

/** When the active step started waiting (reminders count from it, SPEC 2.8): submission for step 1, else the decision that completed the step before. */
export function stepStartedAt(approval: PageApproval): number {
  if (approval.activeStep === 0) return approval.submittedAt;
  const previous = approval.decisions.filter((d) => d.step === approval.activeStep - 1);
  return previous.length > 0 ? Math.max(...previous.map((d) => d.at)) : approval.submittedAt;
}

/** Reminders after this many are escalations (SPEC 2.8: space admins are @mentioned too). */
export const REMINDERS_BEFORE_ESCALATION = 3;
