/**
 * Reminder rules (SPEC 2.8) as pure functions. The review terms and state they build on are domain
 * rules (domain/review.ts).
 */
import type { PageApproval } from '../domain/model';

/** When the active step started waiting: submission for step 1, else the decision that completed the step before. */
export function stepStartedAt(approval: PageApproval): number {
  if (approval.activeStep === 0) return approval.submittedAt;
  const previous = approval.decisions.filter((d) => d.step === approval.activeStep - 1);
  return previous.length > 0 ? Math.max(...previous.map((d) => d.at)) : approval.submittedAt;
}

/** Reminders after this many are escalations (SPEC 2.8: space admins are @mentioned too). */
export const REMINDERS_BEFORE_ESCALATION = 3;
