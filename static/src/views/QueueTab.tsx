/**
 * Space page → Approval queue: pending approvals, "waiting for me" first. Pages and change sets
 * appear by title and link to them; an approver can approve right here (when the server says so)
 * or open the page to request changes; space admins can reset a stuck approval after confirming.
 * A third filter lists the pages due or expired for review (components/review-queue.tsx).
 */
import { useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import DropdownMenu, { DropdownItem, DropdownItemGroup } from '@atlaskit/dropdown-menu';
import Lozenge from '@atlaskit/lozenge';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import VisuallyHidden from '@atlaskit/visually-hidden';
import { router } from '@forge/bridge';
import { ChangesSinceApproval } from '../components/changes-since-approval';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { PageApproval, QueueItem } from '../../../src/core/domain/model';
import { ChangeSetLink, ErrorMessage, LoadMore, PageLink, formatTime } from '../components/ui';
import { useFlag } from '../components/feedback';
import { useConfirm } from '../components/confirm';
import { ReviewQueue } from '../components/review-queue';
import { Person, useNameOf } from '../people';
import type { SpaceTabProps } from './space-tab';
import { DataTable } from '../components/data-table';
import { queueEmptyText } from '../format';
import { GroupCounts } from './StepGroups';

type SourceOption = { label: string; value: '' | 'ui' | 'api' };
const SOURCES: SourceOption[] = [
  { label: 'Any source', value: '' },
  { label: 'Confluence', value: 'ui' },
  { label: 'REST API', value: 'api' },
];

/** Approve in the queue, offered only when the server says this person may decide now. */
function QuickDecision({ approval, onDone }: { approval: PageApproval; onDone: () => void }) {
  const flag = useFlag();
  const caps = useAsync(() => call('ui.capabilities', { surface: 'page', pageId: approval.pageId }), [approval.id]);
  const approve = useAction(
    () => call('approval.decide', { approvalId: approval.id, decision: 'approve' }),
    () => {
      flag('Approved', 'The requester was notified.');
      onDone();
    },
    () => onDone(),
  );
  if (!caps.data || caps.data.surface !== 'page' || !caps.data.page.decide) return null;
  return (
    <Inline space="space.050">
      <Button appearance="primary" spacing="compact" testId="queue-approve" isDisabled={approve.busy} onClick={() => void approve.run()}>
        Approve
      </Button>
      <Button spacing="compact" onClick={() => void router.navigate({ target: 'contentView', contentId: approval.pageId })}>
        Review…
      </Button>
    </Inline>
  );
}

type QueueMode = 'mine' | 'requested' | 'all' | 'review';
const MODES: { mode: QueueMode; label: string }[] = [
  { mode: 'mine', label: 'Waiting for me' },
  { mode: 'requested', label: 'Requested by me' },
  { mode: 'all', label: 'All pending' },
  { mode: 'review', label: 'Review due or expired' },
];

export function QueueTab({ caps }: SpaceTabProps) {
  const [mode, setMode] = useState<QueueMode>('mine');
  return (
    <Stack space="space.200">
      <Inline space="space.050" role="group" aria-label="Which approvals">
        {MODES.map((m) => (
          <Button key={m.mode} appearance={mode === m.mode ? 'primary' : 'default'} aria-pressed={mode === m.mode} onClick={() => setMode(m.mode)} testId={`queue-${m.mode}`}>
            {m.label}
          </Button>
        ))}
      </Inline>
      {mode === 'review' ? <ReviewQueue /> : <PendingQueue key={mode} caps={caps} mine={mode === 'mine'} requestedByMe={mode === 'requested'} />}
    </Stack>
  );
}

function PendingQueue({ caps, mine, requestedByMe }: { caps: SpaceTabProps['caps']; mine: boolean; requestedByMe: boolean }) {
  const flag = useFlag();
  const confirm = useConfirm();
  const [items, setItems] = useState<{ list: QueueItem[]; nextCursor?: string }>();
  const [text, setText] = useState('');
  const [source, setSource] = useState<SourceOption>(SOURCES[0]);
  const first = useAsync(async () => {
    const r = await call('queue.list', { mine, requestedByMe, limit: 50 });
    setItems({ list: r.approvals, nextCursor: r.nextCursor });
    return r;
  }, [mine, requestedByMe]);
  const more = useAction(
    () => call('queue.list', { mine, requestedByMe, limit: 50, cursor: items?.nextCursor }),
    (r) => setItems((p) => ({ list: [...(p?.list ?? []), ...r.approvals], nextCursor: r.nextCursor })),
  );
  const pageIds = useMemo(() => [...new Set((items?.list ?? []).map((a) => a.pageId))], [items]);
  const titles = useAsync(async () => (pageIds.length ? (await call('ui.pageTitles', { pageIds: pageIds.slice(0, 100) })).pages : {}), [pageIds.join(',')]);
  const changeSets = useAsync(async () => {
    const r = await call('changeSet.list', { limit: 100 });
    return Object.fromEntries(r.changeSets.map((cs) => [cs.id, cs.title]));
  }, []);
  const reset = useAction(
    (pageId: string) => call('approval.reset', { pageId }),
    () => {
      flag('Approval reset', 'The page is back to “not requested”; nobody is waited for any more.');
      first.reload();
    },
  );
  const nameOf = useNameOf();
  const titleOf = (pageId: string) => titles.data?.[pageId]?.title;
  const needle = text.trim().toLowerCase();
  const shown = (items?.list ?? []).filter(
    (a) =>
      (!source.value || a.source === source.value) &&
      (!needle ||
        [titleOf(a.pageId) ?? '', nameOf(a.submittedBy) ?? '', a.workflowSnapshot.name, changeSets.data?.[a.changeSetId ?? ''] ?? ''].some((v) => v.toLowerCase().includes(needle))),
  );

  const rows = shown.map((a) => ({
    key: a.id,
    testId: 'queue-row',
    cells: [
      {
        key: 'page',
        content: (
          <Stack space="space.025">
            <PageLink pageId={a.pageId} title={titleOf(a.pageId)} />
            {a.changeSetId && (
              <Text size="small" color="color.text.subtle">
                in <ChangeSetLink changeSetId={a.changeSetId} title={changeSets.data?.[a.changeSetId] ?? 'a change set'} />
              </Text>
            )}
          </Stack>
        ),
      },
      { key: 'version', content: a.pageVersion },
      { key: 'workflow', content: `${a.workflowSnapshot.name} · step ${a.activeStep + 1} of ${a.workflowSnapshot.steps.length}` },
      { key: 'progress', content: <GroupCounts groups={a.groups} /> },
      {
        key: 'submitted',
        content: (
          <Stack space="space.025">
            <Person id={a.submittedBy} />
            <Text size="small" color="color.text.subtle">
              {formatTime(a.submittedAt)}
            </Text>
          </Stack>
        ),
      },
      { key: 'source', content: a.source === 'api' ? <Lozenge appearance="new">API</Lozenge> : <Lozenge>Confluence</Lozenge> },
      {
        key: 'actions',
        content: (
          <Inline space="space.050" alignBlock="center">
            {mine && <QuickDecision approval={a} onDone={first.reload} />}
            <ChangesSinceApproval pageId={a.pageId} label="Changes since approval" />
            {caps.resetApproval && (
              <DropdownMenu trigger="•••" label={`More actions for ${titleOf(a.pageId) ?? 'this page'}`} testId="row-menu" shouldRenderToParent>
                <DropdownItemGroup>
                  <DropdownItem
                    onClick={() =>
                      confirm.ask({
                        title: 'Reset this approval?',
                        body: `The pending approval of “${titleOf(a.pageId) ?? 'this page'}” is cancelled and the page goes back to “not requested”. Decisions already made stay in the history.`,
                        confirmLabel: 'Reset approval',
                        danger: true,
                        onConfirm: () => void reset.run(a.pageId),
                      })
                    }
                  >
                    Reset approval…
                  </DropdownItem>
                </DropdownItemGroup>
              </DropdownMenu>
            )}
          </Inline>
        ),
      },
    ],
  }));

  return (
    <Stack space="space.200">
      <Inline space="space.200" alignBlock="end" shouldWrap>
        <Box>
          <Textfield aria-label="Filter by page, person, workflow or change set" placeholder="Filter by page, person, workflow…" value={text} onChange={(e) => setText(e.currentTarget.value)} />
        </Box>
        <Box>
          <Select<SourceOption> inputId="queue-source" aria-label="Source" options={SOURCES} value={source} onChange={(o) => o && setSource(o)} isSearchable={false} />
        </Box>
      </Inline>
      <ErrorMessage error={first.error ?? more.error} onRetry={first.reload} />
      <ErrorMessage error={reset.error} onDismiss={reset.clearError} />
      <DataTable
        testId="queue-table"
        label={mine ? 'Approvals waiting for you' : requestedByMe ? 'Your requests still waiting' : 'All pending approvals in this space'}
        isLoading={first.loading && !items}
        columns={{ page: 'Page', version: 'Version', workflow: 'Workflow and step', progress: 'Progress', submitted: 'Requested by', source: 'Source', actions: <VisuallyHidden>Actions</VisuallyHidden> }}
        rows={rows}
        emptyView={<Text as="p">{queueEmptyText(mine ? 'mine' : requestedByMe ? 'requestedByMe' : 'all', items?.nextCursor !== undefined)}</Text>}
      />
      <LoadMore cursor={items?.nextCursor} more={more} />
      {confirm.modal}
    </Stack>
  );
}
