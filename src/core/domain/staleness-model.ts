/** Staleness records (SPEC 2.4a), part of the domain model (model.ts re-exports them). */

/** SPEC 2.4a: what makes an approved page stale. */
export const STALENESS_POLICIES = ['any_version', 'content_change', 'content_change_tolerant'] as const;
export type StalenessPolicy = (typeof STALENESS_POLICIES)[number];

/** content_change_tolerant: edits stay within this before the page is stale. */
export interface StalenessTolerance {
  maxChangedChars: number;
  maxVersions: number;
}

/** SPEC 2.4a staleness fields of a workflow (absent: any_version), snapshotted into approvals. */
export interface StalenessTerms {
  stalenessPolicy?: StalenessPolicy;
  tolerance?: StalenessTolerance | null;
}

/** SPEC 2.4a: why an approved page is (or is not) stale. */
export type StalenessReason =
  | 'not_approved'
  | 'same_version'
  | 'new_version'
  | 'no_content_change'
  | 'content_changed'
  | 'within_tolerance'
  | 'beyond_tolerance'
  | 'HASH_UNAVAILABLE';

export interface Staleness {
  stale: boolean;
  reason: StalenessReason;
  versionDelta: number;
  /** content_change_tolerant, within tolerance: how far the page drifted since approval */
  drift?: { versions: number; changedChars: number };
}
