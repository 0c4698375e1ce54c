/**
 * A workflow's staleness terms (SPEC 2.4a): their one normal form and their one rule. Absent policy
 * means any_version; a tolerance exists only with content_change_tolerant.
 */
import { DomainError } from './errors';
import type { StalenessTerms } from './model';

/** The terms as stored and snapshotted: only what differs from the default is kept. */
export function stalenessTermsOf(source: StalenessTerms): StalenessTerms {
  const policy = source.stalenessPolicy ?? 'any_version';
  if (policy === 'any_version') return {};
  return { stalenessPolicy: policy, ...(policy === 'content_change_tolerant' && source.tolerance ? { tolerance: { ...source.tolerance } } : {}) };
}

/**
 * Tolerance needs its bounds; and is refused where exactness is owed: with a review period
 * (recertified records) or a step that requires signatures (a one-word change can flip meaning).
 */
export function validateStalenessTerms(workflow: StalenessTerms & { reviewPeriodDays?: number | null; steps: ReadonlyArray<object> }): void {
  const policy = workflow.stalenessPolicy ?? 'any_version';
  if (policy !== 'content_change_tolerant') {
    if (workflow.tolerance) {
      throw new DomainError('INVALID_REQUEST', 'A tolerance applies only to the content_change_tolerant policy.', [{ field: 'tolerance', code: 'NOT_ALLOWED', reason: 'only with stalenessPolicy content_change_tolerant' }]);
    }
    return;
  }
  if (!workflow.tolerance) {
    throw new DomainError('INVALID_REQUEST', 'The content_change_tolerant policy needs a tolerance.', [{ field: 'tolerance', code: 'REQUIRED', reason: 'maxChangedChars 1..200 and maxVersions 1..10' }]);
  }
  // Hook for step signatures (issue 21): any step whose `signature.required` is true.
  const signed = workflow.steps.some((step) => (step as { signature?: { required?: unknown } }).signature?.required === true);
  if (signed || (workflow.reviewPeriodDays ?? null) !== null) {
    throw new DomainError('POLICY_NOT_ALLOWED', 'Tolerant staleness is not allowed on a workflow with signatures or a review period: those records must match exactly.', [
      { field: 'stalenessPolicy', code: 'POLICY_NOT_ALLOWED', reason: 'use content_change or any_version with signatures or a review period' },
    ]);
  }
}
