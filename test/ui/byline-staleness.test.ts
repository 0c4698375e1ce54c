/** The byline says what staleness means under the approval's policy (SPEC 2.4a), from the server's answer, in the one vocabulary. */
import { bylineOf } from '../../src/transport/byline/byline-properties';

const approved = { state: 'approved' as const, approvedAtVersion: 3, isStale: true, versionDelta: 2 };

it('shows a no-change edit as approved, small edits as approved with drift, and a failed comparison as not approved', () => {
  const noChange = bylineOf(approved, undefined, { stale: false, reason: 'no_content_change', versionDelta: 2 });
  expect([noChange.title, noChange.tooltip]).toEqual(['Approval: approved', 'Version 3 is approved; the 2 newer version(s) did not change the content.']);
  const drift = bylineOf(approved, undefined, { stale: false, reason: 'within_tolerance', versionDelta: 2, drift: { versions: 2, changedChars: 7 } });
  expect([drift.title, drift.tooltip]).toEqual(['Approval: approved', "Version 3 is approved; 7 character(s) in 2 small edit(s) since, within the workflow's tolerance."]);
  const unknown = bylineOf(approved, undefined, { stale: true, reason: 'HASH_UNAVAILABLE', versionDelta: 2 });
  expect([unknown.title, unknown.tooltip]).toEqual(['Approval: stale', 'Approved at version 3; the current content could not be compared, so it counts as not approved.']);
  expect(bylineOf(approved, undefined, { stale: true, reason: 'content_changed', versionDelta: 2 }).title).toBe('Approval: stale');
});
