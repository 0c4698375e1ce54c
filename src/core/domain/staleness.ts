/**
 * Is an approved page stale? (SPEC 2.4a) A pure function of the latest approval (its policy is the
 * snapshot it was approved under), the page's current version and what could be learned about the
 * current content. Fail closed: a content policy that cannot compare is stale, HASH_UNAVAILABLE.
 */
import type { Staleness, StalenessPolicy } from './model';
import type { PageLatest } from './page-state';

/** What the caller could find out about the current version's content. */
export interface ContentEvidence {
  /** content hash (hashAlg v1) of the current version; undefined when it could not be computed */
  currentHash?: string;
  /** content_change_tolerant: how far the text moved since the approved version; undefined when unknown */
  drift?: { versions: number; changedChars: number };
}

export function policyOf(approval: PageLatest): StalenessPolicy {
  return approval.workflowSnapshot.stalenessPolicy ?? 'any_version';
}

/** Whether deriving staleness needs the current version's content at all. */
export function needsContent(latest: PageLatest | undefined, currentVersion: number): latest is PageLatest {
  return latest?.status === 'approved' && currentVersion > latest.pageVersion && policyOf(latest) !== 'any_version';
}

export function deriveStaleness(latest: PageLatest | undefined, currentVersion: number, evidence: ContentEvidence = {}): Staleness {
  if (latest?.status !== 'approved') return { stale: false, reason: 'not_approved', versionDelta: 0 };
  const versionDelta = Math.max(0, currentVersion - latest.pageVersion);
  if (versionDelta === 0) return { stale: false, reason: 'same_version', versionDelta };
  const policy = policyOf(latest);
  if (policy === 'any_version') return { stale: true, reason: 'new_version', versionDelta };
  if (!latest.contentHash || evidence.currentHash === undefined) return { stale: true, reason: 'HASH_UNAVAILABLE', versionDelta };
  if (evidence.currentHash === latest.contentHash) return { stale: false, reason: 'no_content_change', versionDelta };
  if (policy === 'content_change') return { stale: true, reason: 'content_changed', versionDelta };
  const tolerance = latest.workflowSnapshot.tolerance;
  if (!tolerance || !evidence.drift) return { stale: true, reason: 'HASH_UNAVAILABLE', versionDelta };
  const within = evidence.drift.changedChars <= tolerance.maxChangedChars && evidence.drift.versions <= tolerance.maxVersions;
  return within ? { stale: false, reason: 'within_tolerance', versionDelta, drift: evidence.drift } : { stale: true, reason: 'beyond_tolerance', versionDelta, drift: evidence.drift };
}

/**
 * An approved page that changed when its current version cannot be read at all (the app is not in
 * its restrictions): at least one newer version, no content evidence, so the same rule fails closed
 * (`new_version` under any_version, `HASH_UNAVAILABLE` under a content policy).
 */
export function stalenessUnread(latest: PageLatest): Staleness {
  return deriveStaleness(latest, latest.pageVersion + 1);
}
