/**
 * Macro (and byline popup) panel: state, versions, pending step with who approved and who is still
 * waited for, the actions the server says this person may take, history and change sets. After
 * every action: a flag, a refreshed panel, and the page-changed event for the byline.
 */
import { useCallback, useEffect } from 'react';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call, errorText } from '../api';
import { useAsync } from '../hooks';
import { announcePageChanged, useOnPageChanged } from '../page-events';
import type { PageApproval, PageStateView } from '../../../src/core/domain/model';
import { ApprovalStatusLozenge, ChangeSetLink, ChangeSetLozenge, ErrorMessage, Loading, ReviewLozenge, StateLozenge, formatTime } from '../components/ui';
import { Person } from '../people';
import { DecisionLine } from '../components/decision-line';
import { staleDetail } from '../../../src/core/domain/vocabulary';
import { PendingApproval } from './PendingApproval';
import { RequestAgain, RequestApproval } from './RequestApproval';
import { NextStep } from './NextStep';
import { ChangesSinceApproval } from '../components/changes-since-approval';
import { RestoreApproved } from '../components/restore-approved';
import { ApprovalReceiptDownload } from '../components/approval-receipt';

export function StateHeader({ status }: { status: PageStateView }) {
  return (
    <Inline space="space.100" alignBlock="center" shouldWrap>
      <StateLozenge state={status.state} stale={status.isStale} testId="approval-state" />
      {status.reviewState && <ReviewLozenge state={status.reviewState} dueAt={status.reviewDueAt} />}
      {status.isStale && (
        <Lozenge appearance="moved" testId="stale-warning">
          {status.staleness.reason === 'HASH_UNAVAILABLE' ? 'Cannot compare with the approved version' : staleDetail(status.versionDelta)}
        </Lozenge>
      )}
      {!status.isStale && status.staleness.reason === 'no_content_change' && (
        <Lozenge appearance="success" testId="no-content-change">
          No content change in {status.versionDelta} newer version{status.versionDelta === 1 ? '' : 's'}
        </Lozenge>
      )}
      {!status.isStale && status.staleness.reason === 'within_tolerance' && status.staleness.drift && (
        <Lozenge appearance="inprogress" testId="small-edits">
          Approved + {status.staleness.drift.versions} small edit{status.staleness.drift.versions === 1 ? '' : 's'} ({status.staleness.drift.changedChars} characters)
        </Lozenge>
      )}
      {status.approvedVia && <Text color="color.text.subtle" testId="approved-via">· approved with its change set as one</Text>}
      <Text color="color.text.subtle" testId="versions">
        Version {status.currentPageVersion}
        {status.approvedAtVersion !== null && <> · approved at version {status.approvedAtVersion}</>}
      </Text>
    </Inline>
  );
}

/** Reload when the person comes back to the tab: another view or person may have acted meanwhile. */
function useOnFocus(reload: () => void): void {
  useEffect(() => {
    const onVisible = () => document.visibilityState === 'visible' && reload();
    window.addEventListener('focus', reload);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('focus', reload);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [reload]);
}

export function PagePanel({ accountId, compact = false }: { accountId: string; compact?: boolean }) {
  const overview = useAsync(() => call('page.overview', {}), []);
  const caps = useAsync(() => call('ui.capabilities', { surface: 'page' }), []);
  const { reload: reloadOverview } = overview;
  const { reload: reloadCaps } = caps;
  const reload = useCallback(() => {
    reloadOverview();
    reloadCaps();
  }, [reloadOverview, reloadCaps]);
  useOnPageChanged(reload);
  useOnFocus(reload);
  const changed = useCallback(() => {
    reload();
    announcePageChanged();
  }, [reload]);

  if ((overview.loading && !overview.data) || (caps.loading && !caps.data)) return <Loading label="Loading approval status…" />;
  const failure = overview.error ?? caps.error;
  // Without an active licence there is nothing a reader can do about it: one calm sentence, no red error.
  if (failure && errorText(failure).code === 'LICENSE_INACTIVE') {
    return (
      <Text as="p" color="color.text.subtle" testId="licence-inactive">
        Page approvals are not available on this site at the moment.
      </Text>
    );
  }
  if (!overview.data || !caps.data || caps.data.surface !== 'page') return <ErrorMessage error={failure} onRetry={reload} />;
  const { status, history, changeSets, workflows } = overview.data;
  const can = caps.data.page;
  // Recertification (SPEC 2.7) is a resubmission under the page's own workflow: nothing to choose, one click.
  const reReview = can.request && (status.reviewState === 'due' || status.reviewState === 'expired');
  return (
    <Box padding="space.100" aria-busy={overview.loading} testId="page-panel">
      <Stack space="space.150">
        <StateHeader status={status} />
        {status.isStale && (
          <SectionMessage appearance="warning" title="Changed since approval">
            <Text as="p">
              {status.staleness.reason === 'HASH_UNAVAILABLE'
                ? 'The current content could not be compared with the approved version, so it counts as not approved.'
                : `This page has ${status.versionDelta} newer version${status.versionDelta === 1 ? '' : 's'} than the approved version ${status.approvedAtVersion}.`}
              {can.request ? ' Request approval again to approve the current version.' : ''}
            </Text>
          </SectionMessage>
        )}
        <NextStep status={status} canRequest={can.request} />
        {status.state === 'approved' && status.versionDelta > 0 && <ChangesSinceApproval pageId={status.pageId} />}
        {can.restore && <RestoreApproved status={status} onRestored={changed} />}
        {status.state === 'approved' && <ApprovalReceiptDownload status={status} />}
        {status.pending && <PendingApproval status={status} accountId={accountId} can={can} onChanged={changed} />}
        {reReview && <RequestAgain onSubmitted={changed} />}
        {can.request && !reReview && <RequestApproval workflows={workflows.filter((w) => w.enabled)} onSubmitted={changed} />}
        {!status.pending && can.requestRefusal?.code === 'NO_EDIT_PERMISSION' && (
          <Text as="p" color="color.text.subtle" testId="no-request-sentence">
            Only people who can edit this page can request its approval.
          </Text>
        )}
        {!compact && (
          <>
            <History approvals={history} />
            <section aria-labelledby="cs-title">
              <Stack space="space.050">
                <Heading size="xsmall" as="h3" id="cs-title">
                  Change sets
                </Heading>
                {changeSets.length === 0 ? (
                  <Text color="color.text.subtle">This page is not in any change set.</Text>
                ) : (
                  <Stack as="ul" space="space.050">
                    {changeSets.map((cs) => (
                      <Inline as="li" key={cs.id} space="space.100" alignBlock="center">
                        <ChangeSetLozenge state={cs.rollupState} archived={cs.status === 'archived'} />
                        <ChangeSetLink changeSetId={cs.id} title={cs.title} />
                      </Inline>
                    ))}
                  </Stack>
                )}
              </Stack>
            </section>
          </>
        )}
      </Stack>
    </Box>
  );
}

function History({ approvals }: { approvals: PageApproval[] }) {
  return (
    <section aria-labelledby="history-title">
      <Stack space="space.050">
        <Heading size="xsmall" as="h3" id="history-title">
          History
        </Heading>
        {approvals.length === 0 ? (
          <Text color="color.text.subtle">No approval requests yet.</Text>
        ) : (
          <Stack as="ol" space="space.100" testId="history">
            {approvals.map((a) => (
              <Box as="li" key={a.id}>
                <Inline space="space.075" alignBlock="center" shouldWrap>
                  <ApprovalStatusLozenge status={a.status} />
                  <Text>
                    Version {a.pageVersion} · {a.workflowSnapshot.name} · requested by
                  </Text>
                  <Person id={a.submittedBy} />
                  <Text color="color.text.subtle">{formatTime(a.submittedAt)}</Text>
                  {a.source === 'api' && <Lozenge appearance="new">API</Lozenge>}
                </Inline>
                {a.decisions.length > 0 && (
                  <Stack as="ul" space="space.050">
                    {a.decisions.map((d, i) => (
                      <DecisionLine key={i} decision={d} as="li" />
                    ))}
                  </Stack>
                )}
              </Box>
            ))}
          </Stack>
        )}
      </Stack>
    </section>
  );
}
