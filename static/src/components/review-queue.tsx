/**
 * The queue's "due or expired" filter (SPEC 2.7): approved pages of the space whose review is due or
 * has expired, soonest due first, each with its review state and due date (resolver `queue.review`).
 */
import { useState } from 'react';
import { Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { ReviewQueueItem } from '../../../src/core/lifecycle/types';
import { ErrorMessage, LoadMore, PageLink, ReviewLozenge, formatTime } from './ui';
import { DataTable } from './data-table';

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
  const rows = (items?.list ?? []).map((i) => ({
    key: i.approvalId,
    testId: 'review-row',
    cells: [
      { key: 'page', content: <PageLink pageId={i.pageId} title={i.title} /> },
      { key: 'state', content: <ReviewLozenge state={i.reviewState} dueAt={null} /> },
      { key: 'due', content: <Text testId="review-due">{formatTime(i.reviewDueAt)}</Text> },
      { key: 'workflow', content: i.workflowName },
      { key: 'version', content: i.approvedAtVersion },
    ],
  }));
  return (
    <Stack space="space.200">
      <ErrorMessage error={first.error ?? more.error} onRetry={first.reload} />
      <DataTable
        testId="review-table"
        label="Pages due or expired for review"
        isLoading={first.loading && !items}
        columns={{ page: 'Page', state: 'Review state', due: 'Review due by', workflow: 'Approved under', version: 'Approved version' }}
        rows={rows}
        emptyView={<Text as="p">No page of this space is due or expired for review.</Text>}
      />
      <LoadMore cursor={items?.nextCursor} more={more} />
    </Stack>
  );
}
