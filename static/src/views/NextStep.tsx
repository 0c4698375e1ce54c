/**
 * What the reader is expected to do next, at the top of the panel: after "changes requested", who
 * asked for what and (for whoever may request approval) to edit the page and request it again; for
 * a page due or expired for review, that its approval expires and how to recertify it.
 */
import SectionMessage from '@atlaskit/section-message';
import { Inline, Text } from '@atlaskit/primitives';
import type { PageStateView } from '../../../src/core/domain/model';
import { STATE_LABEL } from '../../../src/core/domain/vocabulary';
import { formatTime } from '../components/ui';
import { Person } from '../people';

export function NextStep({ status, canRequest }: { status: PageStateView; canRequest: boolean }) {
  const latest = status.latestApproval;
  if (status.state === 'changes_requested' && latest) {
    const rejection = [...latest.decisions].reverse().find((d) => d.decision === 'reject');
    return (
      <SectionMessage appearance="warning" title={STATE_LABEL.changes_requested} testId="changes-requested-guidance">
        <Inline space="space.050" alignBlock="center" shouldWrap>
          {rejection && <Person id={rejection.accountId} />}
          <Text>{rejection ? 'asked for changes' : 'Changes were requested'}</Text>
          {rejection?.comment && <Text as="em">“{rejection.comment}”</Text>}
        </Inline>
        {canRequest && <Text as="p">Edit the page, then request approval again.</Text>}
      </SectionMessage>
    );
  }
  if (canRequest && (status.reviewState === 'due' || status.reviewState === 'expired') && status.reviewDueAt !== null) {
    const expired = status.reviewState === 'expired';
    return (
      <SectionMessage appearance={expired ? 'error' : 'warning'} title={STATE_LABEL[expired ? 'review_expired' : 'review_due']} testId="review-guidance">
        <Text as="p">
          The approval of version {status.approvedAtVersion} {expired ? 'expired' : 'expires'} on {formatTime(status.reviewDueAt)}. Please request approval again to recertify it.
        </Text>
      </SectionMessage>
    );
  }
  return null;
}
