/** Space page → Change sets: list with roll-up, detail with per-page versions, create/edit, preflight, submit, archive. */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAsync } from '../hooks';
import { ChangeSetLink, ChangeSetLozenge, ErrorMessage, formatTime } from '../components/ui';
import { Person } from '../people';
import type { SpaceTabProps } from './space-tab';
import { ChangeSetDetail } from './ChangeSetDetail';
import { ChangeSetEditor } from './ChangeSetEditor';
import { DataTable } from '../components/data-table';

export function ChangeSetsTab({ caps, openId, onOpen }: SpaceTabProps & { openId?: string; onOpen: (id: string | undefined) => void }) {
  const [status, setStatus] = useState<'open' | 'archived'>('open');
  const [creating, setCreating] = useState(false);
  const list = useAsync(() => call('changeSet.list', { status, limit: 100 }), [status]);

  if (openId) {
    return (
      <ChangeSetDetail
        changeSetId={openId}
        onBack={() => {
          onOpen(undefined);
          list.reload();
        }}
      />
    );
  }
  const rows = (list.data?.changeSets ?? []).map((cs) => ({
    key: cs.id,
    testId: 'changeset-row',
    cells: [
      { key: 'title', content: <ChangeSetLink changeSetId={cs.id} title={cs.title} onOpen={onOpen} /> },
      { key: 'state', content: <ChangeSetLozenge state={cs.rollupState} archived={cs.status === 'archived'} /> },
      { key: 'pages', content: cs.pageRefs.length },
      { key: 'by', content: <Person id={cs.createdBy} /> },
      { key: 'updated', content: <Text color="color.text.subtle">{formatTime(cs.updatedAt)}</Text> },
    ],
  }));
  return (
    <Stack space="space.200">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        {caps.createChangeSet && (
          <Button appearance="primary" testId="new-changeset-button" onClick={() => setCreating(true)}>
            New change set
          </Button>
        )}
        <Inline space="space.050" role="group" aria-label="Which change sets">
          <Button appearance={status === 'open' ? 'primary' : 'default'} aria-pressed={status === 'open'} onClick={() => setStatus('open')}>
            Open
          </Button>
          <Button appearance={status === 'archived' ? 'primary' : 'default'} aria-pressed={status === 'archived'} onClick={() => setStatus('archived')} testId="show-archived">
            Archived
          </Button>
        </Inline>
      </Inline>
      <ErrorMessage error={list.error} onRetry={list.reload} />
      <DataTable
        testId="changeset-table"
        label={status === 'open' ? 'Open change sets' : 'Archived change sets'}
        isLoading={list.loading && !list.data}
        columns={{ title: 'Title', state: 'State', pages: 'Pages', by: 'Created by', updated: 'Updated' }}
        rows={rows}
        emptyView={<Text as="p">No {status} change sets.</Text>}
      />
      {creating && (
        <ChangeSetEditor
          onClose={() => setCreating(false)}
          onSaved={(cs) => {
            setCreating(false);
            onOpen(cs.id);
          }}
        />
      )}
    </Stack>
  );
}
