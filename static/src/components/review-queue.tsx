/**
 * The queue's "due or expired" filter (SPEC 2.7): approved pages of the space whose review is due or
 * has expired, soonest due first, each with its review state and due date (resolver `queue.review`),
 * and "Request approval again" where the server says the reader may recertify the page (one click:
 * a resubmission under the page's own workflow).
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import { Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { ReviewQueueItem } from '../../../src/core/lifecycle/types';
import { ErrorMessage, LoadMore, PageLink, ReviewLozenge, formatTime } from './ui';
import { DataTable } from './data-table';
import { useFlag } from './feedback';

export function ReviewQueue() {
  const [items, setItems] = useState<{ list: ReviewQueueItem[]; nextCursor?: string }>();
  const first = useAsync(async () => {
    const r = await call('queue.review', { limit: 50 });
    setItems({ list: r.items, nextCursor: r.nextCursor });
    return r;
  }, []);
  const more = useAction(
    () => call('queue.review', { limit: 50, cursor: items?.nextCursor }),
    (r) => setItems((p) => ({ list: [...(p?.list ?? []), ...r.items], nextCursor: r.nextCursor })),
  );
  const flag = useFlag();
  const again = useAction(
    (item: ReviewQueueItem) => call('page.submit', { pageId: item.pageId }),
    (r) => {
      flag('Approval requested', 'The approvers were asked to approve the current version again.');
      setItems((p) => p && { ...p, list: p.list.filter((i) => i.pageId !== r.approval.pageId) });
    },
  );
  const rows = (items?.list ?? []).map((i) => ({
    key: i.approvalId,
    testId: 'review-row',
    cells: [
      { key: 'page', content: <PageLink pageId={i.pageId} title={i.title} /> },
      { key: 'state', content: <ReviewLozenge state={i.reviewState} dueAt={null} /> },
      { key: 'due', content: <Text testId="review-due">{formatTime(i.reviewDueAt)}</Text> },
      { key: 'workflow', content: i.workflowName },
      { key: 'version', content: i.approvedAtVersion },
      {
        key: 'action',
        content: i.canRequest ? (
          <Button testId="review-request-again" isDisabled={again.busy} onClick={() => void again.run(i)}>
            Request approval again
          </Button>
        ) : (
          ''
        ),
      },
    ],
  }));
  return (
    <Stack space="space.200">
      <ErrorMessage error={first.error ?? more.error ?? again.error} onRetry={first.reload} />
      <DataTable
        testId="review-table"
        label="Pages due or expired for review"
        isLoading={first.loading && !items}
        columns={{ page: 'Page', state: 'Review state', due: 'Review due by', workflow: 'Approved under', version: 'Approved version', action: 'Action' }}
        rows={rows}
        emptyView={<Text as="p">No page of this space is due or expired for review.</Text>}
      />
      <LoadMore cursor={items?.nextCursor} more={more} />
    </Stack>
  );
}
