/** The byline says what staleness means under the approval's policy (SPEC 2.4a), from the server's answer. */
import { bylineOf } from '../../src/transport/byline/byline-properties';

const approved = { state: 'approved' as const, approvedAtVersion: 3, isStale: true, versionDelta: 2 };

it('shows a no-change edit as approved, small edits as approved with drift, and a failed comparison as not approved', () => {
  expect(bylineOf(approved, undefined, { stale: false, reason: 'no_content_change', versionDelta: 2 }).title).toBe('Approved');
  expect(bylineOf(approved, undefined, { stale: false, reason: 'within_tolerance', versionDelta: 2, drift: { versions: 2, changedChars: 7 } }).title).toBe('Approved + 2 small edit(s)');
  expect(bylineOf(approved, undefined, { stale: true, reason: 'HASH_UNAVAILABLE', versionDelta: 2 }).title).toBe('Approved v3 · cannot compare');
  expect(bylineOf(approved, undefined, { stale: true, reason: 'content_changed', versionDelta: 2 }).title).toBe('Approved v3 · edited since');
});
